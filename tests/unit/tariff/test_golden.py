"""Golden tariff cases from tests/cases/tariff/*.yaml, each with its legal reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from cafta.core.money import Money
from cafta.core.quantity import Quantity
from cafta.refdata.exchange_rates import default_rate_provider
from cafta.tariff.duty import DutyRequest, Incoterm, assess
from cafta.tariff.measure import Proof
from cafta.tariff.schedule import bundled_schedule

CASES = sorted((Path(__file__).parents[2] / "cases" / "tariff").glob("*.yaml"))


def _request(spec: dict[str, Any]) -> DutyRequest:
    cur = spec["currency"]
    return DutyRequest(
        line=spec["line"],
        origin=spec["origin"],
        destination=spec["destination"],
        value=Money.of(spec["value"], cur),
        on=date.fromisoformat(spec["date"]),
        incoterm=Incoterm.parse(spec.get("incoterm", "CIF")),
        freight=Money.of(spec["freight"], cur) if "freight" in spec else None,
        insurance=Money.of(spec["insurance"], cur) if "insurance" in spec else None,
        quantity=Quantity.of(Decimal(spec["quantity"]), spec["unit"])
        if "quantity" in spec
        else None,
        proofs=frozenset(Proof.parse(p) for p in spec.get("proofs", [])),
    )


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 9


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case["reference"].strip(), "every golden case cites its legal reference"
    result = assess(_request(case["request"]), bundled_schedule(), default_rate_provider())
    expect = case["expect"]
    money = {
        "customs_value": result.customs_value,
        "duty": result.duty,
        "consumption_tax": result.consumption,
        "vat": result.vat,
        "total": result.total,
        "saving": result.saving,
    }
    for key, value in money.items():
        if key in expect:
            assert value.amount == Decimal(expect[key]), key
    assert result.regime.value == expect["regime"]
    assert result.status.value == expect["status"]
    if "currency" in expect:
        assert result.currency == expect["currency"]
    if "note_contains" in expect:
        assert any(expect["note_contains"] in n for n in result.notes), result.notes
