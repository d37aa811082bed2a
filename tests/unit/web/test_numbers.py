"""Numbers typed into the portal's forms, read as the page's language writes them: strictly,
never guessed (``612.000`` is 612 thousand on a Vietnamese page, 612 on an English one)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cafta.web.numbers import NOT_A_NUMBER, STYLES, TOO_LARGE, Unreadable, style_of


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
        ("en", "612.000", "612.000"),
        ("en", "612,000", "612000"),
        ("zh", "612,000.50", "612000.50"),
        ("zh", "６１２，０００．５０", "612000.50"),  # typed with a Chinese input method
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
    ],
)
def test_anything_else_is_refused_with_the_expected_form(language: str, text: str) -> None:
    with pytest.raises(Unreadable) as refused:
        STYLES[language].read(text)
    assert refused.value.message == NOT_A_NUMBER


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
