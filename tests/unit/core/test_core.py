"""core: money, validity, clock, errors, provenance and vocabularies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cafta.core.clock import FixedClock, SystemClock
from cafta.core.dates import Validity, parse_date
from cafta.core.errors import CaftaError, InvalidInput, NotFound
from cafta.core.fields import Fields
from cafta.core.money import Money, minor_unit, quantum, to_decimal
from cafta.core.provenance import Status, combine
from cafta.core.quantity import Quantity, unit
from cafta.core.vocabulary import parse_member

# --- money ------------------------------------------------------------------------------------


def test_money_from_text_and_integers_is_exact() -> None:
    assert Money.of("1,234.565", "cny") == Money(Decimal("1234.565"), "CNY")
    assert Money.of(10, "USD").amount == Decimal(10)


@pytest.mark.parametrize("bad", [1.5, True, "abc", "NaN", "Infinity", None, "1e400", "-1e15"])
def test_inexact_or_absurd_amounts_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput) as error:
        to_decimal(bad)
    assert error.value.code in ("money.inexact", "money.invalid_amount", "money.too_large")


@pytest.mark.parametrize(
    ("text", "value"),
    [("612000.50", "612000.50"), ("612,000.50", "612000.50"), ("1,234,567", "1234567"),
     (" +12 ", "12"), (".5", "0.5"), ("612.000", "612.000"), ("-0", "0"), ("-0.00", "0.00")],
)  # fmt: skip
def test_amounts_written_plainly_are_read_exactly(text: str, value: str) -> None:
    read = to_decimal(text)
    assert read == Decimal(value) and str(read) == value


@pytest.mark.parametrize(
    "text", ["612.000,50", "1,5", "12,34", "1,2345.00", "612,000,50", "1e6", "1E-30", "1_000", "5."]
)
def test_amounts_that_could_be_misread_are_refused_with_how_to_write_them(text: str) -> None:
    """Commas used to be dropped: "612.000,50" (Viet Nam's 612 thousand) was read as 612.0005
    and "1,5" as 15."""
    with pytest.raises(InvalidInput) as caught:
        to_decimal(text, "value")
    assert caught.value.code == "money.invalid_amount"
    assert caught.value.message == f"value '{text}' is not written as a plain decimal"
    assert caught.value.hint is not None and '"612000.50"' in caught.value.hint


def test_a_field_s_amount_error_names_the_field() -> None:
    for text, code in (("abc", "money.invalid_amount"), ("1" + "0" * 18, "money.too_large")):
        with pytest.raises(InvalidInput) as caught:
            Fields({"amount": text}, "items[0].value").decimal("amount")
        assert caught.value.code == code
        assert caught.value.details == {"field": "items[0].value.amount"}
        assert caught.value.message.startswith(f"items[0].value.amount: '{text}' is ")


def test_money_needs_a_decimal_and_a_currency_code() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        Money(Decimal(1), "yuan")
    with pytest.raises(InvalidInput):
        Money.of("1", "CN")
    with pytest.raises(InvalidInput) as huge:
        Money(Decimal("1e20"), "CNY")
    assert huge.value.code == "money.too_large"


def test_rounding_follows_the_currency_minor_unit() -> None:
    assert minor_unit("CNY") == 2 and minor_unit("VND") == 0 and minor_unit("KWD") == 3
    assert quantum("VND") == Decimal(1) and quantum("CNY") == Decimal("0.01")
    assert Money.of("2.345", "CNY").rounded() == Money.of("2.35", "CNY")  # half up
    assert Money.of("2.345", "CNY").rounded(ROUND_DOWN) == Money.of("2.34", "CNY")
    assert Money.of("24999.5", "VND").rounded() == Money.of("25000", "VND")
    assert Money.of("30800", "CNY").format() == "30,800.00 CNY"
    assert Money.of("1234567", "VND").format() == "1,234,567 VND"


def test_money_arithmetic_keeps_the_currency_and_refuses_mixing() -> None:
    total = Money.of("1.10", "CNY") + Money.of("2.20", "CNY")
    assert total == Money.of("3.30", "CNY")
    assert (total - Money.of("0.30", "CNY")) * 2 == Money.of("6.00", "CNY")
    assert Money.of("1", "CNY") < Money.of("2", "CNY")
    with pytest.raises(InvalidInput) as mixed:
        Money.of("1", "CNY") + Money.of("1", "USD")
    assert mixed.value.code == "money.currency_mismatch"
    with pytest.raises(TypeError):
        Money.of("1", "CNY") * 1.5  # type: ignore[operator]


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4))
def test_rounding_is_within_half_a_unit(amount: Decimal) -> None:
    rounded = Money(amount, "CNY").rounded().amount
    assert abs(rounded - amount) <= Decimal("0.005")
    assert rounded == rounded.quantize(Decimal("0.01"))


# --- dates and validity -----------------------------------------------------------------------


def test_parse_date_says_how_to_write_it() -> None:
    assert parse_date(" 2026-01-31 ") == date(2026, 1, 31)
    with pytest.raises(InvalidInput) as error:
        parse_date("31/01/2026", "--on")
    assert error.value.code == "date.invalid" and "YYYY-MM-DD" in str(error.value)


def test_validity_is_inclusive_and_may_be_open() -> None:
    v = Validity(date(2026, 1, 1), date(2026, 12, 31))
    assert v.contains(date(2026, 1, 1)) and v.contains(date(2026, 12, 31))
    assert not v.contains(date(2025, 12, 31)) and not v.contains(date(2027, 1, 1))
    assert Validity(date(2026, 1, 1)).contains(date(2999, 1, 1))
    assert v.overlaps(Validity(date(2026, 12, 31)))
    assert not v.overlaps(Validity(date(2027, 1, 1)))
    assert Validity(date(2020, 1, 1)).overlaps(Validity(date(2030, 1, 1)))
    assert str(Validity(date(2026, 1, 1))) == "2026-01-01 to open"
    with pytest.raises(InvalidInput):
        Validity(date(2026, 2, 1), date(2026, 1, 1))


# --- clock ------------------------------------------------------------------------------------


def test_fixed_clock_stays_and_advances() -> None:
    clock = FixedClock(datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 11, 29)
    clock.advance(timedelta(hours=1))
    assert clock.today() == date(2026, 11, 30)
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 1, 1))


def test_system_clock_is_zone_aware() -> None:
    now = SystemClock.in_zone("Asia/Shanghai").now()
    assert now.utcoffset() == timedelta(hours=8)


# --- errors, provenance, vocabulary -----------------------------------------------------------


def test_errors_carry_codes_and_join_message_and_hint() -> None:
    error = NotFound("no such line", code="tariff.x", hint="Try another.")
    assert isinstance(error, CaftaError) and isinstance(error, LookupError)
    assert (error.code, str(error)) == ("tariff.x", "no such line. Try another.")
    assert str(InvalidInput("what now?", hint="Do this.")) == "what now? Do this."
    assert InvalidInput("x").code == "input.invalid" and isinstance(InvalidInput("x"), ValueError)


def test_illustrative_is_contagious() -> None:
    assert combine([Status.OFFICIAL, Status.OFFICIAL]) is Status.OFFICIAL
    assert combine([Status.OFFICIAL, Status.ILLUSTRATIVE]) is Status.ILLUSTRATIVE
    assert combine([]) is Status.OFFICIAL
    assert Status.parse(" Illustrative ") is Status.ILLUSTRATIVE


class Colour(StrEnum):
    DARK_RED = "dark-red"
    BLUE = "BLUE"


def test_vocabulary_matching_and_errors() -> None:
    assert parse_member(Colour, "Dark_Red", what="colour", code="c") is Colour.DARK_RED
    assert parse_member(Colour, " blue ", what="colour", code="c") is Colour.BLUE
    assert parse_member(Colour, "navy", what="colour", code="c", aliases={"NAVY": "blue"}) is (
        Colour.BLUE
    )
    with pytest.raises(InvalidInput) as error:
        parse_member(Colour, "green", what="colour", code="colour.unknown")
    assert error.value.code == "colour.unknown"
    assert str(error.value) == "unknown colour 'green'. Use one of: dark-red, BLUE."


class Spelling(StrEnum):
    HYPHEN = "a-b"
    UNDERSCORE = "a_b"  # folds like the one before it: the first declared wins
    UPPER = "Mixed Case"


def test_vocabulary_lookups_are_remembered_and_answer_as_the_folding_does() -> None:
    for _ in range(2):  # the first call builds the enum's tables, the second reads them
        assert parse_member(Spelling, "a_b", what="w", code="c") is Spelling.HYPHEN
        assert parse_member(Spelling, "A-B", what="w", code="c") is Spelling.HYPHEN
        assert parse_member(Spelling, "MIXED CASE", what="w", code="c") is Spelling.UPPER
        assert parse_member(Spelling, " mixed   case ", what="w", code="c") is Spelling.UPPER
        # An alias may take a word that is also a value's spelling elsewhere.
        assert (
            parse_member(Spelling, "a-b", what="w", code="c", aliases={"a-b": "mixed case"})
            is Spelling.UPPER
        )
        with pytest.raises(InvalidInput, match=r"unknown w 'a b'\. Use one of: a-b, a_b, Mixed"):
            parse_member(Spelling, "a b", what="w", code="c")
    with pytest.raises(AttributeError):
        parse_member(Spelling, None, what="w", code="c")  # type: ignore[arg-type]


def test_unit_names_and_conversions() -> None:
    assert [unit(name) for name in ("kg", " KGS ", "Tonnes", "pcs", "1000u")] == [
        "kg", "kg", "t", "u", "1000u",
    ]  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown unit 'bag'"):
        unit("bag")
    tonnes = Quantity.of(Decimal("18.5"), "t").to("kg")
    assert tonnes == Quantity(Decimal("18500.0"), "kg")
    assert str(tonnes) == "18500 kg" and str(tonnes.amount) == "18500.0"
    assert Quantity.of(Decimal("250"), "g").to(" KG ") == Quantity(Decimal("0.25"), "kg")
    with pytest.raises(InvalidInput) as error:
        Quantity.of(Decimal(1), "l").to("kg")
    assert error.value.code == "quantity.incompatible_unit"


def test_a_code_read_as_a_number_or_a_flag_is_told_to_be_quoted() -> None:
    for value, kind in ((810.6, "a number"), (False, "true/false")):
        with pytest.raises(InvalidInput) as caught:
            Fields({"line": value}, "items[0]").text("line")
        assert caught.value.message == f"items[0].line: expected text, found {kind}"
        assert caught.value.hint == 'Put the value in quotes ("...") so that it is read as text.'
