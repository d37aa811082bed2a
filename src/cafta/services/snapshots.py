"""Snapshots: a report computed at most once per interval for the same question.

A dashboard counts every declaration of its period again on each view. On a busy node new
declarations arrive every second, so no two views would ever share their figures or their
drawn charts. A :class:`Snapshots` keeps the answer to a question (a period at an office) for
the rest of the clock's current interval (the minute, by default): every view within it gets
the same figures, computed once, and the page says when they were counted. Intervals follow
the clock, not the first view, so all processes refresh at the same moments.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from cafta.core.errors import InvalidInput

__all__ = ["Snapshot", "Snapshots"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Snapshot(Generic[V]):
    value: V
    at: datetime
    """When it was computed (the clock's time)."""


class Snapshots(Generic[K, V]):
    """Answers kept for the rest of the current interval of ``every`` (zero: never kept), for
    at most ``size`` questions (the least recently asked go first)."""

    def __init__(self, every: timedelta = timedelta(minutes=1), size: int = 32) -> None:
        if every < timedelta(0) or size < 1:
            raise InvalidInput(
                "a snapshot interval cannot be negative and at least one must be kept",
                code="config.invalid",
            )
        self.every = every
        self._size = size
        self._kept: OrderedDict[tuple[K, int], Snapshot[V]] = OrderedDict()
        self._lock = threading.Lock()

    def _interval(self, now: datetime) -> int:
        return int(now.timestamp() // self.every.total_seconds())

    def get(self, key: K, now: datetime, compute: Callable[[], V]) -> Snapshot[V]:
        """The snapshot of ``key`` for the interval ``now`` falls in, computed if none is kept."""
        if not self.every:
            return Snapshot(compute(), now)
        slot = (key, self._interval(now))
        with self._lock:
            kept = self._kept.get(slot)
            if kept is not None:
                self._kept.move_to_end(slot)
                return kept
        made = Snapshot(compute(), now)
        with self._lock:
            self._kept[slot] = made
            self._kept.move_to_end(slot)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return made
