"""The portal's declaration form: rows read from the posted names, the document it makes, and
the engine's error paths put back on the form's fields."""

from __future__ import annotations

import pytest

from cafta.clearance.goods import parse_goods
from cafta.core.errors import InvalidInput, NotFound
from cafta.web.declaration_form import MAX_ITEMS, DeclarationForm
from cafta.web.forms import NOT_POSITIVE, TOO_PRECISE, WHOLE_UNITS, Message
from cafta.web.numbers import AMBIGUOUS

POSTED = {
    "office": "CNYYG",
    "declarant_name": "Pingxiang Border Brokers",
    "importer_name": "Guangxi Fresh Fruit Trading",
    "importer_country": "CN",
    "exporter_name": "Chanthaburi Durian Export",
    "exporter_country": "TH",
    "transport_mode": "road",
    "vehicle_plate": "桂F·A1234",
    "container": "CSQU3054383",
    "currency": "CNY",
    "idempotency_key": "k-1",
    "i-0-description": "",
    "i-0-unit": "kg",
    "i-0-incoterm": "CIF",
    "i-4-description": "Fresh durian",
    "i-4-line": "0810.60.00",
    "i-4-origin": "TH",
    "i-4-quantity": "18000",
    "i-4-unit": "kg",
    "i-4-net_mass": "18000",
    "i-4-value": "612000.00",
    "i-4-incoterm": "cif",
    "i-4-certificate": " E2026TH-7WACPJX52Z ",
}


def test_the_posted_form_becomes_the_document_the_api_takes() -> None:
    form = DeclarationForm.from_form(POSTED)
    document, numbers, errors = form.document()
    assert errors == {} and numbers == [1]
    assert form.key == "k-1"
    item = document["items"][0]
    assert item["incoterm"] == "CIF"
    assert item["preference"] == {"scheme": "ACFTA", "certificate": "E2026TH-7WACPJX52Z"}
    assert item["value"] == {"amount": "612000.00", "currency": "CNY"}
    goods = parse_goods(document)
    assert goods.office == "CNYYG" and goods.declarant.name == "Pingxiang Border Brokers"
    assert goods.transport.container == "CSQU3054383"


def test_missing_fields_are_named_and_an_empty_form_needs_an_item() -> None:
    _, _, errors = DeclarationForm.from_form({"i-0-unit": "kg"}).document()
    assert {"office", "importer_name", "exporter_name", "exporter_country", "currency"} <= set(
        errors
    )
    assert "i-0-description" in errors
    half = DeclarationForm.from_form({**POSTED, "i-4-value": "", "i-4-unit": ""})
    _, _, errors = half.document()
    assert set(errors) == {"i-1-value", "i-1-unit"}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("office", "office"),
        ("transport.container", "container"),
        ("transport.vehicle_plate", "vehicle_plate"),
        ("importer.country", "importer_country"),
        ("declarant.name", "declarant_name"),
        ("items[0].line", "i-1-line"),
        ("items[0].quantity.unit", "i-1-unit"),
        ("items[0].quantity.amount", "i-1-quantity"),
        ("items[0].net_mass.amount", "i-1-net_mass"),
        ("items[0].value.amount", "i-1-value"),
        ("items[0].value.currency", "currency"),
        ("items[0].preference.certificate", "i-1-certificate"),
        ("items[0]", "i-1-description"),
        ("items[3].line", ""),
        ("nowhere", ""),
    ],
)
def test_engine_errors_land_on_their_field(path: str, field: str) -> None:
    form = DeclarationForm.from_form(POSTED)
    _, numbers, _ = form.document()
    error = InvalidInput(f"{path}: wrong", code="x.y", details={"field": path})
    assert form.field_of(error, numbers) == field
    assert form.error_for(error, numbers)[field].text == "wrong"


