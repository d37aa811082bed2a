"""The risk engine: rules, then a score, then a lane. The one call clearance makes.

``RiskEngine.assess(subject)`` evaluates the office's rule set (:mod:`.ruleset`), scores the
declaration (:mod:`.scoring`, a rule-based scorer now, a learned model later behind the same
port) and asks the allocator (:mod:`.lanes`) for a lane within the office's quotas: the
selectivity sequence of ASYCUDA's MODSEL (criteria, random, expected rates; risk-anchors.md §5)
and the risk management of the WTO Trade Facilitation Agreement, Art. 7.4.

Quotas are counted per period; :func:`daily_period` (the default) keys a declaration by the
day it was accepted (``subject.on``), so no clock is read here. The allocator's counts and its
window of recent scores live in memory: :meth:`RiskEngine.recall` feeds it the decisions a node
stored before it (re)started, so a restart neither forgets the day's quota use nor ranks the
next hundred declarations without history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from cafta.risk.decision import SelectedBy
from cafta.risk.lanes import LaneAllocator, LaneDecision
from cafta.risk.rules import Lane, RuleContext
from cafta.risk.ruleset import RuleSet
from cafta.risk.scoring import Scorer
from cafta.risk.subject import RiskSubject

__all__ = ["RiskEngine", "daily_period", "monthly_period", "weekly_period"]


def daily_period(on: date) -> str:
    """``2026-11-30``: quotas are met day by day."""
    return on.isoformat()


def weekly_period(on: date) -> str:
    """``2026-W49``: the ISO week of the acceptance day."""
    year, week, _ = on.isocalendar()
    return f"{year}-W{week:02d}"


def monthly_period(on: date) -> str:
    """``2026-11``."""
    return f"{on.year}-{on.month:02d}"


class RiskEngine:
    """Assesses declarations one by one: rule hits → score → lane decision (with reasons)."""

    def __init__(
        self,
        rules: RuleSet,
        scorer: Scorer,
        allocator: LaneAllocator,
        *,
        context: RuleContext | None = None,
        period: Callable[[date], str] = daily_period,
    ) -> None:
        self.rules = rules
        self.scorer = scorer
        self.allocator = allocator
        self._context = context or RuleContext()
        self._period = period

    def assess(self, subject: RiskSubject) -> LaneDecision:
        hits = self.rules.evaluate(subject, self._context)
        score = self.scorer.score(subject, hits)
        return self.allocator.decide(subject, score, hits, self._period(subject.on))

    def recall(
        self, office: str, on: date, lane: Lane, selected_by: SelectedBy, score: float
    ) -> None:
        """Count a decision made before this engine started (oldest first), as it was made."""
        self.allocator.recall(office, self._period(on), lane, selected_by, score)
