"""Answers about short text are remembered; errors, other types and long text are not."""

from __future__ import annotations

import pytest

from cafta.core.remembered import Remembered


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
        pass

    assert remembered(Text("ab")) == remembered(Text("ab")) == "AB"
    assert len(answer.calls) == 4
