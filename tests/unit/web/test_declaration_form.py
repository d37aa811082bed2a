"""The portal's declaration form: rows read from the posted names, the document it makes, and
the engine's error paths put back on the form's fields."""

from __future__ import annotations

import pytest

from cafta.clearance.goods import parse_goods
from cafta.core.errors import InvalidInput
from cafta.web.declaration_form import MAX_ITEMS, DeclarationForm

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
