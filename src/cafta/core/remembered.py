"""Answers remembered: checks and normalisations that the same few values go through all day
(each declaration's office, lines, truck, container, parties and currency), and what is worked
out from the same immutable objects for every item (a rate's text, a tariff answer's taxes).

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

__all__ = ["Remembered", "RememberedByIdentity"]

K = TypeVar("K")
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


class RememberedByIdentity(Generic[K, T]):
    """``answer`` of immutable objects, remembered by identity.

    For objects that are not hashable cheaply or must not be shared between equal ones (two
    equal rates may be written differently, ``0%`` and ``-0%``). An entry holds its object, so
    the object's ``id`` cannot be reused while the entry exists. Bounded: the entries are
    dropped together when ``size`` is reached. An exception is never remembered."""

    __slots__ = ("_answer", "_entries", "_size")

    def __init__(self, answer: Callable[[K], T], size: int) -> None:
        self._answer = answer
        self._entries: dict[int, tuple[K, T]] = {}
        self._size = size

    def __call__(self, key: K) -> T:
        found = self._entries.get(id(key))
        if found is not None and found[0] is key:
            return found[1]
        value = self._answer(key)
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[id(key)] = (key, value)
        return value
