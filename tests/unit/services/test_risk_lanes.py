"""The pipeline's lane step with the shipped risk engine: rules, values and certificates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cafta.certificates.trust import TrustList
from cafta.clearance.lifecycle import Lane, Status
from cafta.risk.quotas import LaneQuota, QuotaTable
from cafta.risk.traders import TrustedTraders
from cafta.services.clearance import Lodge
from cafta.services.risk_lanes import RiskLanes, default_risk_engine, subject_of

from .test_clearance import TRADER, clearance, durian


def _lodge(trust: TrustList, document: dict[str, Any], seed: int = 1) -> Any:
    service, _ = clearance(trust, lanes=RiskLanes(default_risk_engine(seed=seed)))
    return service.lodge(Lodge(document, TRADER)).declaration


def test_an_ordinary_durian_truck_goes_green(trust: TrustList) -> None:
    declaration = _lodge(trust, durian())
    assert declaration.lane is not None and declaration.lane.lane is Lane.GREEN
    assert declaration.status is Status.RELEASED
    assert declaration.lane.reasons and declaration.lane.score


def test_durian_declared_far_below_its_reference_value_is_held(trust: TrustList) -> None:
    document = durian()
    document["items"][0]["value"]["amount"] = "90000.00"  # 5 CNY/kg against 30 CNY/kg
    declaration = _lodge(trust, document)
    assert declaration.lane is not None
    assert declaration.lane.lane in (Lane.YELLOW, Lane.RED)
    assert declaration.status.held
    assert any("value per kg" in r for r in declaration.lane.reasons), declaration.lane.reasons


def test_a_watch_listed_vehicle_goes_red(trust: TrustList) -> None:
    document = durian()
    document["transport"]["vehicle_plate"] = "ZZ-0000"
    declaration = _lodge(trust, document)
    assert declaration.lane is not None and declaration.lane.lane is Lane.RED
    assert declaration.lane.selected_by == "rule"
    assert declaration.status is Status.HELD_FOR_INSPECTION


def test_a_denied_preference_claim_is_checked(trust: TrustList) -> None:
    declaration = _lodge(trust, durian("E2026TH-NOTRECEIVED"))
    assert declaration.lane is not None
    assert declaration.lane.lane is not Lane.GREEN
    assert any("Form E" in r or "certificate" in r for r in declaration.lane.reasons)


def _register(valid_to: str | None = None) -> TrustedTraders:
    entry = {"name": " guangxi FRESH fruit trading co. ", "programme": "AEO advanced",
             "reference": "AEO certificate 42 (example)", "status": "illustrative",
             "valid_from": "2026-01-01", "valid_to": valid_to}  # fmt: skip
    return TrustedTraders.from_document(
        {"traders": [{k: v for k, v in entry.items() if v is not None}]}
    )


def test_subject_of_marks_an_importer_on_the_register_on_the_day_lodged(trust: TrustList) -> None:
    declaration = _lodge(trust, durian())  # lodged on 2026-06-01 by IMPORTER
    assert subject_of(declaration).trusted_trader is False
    assert subject_of(declaration, TrustedTraders()).trusted_trader is False
    assert subject_of(declaration, _register()).trusted_trader is True
    assert subject_of(declaration, _register(valid_to="2026-06-01")).trusted_trader is True
    assert subject_of(declaration, _register(valid_to="2026-05-31")).trusted_trader is False


def test_a_trusted_importer_goes_blue_with_its_register_entry_in_the_reasons(
    trust: TrustList,
) -> None:
    quotas = QuotaTable(LaneQuota(blue=Decimal("0.02")))
    lanes = RiskLanes(default_risk_engine(seed=1, quotas=quotas), _register())
    service, _ = clearance(trust, lanes=lanes)
    declaration = service.lodge(Lodge(durian(), TRADER)).declaration
    assert declaration.lane is not None and declaration.lane.lane is Lane.BLUE
    assert declaration.status is Status.RELEASED and declaration.post_clearance_audit
    first, entry, *rest = declaration.lane.reasons
    assert first.startswith("blue: trusted trader (AEO) released for post-clearance audit")
    assert entry == (
        "importer 'guangxi FRESH fruit trading co.' is a trusted trader: AEO advanced; "
        "reference: AEO certificate 42 (example) (illustrative)"
    )
    assert "score: trusted trader (AEO): score x 0.5" in rest


def test_without_a_blue_quota_a_trusted_importer_is_green_at_half_the_score(
    trust: TrustList,
) -> None:
    service, _ = clearance(trust, lanes=RiskLanes(default_risk_engine(seed=1), _register()))
    trusted = service.lodge(Lodge(durian(), TRADER)).declaration
    service, _ = clearance(trust, lanes=RiskLanes(default_risk_engine(seed=1)))
    plain = service.lodge(Lodge(durian(), TRADER)).declaration
    assert trusted.lane is not None and plain.lane is not None
    assert trusted.lane.lane is Lane.GREEN
    assert Decimal(trusted.lane.score) == Decimal(plain.lane.score) / 2
    assert any("is a trusted trader" in r for r in trusted.lane.reasons)
    assert not any("trusted trader" in r for r in plain.lane.reasons)
