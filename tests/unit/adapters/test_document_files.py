"""YAML documents: numbers and booleans only in their plain forms; YAML 1.1's other readings
(octal, hexadecimal, base 60, yes/no/on/off, leading zeros) stay the text written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cafta.adapters.document_files import load_document
from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields


def _yaml(tmp_path: Path, text: str) -> object:
    path = tmp_path / "document.yaml"
    path.write_text(text, encoding="utf-8")
    return load_document(path)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # YAML 1.1 would read each of these as a number or a boolean.
        ("00612000", "00612000"),  # octal 201728
        ("0755", "0755"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("0b101", "0b101"),
        ("1:30", "1:30"),  # base 60: 90
        ("1_000", "1_000"),
        ("0810.60", "0810.60"),  # the float 810.6
        ("081060", "081060"),
        ("1e5", "1e5"),
        (".inf", ".inf"),
        (".NaN", ".NaN"),
        ("NO", "NO"),  # Norway, not false
        ("no", "no"),
        ("yes", "yes"),
        ("Y", "Y"),
        ("n", "n"),
        ("on", "on"),
        ("Off", "Off"),
        ("!!int 0755", "0755"),
        ("!!bool yes", "yes"),
        # Plain forms are numbers and booleans, as anyone reads them.
        ("612000", 612000),
        ("-3", -3),
        ("+12", 12),
        ("0", 0),
        ("612000.50", 612000.5),
        ("0.5", 0.5),
        ("true", True),
        ("false", False),
        ("True", True),
        ("FALSE", False),
        ("!!int 12", 12),
        # Unchanged: quoted text, dates and null.
        ('"00612000"', "00612000"),
        ("2026-06-01", dt.date(2026, 6, 1)),
        ("~", None),
        ("null", None),
    ],
)
def test_only_plain_forms_are_numbers_or_booleans(
    tmp_path: Path, written: str, read: object
) -> None:
    document = _yaml(tmp_path, f"value: {written}\n")
    assert document == {"value": read}
    assert type(document["value"]) is type(read)  # type: ignore[index]


def test_keys_are_read_the_same_way(tmp_path: Path) -> None:
    document = _yaml(tmp_path, "on: 2026-06-01\nNO: 1\n")
    assert document == {"on": dt.date(2026, 6, 1), "NO": 1}


def test_a_declaration_in_yaml_keeps_its_codes_and_amounts(tmp_path: Path) -> None:
    document = _yaml(
        tmp_path,
        "items:\n"
        "  - line: 0810.60\n"
        "    origin: NO\n"
        "    value: {amount: 00612000, currency: CNY}\n"
        "    quantity: {amount: 18000, unit: kg}\n",
    )
    item = document["items"][0]  # type: ignore[index]
    assert (item["line"], item["origin"]) == ("0810.60", "NO")
    assert item["value"]["amount"] == "00612000"
    assert item["quantity"]["amount"] == 18000


def test_yaml_errors_are_still_one_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"not valid YAML \(line 2, column"):
        _yaml(tmp_path, "a: [1\nb: 2\n")


def test_a_key_that_is_not_text_is_refused_where_it_is_written(tmp_path: Path) -> None:
    """``{amount: 1,500}`` is a flow mapping of ``amount: 1`` and a key ``500``; stored, the
    document failed later without a field."""
    with pytest.raises(InvalidInput, match=r"line 1, column 8: a key must be text, not 500"):
        _yaml(tmp_path, "value: {amount: 1,500, currency: CNY}\n")


def test_a_fraction_in_json_is_a_float_refused_as_an_amount(tmp_path: Path) -> None:
    """Read as an exact Decimal, it passed the checks and failed when stored; as the API does,
    an amount is text."""
    path = tmp_path / "d.json"
    path.write_text('{"value": {"amount": 612000.5, "currency": "CNY"}}', encoding="utf-8")
    document = load_document(path)
    assert document == {"value": {"amount": 612000.5, "currency": "CNY"}}
    with pytest.raises(InvalidInput) as caught:
        Fields(document, "items[0]").money("value")
    assert caught.value.code == "money.inexact"
    assert caught.value.details == {"field": "items[0].value.amount"}


def test_a_stray_member_of_an_amount_is_refused(tmp_path: Path) -> None:
    """``{amount: 612,000.50}``: the comma splits it into ``amount`` 612 and ``000.50``."""
    document = _yaml(tmp_path, "value: {amount: 612,000.50, currency: CNY}\n")
    with pytest.raises(InvalidInput) as caught:
        Fields(document, "items[0]").money("value")
    assert caught.value.code == "document.unknown_member"
    assert caught.value.details == {"field": "items[0].value.000.50"}
    assert "quotes" in str(caught.value)