def test_rows_are_added_and_removed_within_the_limit() -> None:
    form = DeclarationForm.from_form(POSTED)
    assert len(form.adding_rows().rows) == 5
    assert len(form.removing_row(0).rows) == 1
    assert len(form.removing_row(0).removing_row(0).rows) == 1  # one blank row is left
    full = DeclarationForm.from_form(
        {f"i-{n}-description": f"goods {n}" for n in range(MAX_ITEMS + 5)}
    )
    assert len(full.rows) == MAX_ITEMS and len(full.adding_rows().rows) == MAX_ITEMS


def test_a_blank_form_has_a_fresh_key_each_time() -> None:
    one = DeclarationForm.blank_for("Guangxi Fresh Fruit Trading", broker=False)
    two = DeclarationForm.blank_for("Pingxiang Border Brokers", broker=True)
    assert one.key != two.key and one.key.startswith("portal-")
    assert one.importer_name == one.declarant_name and two.importer_name == ""


def test_a_filed_declaration_fills_the_form_it_would_be_sent_back_by() -> None:
    form = DeclarationForm.from_form(POSTED)
    document, _, _ = form.document()
    document["declarant"]["country"] = "CN"
    document["exporter"]["country"] = "Thailand"
    shown = DeclarationForm.from_document(document)
    assert (shown.office, shown.exporter_country, shown.declarant_country) == ("CNYYG", "TH", "CN")
    assert len(shown.rows) == 1 and shown.key == ""
    row = shown.rows[0]
    assert (row.value, row.net_mass, row.incoterm) == ("612000.00", "18000", "CIF")
    assert row.certificate == "E2026TH-7WACPJX52Z"
    again, _, errors = shown.document()
    assert errors == {} and parse_goods(again).items == parse_goods(document).items
    assert DeclarationForm.left_out(document) == []


def test_what_the_form_cannot_carry_is_named() -> None:
    document, _, _ = DeclarationForm.from_form(POSTED).document()
    document["reference"] = "PO-2026-117"
    first = document["items"][0]
    first.update(incoterm="FOB", freight={"amount": "1200.00", "currency": "CNY"},
                 insurance={"amount": "50.00", "currency": "USD"})  # fmt: skip
    first["net_mass"] = {"amount": "18", "unit": "t"}
    first["preference"]["certificate_item"] = 2
    second = {**first, "value": {"amount": "10.00", "currency": "USD"}, "incoterm": "DPU"}
    document["items"].append(second)
    shown = DeclarationForm.from_document(document)
    assert shown.rows[0].net_mass == "" and shown.rows[1].incoterm == "CIF"
    assert (shown.rows[0].incoterm, shown.rows[0].freight) == ("FOB", "1200.00")
    assert set(DeclarationForm.left_out(document)) == {
        "reference",
        "items[0].net_mass",
        "items[0].insurance.currency",
        "items[0].preference.certificate_item",
        "items[1].net_mass",
        "items[1].insurance.currency",
        "items[1].preference.certificate_item",
        "items[1].value.currency",
        "items[1].incoterm",
    }
    assert DeclarationForm.from_document({}).rows == (DeclarationForm().rows[0],)


# --- numbers as the page's language writes them, lengths, every mistake at once ---------------

VIETNAMESE = {**POSTED, "i-4-quantity": "18.000,5", "i-4-net_mass": "18.000",
              "i-4-value": "612.000,00", "i-4-incoterm": "FOB", "i-4-freight": "20.000",
              "i-4-insurance": "2.000,50"}  # fmt: skip


