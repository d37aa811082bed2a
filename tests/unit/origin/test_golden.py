"""Golden origin cases from tests/cases/origin/*.yaml, each with its legal reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from cafta.origin.bom import parse_bom
from cafta.origin.decision import assess

CASES = sorted((Path(__file__).parents[2] / "cases" / "origin").glob("*.yaml"))


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case["reference"].strip(), "every golden case cites its legal reference"
    decision = assess(parse_bom(case["bom"]), date.fromisoformat(case["date"]))
    expect = case["expect"]
    assert decision.originating is expect["originating"], decision.summary
    if "criterion" in expect:
        assert decision.criterion == expect["criterion"]
    if "box8" in expect:
        assert decision.box8 == expect["box8"]
    if "rvc_percent" in expect:
        assert decision.rvc is not None
        assert decision.rvc.percent == Decimal(expect["rvc_percent"])
    if "de_minimis" in expect:
        basis = decision.de_minimis.basis if decision.de_minimis else None
        assert basis == expect["de_minimis"]
    if "de_minimis_share" in expect:
        assert decision.de_minimis is not None
        assert decision.de_minimis.share == Decimal(expect["de_minimis_share"])
    if "rule_source" in expect:
        assert decision.rule.source == expect["rule_source"]
    if "rule_text" in expect:
        assert decision.rule.text == expect["rule_text"]
    if "reasons_contain" in expect:
        for text in expect["reasons_contain"]:
            assert any(text in r for r in decision.reasons), (text, decision.reasons)
        if not expect["reasons_contain"]:
            assert decision.reasons == ()
    for text in expect.get("notes_contain", []):
        assert any(text in n for n in decision.notes), (text, decision.notes)
    assert decision.status.value == expect["status"]
