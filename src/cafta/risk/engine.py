"""The risk engine: rules, then a score, then a lane. The one call clearance makes.

``RiskEngine.assess(subject)`` evaluates the office's rule set (:mod:`.ruleset`), scores the
declaration (:mod:`.scoring`, a rule-based scorer now, a learned model later behind the same
port) and asks the allocator (:mod:`.lanes`) for a lane within the office's quotas: the
selectivity sequence of ASYCUDA's MODSEL (criteria, random, expected rates; risk-anchors.md §5)
and the risk management of the WTO Trade Facilitation Agreement, Art. 7.4.

Quotas are counted per period; :func:`daily_period` (the default) keys a declaration by the
day it was accepted (``subject.on``), so no clock is read here.
"""

from __future__ import annotations

from collections.abc import Callable

from cafta.risk.lanes import LaneAllocator, LaneDecision
from cafta.risk.rules import RuleContext
from cafta.risk.ruleset import RuleSet
from cafta.risk.scoring import Scorer
from cafta.risk.subject import RiskSubject

__all__ = ["RiskEngine", "daily_period", "monthly_period", "weekly_period"]


def daily_period(subject: RiskSubject) -> str:
    """``2026-11-30``: quotas are met day by day."""
    return subject.on.isoformat()


def weekly_period(subject: RiskSubject) -> str:
    """``2026-W49``: the ISO week of the acceptance day."""
    year, week, _ = subject.on.isocalendar()
    return f"{year}-W{week:02d}"


def monthly_period(subject: RiskSubject) -> str:
    """``2026-11``."""
    return f"{subject.on.year}-{subject.on.month:02d}"


class RiskEngine:
    """Assesses declarations one by one: rule hits → score → lane decision (with reasons)."""

    def __init__(
        self,
        rules: RuleSet,
        scorer: Scorer,
        allocator: LaneAllocator,
        *,
        context: RuleContext | None = None,
        period: Callable[[RiskSubject], str] = daily_period,
    ) -> None:
        self.rules = rules
        self.scorer = scorer
        self.allocator = allocator
        self._context = context or RuleContext()
        self._period = period

    def assess(self, subject: RiskSubject) -> LaneDecision:
        hits = self.rules.evaluate(subject, self._context)
        score = self.scorer.score(subject, hits)
        return self.allocator.decide(subject, score, hits, self._period(subject))