def test_amounts_are_read_as_the_pages_language_writes_them() -> None:
    document, _, errors = DeclarationForm.from_form(VIETNAMESE, "vi").document()
    assert errors == {}
    item = document["items"][0]
    assert item["quantity"]["amount"] == "18000.5" and item["net_mass"]["amount"] == "18000"
    assert item["value"]["amount"] == "612000.00"
    assert (item["freight"]["amount"], item["insurance"]["amount"]) == ("20000", "2000.50")
    # The form says how its numbers are written; that wins over the page's language.
    posted = {**VIETNAMESE, "numbers": "vi"}
    assert DeclarationForm.from_form(posted, "en").document()[0] == document
    # The same figures on an English page are refused, never misread: "18.000" and "20.000"
    # read two ways (18 or 18000), the others not at all.
    _, _, errors = DeclarationForm.from_form(VIETNAMESE, "en").document()
    assert set(errors) == {"i-1-quantity", "i-1-net_mass", "i-1-value", "i-1-freight",
                           "i-1-insurance"}  # fmt: skip  # rows renumbered
    assert errors["i-1-value"].text.startswith("This is not a number as this page writes")
    assert errors["i-1-net_mass"].text == AMBIGUOUS
    assert errors["i-1-net_mass"].values == {"typed": "18.000", "fraction": "18", "whole": "18000"}
    english = {**POSTED, "i-4-value": "612,000.50", "i-4-quantity": "18,000"}
    document, _, errors = DeclarationForm.from_form(english, "en").document()
    assert errors == {} and document["items"][0]["value"]["amount"] == "612000.50"


def test_a_form_shown_in_another_language_rewrites_its_amounts() -> None:
    form = DeclarationForm.from_form(VIETNAMESE, "vi").restyled("en")
    row = form.rows[1]
    assert (row.value, row.quantity, row.insurance, form.numbers) == (
        "612000.00", "18000.5", "2000.50", "en")  # fmt: skip
    assert form.document()[0] == DeclarationForm.from_form(VIETNAMESE, "vi").document()[0]
    filed, _, _ = DeclarationForm.from_form(POSTED).document()
    shown = DeclarationForm.from_document(filed, "vi")
    assert (shown.rows[0].value, shown.numbers) == ("612000,00", "vi")
    assert shown.document()[0]["items"] == filed["items"]


def test_every_mistake_the_form_can_see_is_reported_at_once() -> None:
    posted = {**POSTED, "office": "", "i-4-net_mass": "-1", "i-4-quantity": "abc",
              "i-4-value": "-5", "i-4-freight": "1e30", "i-4-line": ""}  # fmt: skip
    _, _, errors = DeclarationForm.from_form(posted).document()
    assert list(errors) == ["office", "i-1-line", "i-1-quantity", "i-1-net_mass", "i-1-value",
                            "i-1-freight"]  # fmt: skip
    assert errors["i-1-net_mass"].text == "This number must not be negative."  # no money
    assert errors["i-1-value"].text == "The amount must not be negative."


def test_long_fields_are_kept_whole_up_to_their_limit_and_refused_beyond() -> None:
    certificate = "eyJhbGciOiJFZERTQSJ9." + "x" * 1200 + ".c2lnbmF0dXJl"
    description = "Fresh durian (Monthong), " + "grade A " * 40
    posted = {**POSTED, "i-4-certificate": certificate, "i-4-description": description.strip()}
    document, _, errors = DeclarationForm.from_form(posted).document()
    assert errors == {}
    assert document["items"][0]["preference"]["certificate"] == certificate
    assert document["items"][0]["description"] == description.strip()
    too_long = {**POSTED, "i-4-description": "d" * 501, "exporter_name": "e" * 201}
    _, _, errors = DeclarationForm.from_form(too_long).document()
    assert set(errors) == {"i-1-description", "exporter_name"}
    assert errors["i-1-description"].values == {"limit": 500}
    assert errors["i-1-description"].text == "This is too long: at most %(limit)s characters."


@pytest.mark.parametrize(
    ("message", "field", "shown"),
    [
        ("items[0].quantity.amount 'abc' is not a number", "i-1-quantity", "'abc' is not a number"),
        ("items[0].value.amount '1e30' is too large", "i-1-value", "'1e30' is too large"),
    ],
)
def test_an_engine_error_naming_its_path_only_in_its_message_lands_on_its_field(
    message: str, field: str, shown: str
) -> None:
    form = DeclarationForm.from_form(POSTED)
    _, numbers, _ = form.document()
    error = InvalidInput(message, code="money.invalid_amount")
    assert form.error_for(error, numbers) == {field: Message(shown, localized=False)}


