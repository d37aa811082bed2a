"""A lane decision and the counts behind it: values the allocator returns.

A decision is a value with reasons, not an exception (house rule; shared/DESIGN.md): its first
reason states the lane and what selected it (rule, random draw, score ranking, quota, default),
in the vocabulary of ASYCUDA's selectivity (MODSEL; risk-anchors.md §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cafta.core.frozen import direct_init
from cafta.core.provenance import Status, combine
from cafta.risk.rules import Lane, RuleHit

__all__ = ["LaneDecision", "LaneStats", "SelectedBy"]


class SelectedBy(StrEnum):
    """What put a declaration in its lane."""

    RULE = "rule"
    RANDOM = "random"
    SCORE = "score"
    QUOTA = "quota"
    DEFAULT = "default"


@direct_init
@dataclass(frozen=True, slots=True)
class LaneDecision:
    """A lane and why: the first reason is the decision in one line, then notes, rule hits and
    the score's own reasons."""

    lane: Lane
    score: float
    reasons: tuple[str, ...]
    selected_by: SelectedBy
    hits: tuple[RuleHit, ...] = ()

    @property
    def status(self) -> Status:
        """Illustrative when any rule hit relied on illustrative data."""
        return combine(hit.status for hit in self.hits)

    def __str__(self) -> str:
        return self.reasons[0]


@dataclass(frozen=True, slots=True)
class LaneStats:
    """Counts per lane and per selection source for one office and period."""

    office: str
    period: str
    total: int
    counts: Mapping[Lane, int]
    selected_by: Mapping[SelectedBy, int]
    red_over_cap: int

    def share(self, lane: Lane) -> float:
        return self.counts[lane] / self.total if self.total else 0.0

    @property
    def shares(self) -> dict[Lane, float]:
        return {lane: self.share(lane) for lane in Lane}
