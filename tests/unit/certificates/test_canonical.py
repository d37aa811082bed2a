"""The canonical document and bytes a Form E is signed as."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.certificates.canonical import (
    FORMAT,
    canonical_bytes,
    derive_reference,
    form_bytes,
    from_document,
    to_document,
)
from cafta.certificates.criterion import CriterionKind, OriginCriterion
from cafta.certificates.form_e import FormE, Item
from cafta.certificates.issuance import parse_request
from cafta.core.errors import InvalidInput
from cafta.core.money import Money
from cafta.core.names import is_visible
from cafta.core.quantity import Quantity

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def test_canonical_bytes_sort_keys_and_drop_whitespace() -> None:
    one = {"b": 1, "a": [{"y": True, "x": "é"}, None]}
    other = {"a": [{"x": "é", "y": True}, None], "b": 1}
    assert canonical_bytes(one) == canonical_bytes(other)
    assert canonical_bytes(one) == '{"a":[{"x":"é","y":true},null],"b":1}'.encode()


def test_canonical_bytes_escape_as_rfc_8785_does() -> None:
    text = 'quote " backslash \\ tab \t newline \n bell \x07 euro € line-sep \u2028'
    assert canonical_bytes(text) == (
        b'"quote \\" backslash \\\\ tab \\t newline \\n bell \\u0007 euro \xe2\x82\xac '
        b'line-sep \xe2\x80\xa8"'
    )


@pytest.mark.parametrize(
    "value",
    [1.5, Decimal("1.5"), date(2026, 3, 2), b"bytes", 2**53, {1: "x"}, {"a": {"b": [1.0]}}],
)
def test_values_without_a_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput) as error:
        canonical_bytes(value)
    assert error.value.code.startswith("canonical.")


def test_unpaired_surrogates_are_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        canonical_bytes({"name": "\ud800"})
    assert error.value.code == "canonical.text"


def test_the_minimal_certificate_has_these_exact_bytes(request_data: dict[str, Any]) -> None:
    # Changing the document changes every signature: this pins the format down.
    form = parse_request(request_data)
    assert (
        form_bytes(form)
        == (
            '{"authority":"MM-MOC","consignee":{"country":"CN","name":"Qingdao Harvest Foods Co., '
            'Ltd."},"exporter":{"country":"MM","name":"Golden Lotus Pulses Co."},"exporting_party":'
            '"MM","flags":{"back_to_back":false,"exhibition":false,"issued_retroactively":false,'
            '"third_party_invoicing":false},"format":"cafta.form-e/1","importing_party":"CN",'
            '"invoice":{"date":"2026-03-01","number":"GLP-2026-031"},"issue_date":"2026-03-02",'
            '"items":[{"criterion":"WO","description":"Black gram (Vigna mungo), dried","fob":'
            '{"amount":"23750.00","currency":"USD"},"line":"07133110","number":1,"quantity":'
            '{"amount":"25000","unit":"kg"}}],"reference":"' + form.reference + '"}'
        ).encode()
    )
    assert form_bytes(form) == canonical_bytes(to_document(form))


def test_the_full_example_round_trips_exactly() -> None:
    request = json.loads((EXAMPLES / "form-e-request.json").read_text(encoding="utf-8"))
    form = parse_request(request)
    document = to_document(form)
    assert document["format"] == FORMAT
    assert from_document(document) == form
    assert to_document(from_document(json.loads(form_bytes(form)))) == document
    assert form.transport is not None and form.transport.port_of_discharge == "Qingdao"
    assert form.items[0].packages is not None and str(form.items[0].packages) == "500 bags"


def test_the_reference_depends_on_the_content_only(request_data: dict[str, Any]) -> None:
    form = parse_request(request_data)
    assert derive_reference(replace(form, reference="ANYTHING")) == form.reference
    changed = replace(form, items=(replace(form.items[0], description="Mung beans"),))
    assert derive_reference(changed) != form.reference


def test_a_document_must_say_its_format_and_reference(request_data: dict[str, Any]) -> None:
    document = to_document(parse_request(request_data))
    with pytest.raises(InvalidInput) as error:
        from_document({**document, "format": "cafta.form-e/9"})
    assert error.value.code == "certificate.unknown_format"
    without = {k: v for k, v in document.items() if k != "reference"}
    with pytest.raises(InvalidInput) as missing:
        from_document(without)
    assert missing.value.message == "reference: missing"


def test_the_form_needs_items_numbered_from_one(request_data: dict[str, Any]) -> None:
    form = parse_request(request_data)
    with pytest.raises(InvalidInput):
        replace(form, items=())
    with pytest.raises(InvalidInput):
        replace(form, items=(replace(form.items[0], number=2),))


# --- property: any certificate survives the trip through its bytes ------------------------------

# Any text a document's field may hold: one line (no control character) with something visible
# (cafta.core.fields refuses the rest when a certificate is read, as when a request is).
_TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(is_visible)
)
_AMOUNT = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False)
_LINE = st.sampled_from(["071331", "07133110", "0810600000", "850760", "4001"])
_CRITERION = st.one_of(
    st.sampled_from([OriginCriterion(k) for k in CriterionKind if k is not CriterionKind.RVC]),
    st.decimals(min_value=40, max_value=100, places=1).map(
        lambda p: OriginCriterion(CriterionKind.RVC, p)
    ),
)


@st.composite
def _items(draw: st.DrawFn) -> tuple[Item, ...]:
    count = draw(st.integers(min_value=1, max_value=4))
    return tuple(
        Item(
            number=n,
            description=draw(_TEXT),
            line=draw(_LINE),
            criterion=draw(_CRITERION),
            quantity=Quantity(draw(_AMOUNT), draw(st.sampled_from(["kg", "t", "u", "l"]))),
            marks=draw(st.none() | _TEXT),
            fob=draw(st.none() | _AMOUNT.map(lambda a: Money(a, "USD"))),
        )
        for n in range(1, count + 1)
    )


@settings(max_examples=60, deadline=None)
@given(items=_items(), exporter=_TEXT, place=st.none() | _TEXT)
def test_any_certificate_round_trips_through_its_bytes(
    items: tuple[Item, ...], exporter: str, place: str | None
) -> None:
    base = parse_request(json.loads((EXAMPLES / "form-e-request.json").read_text("utf-8")))
    form: FormE = replace(
        base, items=items, exporter=replace(base.exporter, name=exporter), issue_place=place
    )
    data = form_bytes(form)
    again = from_document(json.loads(data))
    assert again == form
    assert form_bytes(again) == data
