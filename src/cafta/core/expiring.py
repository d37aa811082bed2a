"""Answers kept for a while: a bounded, thread-safe map whose entries expire.

A server asks the database the same questions many times a second (whose is this token, may
this broker declare for this importer). :class:`ExpiringCache` keeps each answer for ``ttl``
seconds of a monotonic clock (injected, so tests move time), at most ``size`` of them, the
least recently used going first. What may be kept, and for how long a change made elsewhere
may go unseen, is the caller's decision and is documented where it is used.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ExpiringCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringCache(Generic[K, V]):
    """Up to ``size`` answers, each for ``ttl`` seconds after it was put."""

    def __init__(
        self, ttl: float, size: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._kept: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def now(self) -> float:
        """The cache's clock: take it before asking the source, and :meth:`put` at that time,
        so an answer never counts as younger than the question."""
        return self._monotonic()

    def get(self, key: K) -> V | None:
        """The answer kept for ``key`` while it is fresh, else ``None``."""
        now = self._monotonic()
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or now - kept[0] >= self._ttl:
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key: K, value: V, at: float) -> None:
        """Keep ``value`` for ``key`` as of ``at`` (:meth:`now`), dropping the least recently
        used beyond ``size``."""
        with self._lock:
            self._kept[key] = (at, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def drop(self, key: K) -> None:
        with self._lock:
            self._kept.pop(key, None)

    def drop_where(self, unwanted: Callable[[V], bool]) -> None:
        """Drop every answer ``unwanted`` says so of."""
        with self._lock:
            for key in [k for k, (_, v) in self._kept.items() if unwanted(v)]:
                del self._kept[key]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
