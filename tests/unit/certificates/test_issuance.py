"""Issue requests: the boxes read, the issuing rules applied, the reference derived."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cafta.certificates.criterion import CriterionKind, OriginCriterion
from cafta.certificates.issuance import issue, parse_request
from cafta.certificates.policy import VerificationPolicy
from cafta.core.errors import InvalidInput
from cafta.core.money import Money
from cafta.core.quantity import Quantity

MINIMAL_REQUEST: dict[str, Any] = json.loads(
    (Path(__file__).parent / "minimal-request.json").read_text(encoding="utf-8")
)


def request(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL_REQUEST)
    data.update(changes)
    return data


def item(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL_REQUEST["items"][0])
    data.update(changes)
    return data


# --- Box 8 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "percent"),
    [
        ("WO", CriterionKind.WO, None),
        (" pe ", CriterionKind.PE, None),
        ("CTH", CriterionKind.CTH, None),
        ("PSR", CriterionKind.PSR, None),
        ("RVC 45%", CriterionKind.RVC, Decimal(45)),
        ("RVC45%", CriterionKind.RVC, Decimal(45)),
        ("rvc 40.5 %", CriterionKind.RVC, Decimal("40.5")),
        ("45%", CriterionKind.RVC, Decimal(45)),
        ("RVC 60", CriterionKind.RVC, Decimal(60)),
    ],
)
def test_criteria_are_read_tolerantly(text: str, kind: CriterionKind, percent: Decimal) -> None:
    criterion = OriginCriterion.parse(text)
    assert (criterion.kind, criterion.percent) == (kind, percent)
    assert OriginCriterion.parse(str(criterion)) == criterion


@pytest.mark.parametrize("text", ["", "RVC", "45", "RVC 145%", "XYZ", "WO 40%", "RVC -5%"])
def test_unknown_criteria_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        OriginCriterion.parse(text)
    assert error.value.code == "certificate.invalid_criterion"


# --- the minimal request ------------------------------------------------------------------------


def test_the_minimal_request_is_accepted_and_normalised() -> None:
    form = parse_request(request())
    assert (form.authority, form.exporting_party, form.importing_party) == ("MM-MOC", "MM", "CN")
    assert form.issue_date == date(2026, 3, 2)
    assert form.exporter.name == "Golden Lotus Pulses Co." and form.consignee.country == "CN"
    (only,) = form.items
    assert only.number == 1 and only.line == "071331"
    assert only.criterion == OriginCriterion(CriterionKind.WO)
    assert only.quantity == Quantity(Decimal(25000), "kg")
    assert only.fob == Money.of("23750.00", "USD")
    assert form.transport is None and form.flags.marked() == ()


def test_a_reference_is_derived_from_the_content() -> None:
    form = parse_request(request())
    assert re.fullmatch(r"E2026MM-[A-Z2-7]{10}", form.reference)
    assert parse_request(request()).reference == form.reference  # deterministic
    other = parse_request(request(invoice={"number": "GLP-2026-032", "date": "2026-03-01"}))
    assert other.reference != form.reference
    given = parse_request(request(reference="MM/2026/000123"))
    assert given.reference == "MM/2026/000123"


def test_countries_may_be_named() -> None:
    form = parse_request(request(exporting_party="Myanmar", importing_party="china"))
    assert (form.exporting_party, form.importing_party) == ("MM", "CN")


def test_items_are_numbered_in_order() -> None:
    form = parse_request(request(items=[item(), item(number=2, description="Mung beans")]))
    assert [i.number for i in form.items] == [1, 2]
    with pytest.raises(InvalidInput) as error:
        parse_request(request(items=[item(number=2)]))
    assert error.value.code == "certificate.item_numbers"
    assert error.value.message.startswith("items[0].number:")


# --- errors name the field ---------------------------------------------------------------------

MISSING, INVALID = "certificate.missing_field", "certificate.invalid_field"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"exporter": {"country": "MM"}}, "exporter.name", MISSING),
        ({"items": [item(quantity={"unit": "kg"})]}, "items[0].quantity.amount", MISSING),
        ({"items": [item(quantity={"amount": "1", "unit": "bushel"})]},
         "items[0].quantity.unit", "quantity.unknown_unit"),
        ({"items": [item(quantity={"amount": 1.5, "unit": "kg"})]},
         "items[0].quantity.amount", "money.inexact"),
        ({"items": [item(line="0713.3")]}, "items[0].line", "hs.invalid_length"),
        ({"items": [item(criterion="RVC")]}, "items[0].criterion", "certificate.invalid_criterion"),
        ({"items": []}, "items", "certificate.no_items"),
        ({"importing_party": "Atlantis"}, "importing_party", "certificate.unknown_country"),
        ({"issue_date": "2026-02-30"}, "issue_date", "date.invalid"),
        ({"issue_date": datetime(2026, 3, 2, 9)}, "issue_date", INVALID),
        ({"invoice": {"number": "X"}}, "invoice.date", MISSING),
        ({"reference": "no spaces please"}, "reference", "certificate.invalid_reference"),
        ({"items": [item(fob={"amount": "-1", "currency": "USD"})]},
         "items[0].fob.amount", INVALID),
    ],
)  # fmt: skip
def test_a_bad_request_names_the_field(changes: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_request(request(**changes))
    assert error.value.message.startswith(field), error.value.message
    assert error.value.code == code
    assert "\n" not in str(error.value)


def test_a_request_must_be_an_object() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_request(["not", "a", "request"])
    assert error.value.code == "certificate.not_an_object"


# --- the issuing rules --------------------------------------------------------------------------


def test_an_rvc_item_needs_its_fob_value() -> None:
    no_fob = item(criterion="RVC 45%")
    del no_fob["fob"]
    with pytest.raises(InvalidInput) as error:
        parse_request(request(items=[no_fob]))
    assert error.value.code == "certificate.rvc_without_fob"
    assert error.value.message.startswith("items[0].fob: missing")
    assert parse_request(request(items=[item(criterion="RVC 45%")])).items[0].criterion.is_rvc


def test_fob_is_optional_for_other_criteria() -> None:
    no_fob = item()
    del no_fob["fob"]
    assert parse_request(request(items=[no_fob])).items[0].fob is None


def test_an_rvc_below_the_threshold_is_not_certified() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_request(request(items=[item(criterion="RVC 35%")]))
    assert error.value.code == "certificate.rvc_below_threshold"
    lenient = VerificationPolicy(rvc_threshold=Decimal(30))
    assert parse_request(request(items=[item(criterion="RVC 35%")]), lenient).items[0].fob


NOT_ACFTA = "certificate.not_acfta_party"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"exporting_party": "KR", "exporter": {"name": "X", "country": "KR"}}, NOT_ACFTA),
        ({"importing_party": "MM", "consignee": {"name": "X", "country": "MM"}}, NOT_ACFTA),
        ({"exporting_party": "TL", "exporter": {"name": "X", "country": "TL"}}, NOT_ACFTA),
        ({"exporter": {"name": "Golden Lotus", "country": "TH"}}, "certificate.party_country"),
        ({"issue_date": "2005-07-01"}, NOT_ACFTA),
    ],
)  # fmt: skip
def test_both_parties_must_be_acfta_parties_and_differ(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_request(request(**changes))
    assert error.value.code == code


def test_late_issue_needs_the_retroactive_mark_and_stays_within_12_months() -> None:
    shipped = {"departure_date": "2026-02-25"}  # 5 days before the issue date
    with pytest.raises(InvalidInput) as error:
        parse_request(request(transport=shipped))
    assert error.value.code == "certificate.retroactive_unmarked"
    assert "issued_retroactively" in str(error.value)
    form = parse_request(request(transport=shipped, flags={"issued_retroactively": True}))
    assert form.flags.marked() == ("Issued Retroactively",)
    on_time = parse_request(request(transport={"departure_date": "2026-02-27"}))  # 3 days
    assert on_time.transport is not None
    with pytest.raises(InvalidInput) as too_late:
        parse_request(
            request(
                transport={"departure_date": "2025-03-01"}, flags={"issued_retroactively": True}
            )
        )
    assert too_late.value.code == "certificate.retroactive_too_late"


def test_third_party_invoicing_names_the_third_party() -> None:
    third = {"name": "Lotus Trading Pte. Ltd.", "country": "SG"}
    with pytest.raises(InvalidInput) as error:
        parse_request(request(flags={"third_party_invoicing": True}))
    assert error.value.message.startswith("flags.third_party: missing")
    with pytest.raises(InvalidInput):
        parse_request(request(flags={"third_party": third}))
    form = parse_request(request(flags={"third_party_invoicing": True, "third_party": third}))
    assert form.flags.third_party is not None and form.flags.third_party.country == "SG"
    assert form.flags.marked() == ("Third Party Invoicing",)


def test_the_exporters_declaration_precedes_certification() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_request(request(exporter_declaration={"date": "2026-03-05"}))
    assert error.value.message.startswith("exporter_declaration.date:")


def test_issue_signs_the_checked_certificate(signer: Any) -> None:
    form, envelope = issue(request(), signer)
    assert envelope.count(".") == 2
    assert form.reference.startswith("E2026MM-")
    with pytest.raises(InvalidInput):
        issue(request(items=[]), signer)
