"""Answers about short text are remembered; errors, other types and long text are not."""

from __future__ import annotations

import pytest

from cafta.core.remembered import Remembered, RememberedByIdentity


class _Counted:
    def __init__(self) -> None:
        self.calls: list[object] = []

    def __call__(self, text: str) -> str:
        self.calls.append(text)
        if not text.isalnum():
            raise ValueError(f"{text!r} is not letters and digits")
        return text.upper()


def test_a_short_text_is_answered_once() -> None:
    answer = _Counted()
    remembered = Remembered(answer, size=8)
    assert [remembered("cnyyg") for _ in range(3)] == ["CNYYG"] * 3
    assert answer.calls == ["cnyyg"]


def test_an_error_is_raised_anew_every_time() -> None:
    answer = _Counted()
    remembered = Remembered(answer, size=8)
    for _ in range(2):
        with pytest.raises(ValueError, match="not letters and digits"):
            remembered("no-good")
    assert answer.calls == ["no-good", "no-good"]


def test_long_text_and_other_types_go_straight_to_the_function() -> None:
    answer = _Counted()
    remembered = Remembered(answer, size=8, longest=5)
    long = "a" * 6
    assert remembered(long) == remembered(long) == "A" * 6
    assert answer.calls == [long, long]

    class Text(str):
        """A subclass of ``str``: not the plain text the cache keeps."""

    assert remembered(Text("ab")) == remembered(Text("ab")) == "AB"
    assert len(answer.calls) == 4


class _Rate:
    """Equal to every other rate of the same number, as the tariff's expressions are."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rate) and float(other.text) == float(self.text)

    __hash__ = None  # type: ignore[assignment]


class _Written:
    """A rate's text, counting the rates it was asked for."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, rate: _Rate) -> str:
        self.seen.append(rate.text)
        return f"{rate.text}%"


def test_equal_objects_keep_their_own_answers() -> None:
    written = _Written()
    remembered = RememberedByIdentity(written, size=8)
    zero, minus_zero = _Rate("0"), _Rate("-0")
    assert zero == minus_zero
    for _ in range(2):
        assert (remembered(zero), remembered(minus_zero)) == ("0%", "-0%")
    assert written.seen == ["0", "-0"]


def test_the_entries_are_bounded_and_answers_stay_right() -> None:
    written = _Written()
    remembered = RememberedByIdentity(written, size=3)
    rates = [_Rate(str(n)) for n in range(10)]
    for _ in range(2):
        assert [remembered(r) for r in rates] == [f"{n}%" for n in range(10)]
    assert len(written.seen) == 20  # ten kinds, three at most kept: every pass works them out again
    last = rates[-1]
    assert remembered(last) == "9%" and len(written.seen) == 20  # the most recent one is still kept
