"""YAML documents: numbers and booleans only in their plain forms; YAML 1.1's other readings
(octal, hexadecimal, base 60, yes/no/on/off, leading zeros) stay the text written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cafta.adapters.document_files import load_document
from cafta.core.errors import InvalidInput


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