def test_an_office_of_no_country_is_said_next_to_the_office() -> None:
    form = DeclarationForm.from_form({**POSTED, "office": "XXXXX"})
    _, numbers, _ = form.document()
    error = NotFound("no country is known as 'XX'", code="country.unknown", details={"text": "XX"})
    errors = form.error_for(error, numbers)
    assert list(errors) == ["office"] and errors["office"].localized


def test_zero_is_refused_with_every_other_mistake_at_once() -> None:
    """Zero quantity, value and net mass, a wrong line and a wrong container check digit were
    said one submission at a time, as the engines found them; the form sees them all."""
    posted = {**POSTED, "i-4-quantity": "0", "i-4-value": "0.00", "i-4-net_mass": "0",
              "i-4-line": "0810.6", "container": "CSQU3054384", "vehicle_plate": "AB",
              "i-4-freight": "0"}  # fmt: skip
    _, _, errors = DeclarationForm.from_form(posted).document()
    assert set(errors) == {"container", "vehicle_plate", "i-1-line", "i-1-quantity",
                           "i-1-net_mass", "i-1-value"}  # fmt: skip  # freight may be zero
    assert errors["i-1-quantity"].text == errors["i-1-value"].text == NOT_POSITIVE
    assert "check digit" in errors["container"].text and not errors["container"].localized
    assert "has 5 digits" in errors["i-1-line"].text
    _, _, errors = DeclarationForm.from_form({**POSTED, "i-4-line": "0810"}).document()
    assert errors["i-1-line"].text.startswith("Declare the national tariff line (8 or 10")
    _, _, errors = DeclarationForm.from_form({**POSTED, "office": "C1"}).document()
    assert list(errors) == ["office"]


def test_an_amount_has_at_most_its_currencys_decimals() -> None:
    posted = {**POSTED, "i-4-value": "612000.505", "i-4-quantity": "18000.125",
              "i-4-insurance": "20.5000"}  # fmt: skip
    _, _, errors = DeclarationForm.from_form(posted).document()
    assert set(errors) == {"i-1-value"}  # a quantity may be that precise; 20.5000 is 20.50
    assert errors["i-1-value"].text == TOO_PRECISE
    assert errors["i-1-value"].values == {"currency": "CNY", "places": 2}
    dong = {**POSTED, "currency": "VND", "i-4-value": "612000.50", "i-4-freight": "2000.00"}
    _, _, errors = DeclarationForm.from_form(dong).document()
    assert set(errors) == {"i-1-value"} and errors["i-1-value"].text == WHOLE_UNITS


@pytest.mark.parametrize(
    "changes",
    [
        {"i-0-certificate": "E2026TH-7WACPJX52Z"},
        {"i-0-unit": "t"},
        {"i-0-incoterm": "FOB"},
    ],
)
def test_a_row_with_only_a_form_e_or_a_changed_default_is_refused_not_dropped(
    changes: dict[str, str],
) -> None:
    _, numbers, errors = DeclarationForm.from_form({**POSTED, **changes}).document()
    assert numbers == [0, 1]  # was [1]: the first row dropped silently
    assert errors["i-0-description"].text == "Describe the goods."
    assert {"i-0-line", "i-0-origin", "i-0-quantity", "i-0-value"} <= set(errors)
    blank = DeclarationForm.from_form({**POSTED, "i-0-unit": "KG", "i-0-incoterm": "cif"})
    assert blank.document()[2] == {} and blank.document()[1] == [1]


def test_numbers_that_cannot_be_read_keep_the_language_they_were_typed_in() -> None:
    ambiguous = DeclarationForm.from_form({**POSTED, "i-4-value": "612,000"}, "vi")
    assert ambiguous.restyled("zh") == ambiguous  # read the Chinese way it would be 612000
    readable = DeclarationForm.from_form({**POSTED, "i-4-value": "612.000"}, "vi")
    assert readable.restyled("zh").rows[1].value == "612000"
