"""The origin decision beyond the golden cases: cumulation limits, currencies, roles, options."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.origin.bom import parse_bom
from cafta.origin.decision import assess
from cafta.origin.evidence import to_document
from cafta.origin.psr import PsrTable
from cafta.origin.rulebook import Rulebook
from cafta.origin.scheme import ACFTA, parse_chapters
from cafta.refdata.exchange_rates import ManualRate, ManualRates

ON = date(2026, 5, 1)


def _bom(*materials: dict[str, Any], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "scheme": "ACFTA",
        "exporting_party": "VN",
        "importing_party": "CN",
        "product": {
            "line": "8504.40",
            "description": "Static converter",
            "fob": {"amount": "100.00", "currency": "USD"},
        },
        "materials": list(materials),
    }
    for key, value in extra.items():
        if key == "product":
            doc["product"].update(value)
        else:
            doc[key] = value
    return doc


def _m(
    line: str, origin: str, amount: str, originating: bool = False, **extra: Any
) -> dict[str, Any]:
    return {
        "description": f"material {line}",
        "line": line,
        "origin": origin,
        "value": {"amount": amount, "currency": extra.pop("currency", "USD")},
        "originating": originating,
        **extra,
    }


def test_originating_claim_from_a_non_party_is_not_cumulated() -> None:
    decision = assess(parse_bom(_bom(_m("8504.90", "KR", "70.00", originating=True))), ON)
    assert not decision.originating
    assert not decision.materials[0].originating
    assert any("KR is not a party to ACFTA" in n for n in decision.notes)


def test_material_values_in_another_currency_are_converted_with_the_rate_named() -> None:
    rate = ManualRate("EUR", "USD", Decimal("1.10"), Validity(date(2026, 1, 1)), "test rate",
                      Status.OFFICIAL)  # fmt: skip
    rates = ManualRates([rate])
    doc = _bom(_m("8542.31", "DE", "50.00", currency="EUR"))
    decision = assess(parse_bom(doc), ON, rates=rates)
    assert decision.rvc is not None
    assert decision.rvc.non_originating.amount == Decimal("55.0000")
    assert decision.rvc.percent == Decimal(45)
    assert any("50.00 EUR" in n and "test rate" in n for n in decision.notes)


def test_another_currency_without_rates_is_an_error_naming_the_material() -> None:
    doc = _bom(_m("8542.31", "DE", "50.00", currency="EUR"))
    with pytest.raises(InvalidInput, match=r"materials\[0\]\.value is in EUR"):
        assess(parse_bom(doc), ON)


def test_build_up_is_off_for_acfta_and_on_where_a_scheme_allows_it() -> None:
    costs = {
        k: {"amount": "10.00", "currency": "USD"} for k in ("labour", "overhead", "other", "profit")
    }
    doc = _bom(_m("8542.31", "TW", "70.00"), _m("8504.90", "VN", "5.00", originating=True),
               rvc_method="build-up", costs=costs)  # fmt: skip
    down = assess(parse_bom(doc), ON)
    assert down.rvc is not None and down.rvc.method.value == "build-down"
    assert down.rvc.percent == Decimal(30)
    assert any("build-up RVC formula is not available" in n for n in down.notes)
    allowing = Rulebook(replace(ACFTA, build_up_allowed=True))
    up = assess(parse_bom(doc), ON, rulebook=allowing)
    assert up.rvc is not None and up.rvc.method.value == "build-up"
    assert up.rvc.percent == Decimal(45)  # (5 + 4 x 10) / 100
    assert up.originating and up.box8 == "RVC 45%"


def test_closed_cth_chapters_leave_only_rvc_and_an_official_decision() -> None:
    doc = _bom(_m("8542.31", "TW", "70.00"))
    open_everywhere = assess(parse_bom(doc), ON)
    assert open_everywhere.originating and open_everywhere.box8 == "CTH"
    assert open_everywhere.status is Status.ILLUSTRATIVE
    official = ACFTA.with_cth_chapters(parse_chapters("01-24, 28-40"), "test list")
    closed = assess(parse_bom(doc), ON, rulebook=Rulebook(official))
    assert not closed.originating
    assert closed.rule.text == "RVC(40)"
    assert closed.reasons == ("RVC 30% < 40%",)
    assert closed.status is Status.OFFICIAL


def test_the_exporter_may_claim_cth_when_rvc_is_also_met() -> None:
    doc = _bom(_m("8542.31", "TW", "20.00"))
    assert assess(parse_bom(doc), ON).box8 == "RVC 80%"
    claimed = assess(parse_bom({**doc, "claim": "CTH"}), ON)
    assert claimed.criterion == "CTH" and claimed.box8 == "CTH"


def test_packing_roles_count_for_value_but_not_for_the_shift() -> None:
    doc = _bom(
        _m("8542.31", "TW", "30.00"),
        _m("8504.90", "KR", "20.00", role="retail-packing"),
        _m("8504.90", "KR", "50.00", role="transport-packing"),
    )
    decision = assess(parse_bom(doc), ON)
    assert decision.rvc is not None
    assert decision.rvc.non_originating.amount == Decimal("50.00")  # transport packing ignored
    assert [s.material for s in decision.shifts] == [0]  # packing is not checked for CTH
    assert decision.originating


def test_wo_without_evidence_falls_back_to_the_other_criteria() -> None:
    doc = _bom(product={"wholly_obtained": {"category": "plants"}})
    decision = assess(parse_bom(doc), ON)
    assert decision.criteria[0].name == "WO" and not decision.criteria[0].met
    assert "no evidence" in decision.criteria[0].reasons[0]
    assert decision.box8 == "RVC 100%"  # no materials at all: value content is whole


def test_pe_when_every_material_originates_in_parties() -> None:
    doc = _bom(
        _m("8504.90", "VN", "30.00", originating=True),
        _m("8542.31", "MY", "20.00", originating=True),
    )
    decision = assess(parse_bom(doc), ON)
    assert decision.criterion == "PE" and decision.box8 == "PE"


def test_specific_processes_and_exceptions_in_a_psr() -> None:
    psr = PsrTable.from_csv_text(
        "scheme,lines,description,rule,text,valid_from,valid_to,status,reference\n"
        "ACFTA,8504,Converters,CTH except 8542 OR PROCESS(winding),,2019-08-20,,official,test\n",
        "test.csv",
    )
    book = Rulebook(ACFTA, psr)
    doc = _bom(_m("8542.31", "TW", "70.00"))
    excluded = assess(parse_bom(doc), ON, rulebook=book)
    assert not excluded.originating
    assert any("comes from 8542, which CTH except 8542 excludes" in r for r in excluded.reasons)
    assert any("does not declare the process 'winding'" in r for r in excluded.reasons)
    wound = assess(parse_bom(_bom(*doc["materials"], product={"processes": ["winding"]})), ON,
                   rulebook=book)  # fmt: skip
    assert wound.originating and wound.box8 == "PSR" and wound.criterion == "PROCESS(winding)"


def test_unclassified_materials_fail_the_shift_but_may_fit_de_minimis() -> None:
    material = _m("8542.31", "TW", "5.00")
    del material["line"]
    decision = assess(parse_bom(_bom(material, _m("3926.90", "JP", "70.00"))), ON)
    assert decision.originating and decision.de_minimis is not None
    assert "has no HS code" in decision.shifts[0].reason


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"exporting_party": "KR"}, "origin.not_a_party"),
        ({"importing_party": "TL"}, "origin.not_a_party"),
        ({"importing_party": "VN"}, "origin.same_party"),
    ],
)
def test_parties_are_checked(change: dict[str, str], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        assess(parse_bom({**_bom(), **change}), ON)
    assert caught.value.code == code


def test_rules_not_in_force_and_scheme_mismatch() -> None:
    with pytest.raises(InvalidInput, match="not in force on 2019-01-01"):
        assess(parse_bom(_bom()), date(2019, 1, 1))
    with pytest.raises(InvalidInput, match="the rules given are for ACFTA"):
        assess(replace(parse_bom(_bom()), scheme="RCEP"), ON, rulebook=Rulebook(ACFTA))
    # A document naming a scheme without rules is refused on its field as it is read.
    with pytest.raises(InvalidInput) as unknown:
        parse_bom({**_bom(), "scheme": "bogus"})
    assert unknown.value.details == {"field": "scheme"}
    assert str(unknown.value) == "scheme: unknown origin scheme 'BOGUS'. Use one of: ACFTA."


def test_the_parties_are_named_as_fields() -> None:
    with pytest.raises(InvalidInput) as outside:
        assess(parse_bom({**_bom(), "exporting_party": "US"}), ON)
    assert outside.value.details == {"field": "exporting_party"}
    with pytest.raises(InvalidInput) as same:
        assess(parse_bom({**_bom(), "exporting_party": "CN", "importing_party": "CN"}), ON)
    assert (same.value.code, same.value.details) == (
        "origin.same_party", {"field": "importing_party"})  # fmt: skip


def test_materials_worth_more_than_fob_are_flagged() -> None:
    decision = assess(parse_bom(_bom(_m("8542.31", "TW", "150.00"))), ON)
    assert any("worth more than the FOB" in n for n in decision.notes)


def test_evidence_document_is_json_with_the_required_keys() -> None:
    decision = assess(parse_bom(_bom(_m("8504.90", "KR", "69.00"))), ON)
    doc = json.loads(json.dumps(to_document(decision)))
    assert {"originating", "criterion", "box8", "rvc", "reasons"} <= doc.keys()
    assert doc["originating"] is False
    assert doc["rvc"]["percent"] == "31"
    assert doc["reasons"][0] == "RVC 31% < 40%"
    assert doc["tariff_shift"][0]["line"] == "8504.90" and doc["tariff_shift"][0]["met"] is False
    assert doc["summary"].startswith("not originating under ACFTA: RVC 31% < 40%; CTH fails")


def test_rulebook_tells_certificates_the_level_of_the_rule() -> None:
    book = Rulebook(ACFTA)
    key, digits = book.rule_for("0713.31.90", ON)
    assert key == "ACFTA general rule RVC(40) OR CTH" and digits == 4
    key, digits = book.rule_for("6109.10", ON)
    assert key.startswith("PSR ACFTA 61-62") and digits == 2
    closed = Rulebook(ACFTA.with_cth_chapters(frozenset({"01"}), "test"))
    assert closed.rule_for("8504.40", ON) == ("ACFTA general rule RVC(40)", 2)
    copy.deepcopy(book)  # rulebooks are plain values


def test_a_claim_picks_an_excepted_tariff_shift_too() -> None:
    doc = _bom(_m("4107.99", "IT", "20.00"), product={"line": "6403.99"}, claim="CTH")
    decision = assess(parse_bom(doc), ON)
    assert decision.rule.source == "PSR"
    assert decision.criterion == "CTH except 6406" and decision.box8 == "PSR"


def test_pe_names_the_materials_that_are_not_originating() -> None:
    doc = _bom(_m("8542.31", "TW", "20.00"), _m("3926.90", "JP", "5.00"),
               _m("8504.90", "VN", "5.00", originating=True))  # fmt: skip
    decision = assess(parse_bom(doc), ON)
    pe = next(c for c in decision.criteria if c.name == "PE")
    assert pe.reasons == ("PE fails: 2 materials are not originating (8542.31 (TW), 3926.90 (JP))",)
