"""Ranking online: is this score in the top fraction of recent scores?

Benchmarks and ASYCUDA select the top n% of declarations by risk (risk-anchors.md §5), but a
clearance office decides one declaration at a time, in milliseconds, and cannot wait for the
day's batch to rank it. :class:`ScoreWindow` keeps the last ``size`` scores of one office (a
bounded sliding window, oldest out first) in sorted order, and :meth:`ScoreWindow.cut` turns
"the top fraction f" into a threshold on the next score:

* ``k = f * m`` of the ``m`` recent scores would be selected; the threshold ``t`` is the
  smallest of the top ``ceil(k)``;
* a new score above ``t`` is in; below is out; *equal* to ``t`` is in with probability
  ``(k - above) / equal``, where ``above`` and ``equal`` count recent scores above and at ``t``.

The tie rule is why this is not a plain percentile: rule-based scores take few distinct values,
and with most declarations tied at the base rate a percentile threshold selects either nothing
or everything ("Ties. Percentile thresholds ... can select fewer than n%. Use exact top-k",
risk-anchors.md §6). With it, the expected share selected is ``f`` even when scores tie.

Adding a score costs O(log m) to find and O(m) to shift a Python list; at m = 1,000 that is a
few microseconds.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cafta.core.frozen import direct_init

__all__ = ["Cut", "ScoreWindow"]


@direct_init
@dataclass(frozen=True, slots=True)
class Cut:
    """A threshold on the next score, with the chance of selection when it ties."""

    fraction: float
    threshold: float
    tie_chance: float

    def admits(self, score: float, draw: Callable[[], float]) -> bool:
        """Whether ``score`` is in; ``draw`` (a uniform [0, 1) source) is called on a tie only."""
        if score > self.threshold:
            return True
        if score < self.threshold:
            return False
        return self.tie_chance >= 1.0 or draw() < self.tie_chance


class ScoreWindow:
    """The last ``size`` scores, oldest first out, kept sorted for quantiles. Not thread-safe:
    the allocator guards it."""

    __slots__ = ("_arrival", "_sorted")

    def __init__(self, size: int, scores: Iterable[float] = ()) -> None:
        if size < 1:
            raise ValueError("a score window holds at least one score")
        self._arrival: deque[float] = deque(maxlen=size)
        self._sorted: list[float] = []
        for score in scores:
            self.add(score)

    def __len__(self) -> int:
        return len(self._sorted)

    @property
    def size(self) -> int:
        return self._arrival.maxlen or 0

    def add(self, score: float) -> None:
        if len(self._arrival) == self._arrival.maxlen:
            oldest = self._arrival[0]
            del self._sorted[bisect_left(self._sorted, oldest)]
        self._arrival.append(score)
        insort(self._sorted, score)

    def cut(self, fraction: float) -> Cut | None:
        """The cut selecting the top ``fraction`` of recent scores; ``None`` if it selects none
        (fraction 0, or an empty window)."""
        m = len(self._sorted)
        k = round(min(fraction, 1.0) * m, 9)  # 0.03 * 1000 is 30, not 30.000000000000004
        if k <= 0:
            return None
        xs = self._sorted
        threshold = xs[m - math.ceil(k)]
        low, high = bisect_left(xs, threshold), bisect_right(xs, threshold)
        above, equal = m - high, high - low
        return Cut(fraction, threshold, min(1.0, (k - above) / equal))
