"""The pipeline's lane step with the shipped risk engine: rules, values and certificates."""

from __future__ import annotations

from typing import Any

from cafta.certificates.trust import TrustList
from cafta.clearance.lifecycle import Lane, Status
from cafta.services.clearance import Lodge
from cafta.services.risk_lanes import RiskLanes, default_risk_engine

from .test_clearance import TRADER, clearance, durian


def _lodge(trust: TrustList, document: dict[str, Any], seed: int = 1) -> Any:
    service, _ = clearance(trust)
    service.lanes = RiskLanes(default_risk_engine(seed=seed))
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
