"""The rule language: parsing, printing back, and errors that say what is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cafta.core.errors import InvalidInput
from cafta.origin.rule import (
    AllOf,
    AnyOf,
    CodeRange,
    Process,
    ShiftLevel,
    TariffShift,
    ValueContent,
    WhollyObtained,
    parse_rule,
)


def test_alternative_of_value_content_and_heading_change() -> None:
    rule = parse_rule("RVC(40) OR CTH")
    assert rule == AnyOf((ValueContent(Decimal(40)), TariffShift(ShiftLevel.CTH)))


def test_and_binds_tighter_than_or() -> None:
    rule = parse_rule("RVC(40) or ctsh and rvc(30)")
    assert rule == AnyOf(
        (
            ValueContent(Decimal(40)),
            AllOf((TariffShift(ShiftLevel.CTSH), ValueContent(Decimal(30)))),
        )
    )


def test_exceptions_are_chapters_headings_or_ranges() -> None:
    rule = parse_rule("CC except from chapter 04, 1501-1504, 1511.10")
    assert rule == TariffShift(
        ShiftLevel.CC,
        (CodeRange("04", "04"), CodeRange("1501", "1504"), CodeRange("151110", "151110")),
    )


def test_parentheses_and_processes() -> None:
    rule = parse_rule("(CTH AND RVC(35)) OR PROCESS(Chemical Reaction)")
    assert isinstance(rule, AnyOf)
    assert rule.options[1] == Process("chemical-reaction")


@pytest.mark.parametrize(
    "text",
    ["WO", "PE", "RVC(40)", "CTH except 6406", "RVC(40) OR CTH", "(CTH AND RVC(35)) OR CC",
     "CTSH AND (RVC(40) OR PROCESS(dyeing))"],
)  # fmt: skip
def test_text_round_trips(text: str) -> None:
    rule = parse_rule(text)
    assert parse_rule(rule.text()) == rule


def test_percent_sign_is_accepted() -> None:
    assert parse_rule("RVC(35.5%)") == ValueContent(Decimal("35.5"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("RVC(140)", "not between 0 and 100"),
        ("RVC(abc)", "needs a percentage"),
        ("CTH except", "ends too early"),
        ("CTH except 123", "not a chapter, heading or subheading"),
        ("CTH except 0406-0401", "not a range"),
        ("FOO", "unknown criterion 'FOO'"),
        ("CTH OR", "ends too early"),
        ("(CTH", "ends too early"),
        ("CTH CTSH", "unexpected 'CTSH'"),
        ("CTH $", "cannot read '$'"),
    ],
)
def test_bad_rules_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match="rule") as caught:
        parse_rule(text)
    assert problem in caught.value.message
    assert caught.value.code == "origin.invalid_rule"


def test_code_range_compares_at_its_own_length() -> None:
    heading_range = CodeRange("1501", "1504")
    assert heading_range.contains("15030010")
    assert not heading_range.contains("1505")
    assert not heading_range.contains("15")  # too short to tell
    assert WhollyObtained().text() == "WO"
