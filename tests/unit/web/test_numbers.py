"""Numbers typed into the portal's forms, read as the page's language writes them: strictly,
never guessed (``612.000`` is 612 thousand on a Vietnamese page, 612 on an English one)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cafta.web.numbers import AMBIGUOUS, NOT_A_NUMBER, STYLES, TOO_LARGE, Unreadable, style_of


@pytest.mark.parametrize(
    ("language", "text", "number"),
    [
        ("vi", "612.000,00", "612000.00"),
        ("vi", "612.000", "612000"),
        ("vi", "612000", "612000"),
        ("vi", "612000,50", "612000.50"),
        ("vi", "18000,5", "18000.5"),
        ("vi", "1.234.567,891", "1234567.891"),
        ("en", "612,000.50", "612000.50"),
        ("en", "612000.50", "612000.50"),
        ("en", "612,000", "612000"),
        ("zh", "612,000.50", "612000.50"),
        ("zh", "６１２，０００．５０", "612000.50"),  # typed with a Chinese input method
        ("zh", "６１２０００。５", "612000.5"),  # the ideographic full stop of the same
        ("zh", "－５", "-5"),
        # one way only: a leading 0, four or more digits before, or not three after
        ("en", "0.125", "0.125"),
        ("zh", "1234.500", "1234.500"),
        ("zh", "612000.50", "612000.50"),
        ("vi", "0,125", "0.125"),
        ("vi", "1234,500", "1234.500"),
        ("zh", "1.5000", "1.5000"),
        ("vi", "1.500", "1500"),  # the grouping separator: no decimals to mistake
        ("en", " 18000 ", "18000"),
        ("en", "-5", "-5"),
        ("en", "999999999999999.99", "999999999999999.99"),
    ],
)
def test_a_number_written_as_the_language_writes_it_is_read(
    language: str, text: str, number: str
) -> None:
    found = STYLES[language].read(text)
    assert found == Decimal(number) and f"{found:f}" == number


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("vi", "612000.50"),  # the English decimal point on a Vietnamese page: ambiguous
        ("vi", "612,000.50"),
        ("vi", "61.20.00"),
        ("en", "612.000,50"),
        ("en", "612000,50"),
        ("en", "18000,5"),  # was read as 180005
        ("en", "1,0000.5"),  # groups of three only
        ("en", "12,34,567"),
        ("en", "612 000"),
        ("en", "1e30"),
        ("en", ".5"),
        ("en", "5."),
        ("en", "+5"),
        ("en", "abc"),
        ("en", ""),
        ("zh", "612.000,50"),
        ("en", "Infinity"),
        ("en", "NaN"),
        ("en", "612000\u00b2"),  # NFKC read "612000²" as 6120002
        ("en", "\u2460\u2461"),  # and "①②" as 12
        ("en", "\u0661\u0662"),  # Arabic-Indic digits
        ("zh", "1\u3001500"),  # the ideographic comma enumerates, it never groups
        ("en", "1\u00a0500"),
    ],
)
def test_anything_else_is_refused_with_the_expected_form(language: str, text: str) -> None:
    with pytest.raises(Unreadable) as refused:
        STYLES[language].read(text)
    assert refused.value.message == NOT_A_NUMBER


@pytest.mark.parametrize(
    ("language", "text", "fraction", "whole"),
    [
        ("zh", "1.500", "1.5", "1500"),  # from a Vietnamese invoice: 1,500
        ("en", "18.000", "18", "18000"),
        ("vi", "612,000", "612", "612000"),  # pasted from English Excel: 612,000
        ("vi", "1,125", "1,1250", "1125"),  # 1,125 alone would read two ways again
        ("zh", "-1.500", "-1.5", "-1500"),
        ("zh", "１．５００", "1.5", "1500"),
    ],
)
def test_a_number_that_reads_two_ways_is_refused_naming_both(
    language: str, text: str, fraction: str, whole: str
) -> None:
    with pytest.raises(Unreadable) as refused:
        STYLES[language].read(text)
    assert refused.value.message == AMBIGUOUS
    assert refused.value.values["fraction"] == fraction
    assert refused.value.values["whole"] == whole
    # What the message says to write reads one way: the number it names.
    assert STYLES[language].read(fraction) == Decimal(fraction.replace(",", "."))
    assert STYLES[language].read(whole) == Decimal(whole)


def test_a_number_is_written_so_that_it_reads_one_way() -> None:
    zh, vi = STYLES["zh"], STYLES["vi"]
    assert zh.plain(Decimal("1.125")) == "1.1250" and vi.plain(Decimal("1.125")) == "1,1250"
    assert zh.plain(Decimal("1234.500")) == "1234.500"
    assert zh.read(zh.plain(Decimal("2.500"))) == Decimal("2.5")
    assert vi.restyle("1.500", zh) == "1500" and zh.restyle("1.5", vi) == "1,5"
    assert zh.restyle("1.500", vi) == "1.500"  # refused as ambiguous: kept as typed
    assert vi.readable("") and vi.readable("1.500") and not zh.readable("1.500")


def test_a_number_of_10_to_the_15_or_more_is_too_large() -> None:
    with pytest.raises(Unreadable) as refused:
        STYLES["vi"].read("1.000.000.000.000.000")
    assert refused.value.message == TOO_LARGE


def test_numbers_are_rewritten_for_another_language_only_when_readable() -> None:
    vi, en = STYLES["vi"], STYLES["en"]
    assert vi.restyle("612.000,50", en) == "612000.50"
    assert en.restyle("612,000.50", vi) == "612000,50"
    assert vi.restyle("612000.50", en) == "612000.50"  # unreadable in vi: kept as typed
    assert vi.restyle("612.000,50", vi) == "612.000,50"
    assert vi.plain(Decimal("612000.00")) == "612000,00"
    assert style_of("vi", "en") is vi and style_of("xx", "en") is en and style_of(None, "vi") is vi
