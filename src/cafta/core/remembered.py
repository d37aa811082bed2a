"""Answers about short text, remembered: checks and normalisations that the same few values go
through all day (each declaration's office, lines, truck, container, parties and currency).

:class:`Remembered` wraps a function of one string. A plain ``str`` of at most ``longest``
characters goes through a least-recently-used cache of ``size`` answers; anything else is
passed straight to the function: another type, which must fail as the function fails, and
long text, which the cache must not keep alive. An exception is never remembered, so a bad
value is refused anew, with its own message, every time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Generic, TypeVar

__all__ = ["Remembered"]

T = TypeVar("T")


class Remembered(Generic[T]):
    """``answer`` with its answers for short text remembered."""

    __slots__ = ("_answer", "_cached", "_longest")

    def __init__(self, answer: Callable[[str], T], size: int, longest: int = 64) -> None:
        self._answer = answer
        self._cached = lru_cache(maxsize=size)(answer)
        self._longest = longest

    def __call__(self, text: str) -> T:
        if type(text) is str and len(text) <= self._longest:
            return self._cached(text)
        return self._answer(text)
