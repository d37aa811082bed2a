"""HS codes and national lines: shape rules, errors, formatting, and a junk-input sweep."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cafta.core.errors import InvalidInput
from cafta.identifiers import hs


@pytest.mark.parametrize("spelling", ["0810.60.00", "08106000", "0810 60 00", " 0810-60-00 "])
def test_spellings_of_one_line_are_the_same_line(spelling: str) -> None:
    assert hs.validate(spelling) == "08106000"
    assert hs.format(spelling) == "0810.60.00"


@pytest.mark.parametrize(
    ("code", "formatted"),
    [
        ("8", None),
        ("08", "08"),
        ("0810", "0810"),
        ("081060", "0810.60"),
        ("08106000", "0810.60.00"),
        ("0810600010", "0810.60.00.10"),
    ],
)
def test_format_by_level(code: str, formatted: str | None) -> None:
    if formatted is None:
        with pytest.raises(hs.InvalidLength):
            hs.format(code)
    else:
        assert hs.format(code) == formatted
        assert hs.level(code) == len(code)


def test_compact_drops_only_separators() -> None:
    assert hs.compact("  0810.60-00 10 ") == "0810600010"
    assert hs.compact("08a0") == "08a0"


def test_invalid_format_names_the_character() -> None:
    with pytest.raises(hs.InvalidFormat) as caught:
        hs.validate("0810/60")
    assert caught.value.code == "hs.invalid_format"
    assert "'/'" in caught.value.message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("code", ["٠٨١٠", "0810²", "08\t10"])
def test_non_ascii_digits_and_inner_whitespace_are_not_digits(code: str) -> None:
    with pytest.raises(hs.InvalidFormat):
        hs.validate(code)


def test_invalid_length_says_what_was_given_and_what_is_allowed() -> None:
    with pytest.raises(hs.InvalidLength) as caught:
        hs.validate("08106000123")
    error = caught.value
    assert error.code == "hs.invalid_length"
    assert "11 digits" in error.message
    assert "2, 4 or 6" in error.message
    assert "8 or 10" in error.message
    assert "leading zero" not in (error.hint or "")
    assert error.hint == (
        "A 10-digit national line is the longest code: look for a digit too many (the first 10 "
        "read 0810.60.00.12)."
    )


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("0810.6", "Give the heading 0810, or complete the subheading 0810.6x."),
        ("0810600", "Give the subheading 0810.60, or complete the 8-digit national line 0810.6"),
        ("0810.60.00.1", "Give the 8-digit national line 0810.60.00, or complete the 10-digit"),
        ("0", "Complete the chapter 0x."),  # 00 is no chapter: nothing shorter to offer
        ("001", "Complete the heading 001x."),
        ("", "Give the code of the goods, such as 0810.60 (a subheading)."),
    ],
)
def test_the_length_hint_points_at_a_fix_and_does_not_repeat_the_message(
    code: str, hint: str
) -> None:
    with pytest.raises(hs.InvalidLength) as caught:
        hs.validate(code)
    assert caught.value.code == "hs.invalid_length"
    given = caught.value.hint or ""
    assert given.startswith(hint)
    assert "2, 4 or 6" not in given  # the message says what is allowed, the hint what to do


@pytest.mark.parametrize(
    ("code", "suggestion"),
    [("81060", "081060"), ("8", "08"), ("810", "0810"), ("8106000", "08106000")],
)
def test_a_dropped_leading_zero_is_suggested(code: str, suggestion: str) -> None:
    with pytest.raises(hs.InvalidLength) as caught:
        hs.validate(code)
    assert f"did you mean {suggestion}?" in (caught.value.hint or "")
    assert hs.is_valid(suggestion)


@pytest.mark.parametrize("code", ["0", "012", "001", "000000000"])
def test_no_suggestion_when_the_padded_code_would_be_invalid(code: str) -> None:
    with pytest.raises(hs.InvalidLength) as caught:
        hs.validate(code)
    assert "did you mean" not in (caught.value.hint or "")


@pytest.mark.parametrize("code", ["00", "0010", "77", "7701", "770100", "98", "9901", "990100"])
def test_impossible_chapters_are_invalid_components(code: str) -> None:
    with pytest.raises(hs.InvalidComponent) as caught:
        hs.validate(code)
    assert caught.value.code == "hs.invalid_chapter"


@pytest.mark.parametrize("code", ["77010000", "0000000000"])
def test_impossible_chapters_are_invalid_in_national_lines_too(code: str) -> None:
    assert not hs.is_valid(code)


@pytest.mark.parametrize("code", ["98010000", "9901.00.00.10", "97", "970110", "01"])
def test_chapters_98_and_99_only_in_national_lines(code: str) -> None:
    assert hs.is_valid(code)


def test_prefixes() -> None:
    assert hs.chapter("0810.60.00.10") == "08"
    assert hs.heading("0810.60.00.10") == "0810"
    assert hs.subheading("0810.60.00.10") == "081060"


@pytest.mark.parametrize(("code", "part"), [("08", hs.heading), ("0810", hs.subheading)])
def test_prefix_longer_than_the_code_raises(code: str, part: object) -> None:
    assert callable(part)
    with pytest.raises(hs.InvalidLength) as caught:
        part(code)
    assert caught.value.code == "hs.too_short"


def test_doctests() -> None:
    result = doctest.testmod(hs, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# --- properties -----------------------------------------------------------------------------

_CHAPTERS = [f"{n:02d}" for n in range(1, 98) if n != 77]
valid_codes = st.builds(
    lambda chapter, rest: chapter + rest,
    st.sampled_from(_CHAPTERS),
    st.sampled_from([0, 2, 4, 6, 8]).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
    ),
)
junk = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .-", max_size=14),
    st.text(alphabet="0123456789 .-\t٠١²abcXYZ/_", max_size=14),
)


@settings(database=None)
@given(junk)
def test_junk_raises_only_invalid_input(text: str) -> None:
    if hs.is_valid(text):
        digits = hs.validate(text)
        assert digits.isascii()
        assert digits.isdigit()
        assert len(digits) in (2, 4, 6, 8, 10)
        return
    with pytest.raises(InvalidInput) as caught:  # anything else escapes and fails the test
        hs.validate(text)
    assert isinstance(caught.value, hs.InvalidFormat | hs.InvalidLength | hs.InvalidComponent)
    assert caught.value.code.startswith("hs.")


@settings(database=None)
@given(st.text())
def test_is_valid_never_raises(text: str) -> None:
    assert hs.is_valid(text) in (True, False)


@settings(database=None)
@given(valid_codes)
def test_compact_format_round_trip(code: str) -> None:
    formatted = hs.format(code)
    assert hs.compact(formatted) == code
    assert hs.validate(formatted) == code
    assert hs.format(formatted) == formatted
    assert hs.level(formatted) == len(code)


def test_valid_codes_are_remembered_and_errors_raised_every_time() -> None:
    assert hs.validate("0810.60.00") == hs.validate("0810.60.00") == "08106000"
    for _ in range(2):
        with pytest.raises(hs.InvalidLength, match="did you mean 081060"):
            hs.validate("81060")
    with pytest.raises(AttributeError):
        hs.validate(["0810"])  # type: ignore[arg-type]  # not through the cache
