"""Learning from inspection outcomes: a week-by-week replay of a labelled history.

Customs learns only what it inspects: the label of a declaration sent green is never known.
A benchmark on fully labelled rows overstates what a deployed model sees (selection bias;
risk-anchors.md §2d and §6). The replay follows Protocol C of risk-anchors.md §4, after the
simulator of ``Seondong/Customs-Fraud-Detection`` (Mai et al., "Active Learning for
Human-in-the-Loop Customs Inspection", IEEE TKDE 2022):

1. the first ``initial_days`` are the starting history, all labelled (as after a period of
   full inspection); a model is fitted on them;
2. each following week (Monday to Sunday), the week's declarations are scored and lanes chosen
   by quota (:func:`~cafta.risk.selection.select_lanes`): ``inspection_rate`` of them red per
   office, ``random_share`` of that at random;
3. only the red declarations' labels are revealed; the others join the history unlabelled
   (their fields still count for vocabularies and reference values, never for risk profiles);
4. the model is refitted on the history every ``retrain_every`` weeks.

For comparison, under the same quotas, each week also records what a **static** model (fitted
once on the starting history, never refitted) and a **random** selection would have caught;
they reveal nothing. The simulation knows every label, so all three are measured on the same
rows. Precision is frauds caught over declarations inspected; the **oracle** is the most
frauds the same number of inspections could catch; norm-precision is caught over oracle (the
simulator's Norm-Pre@n%).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from cafta.core.errors import InvalidInput
from cafta.risk.dataset import Declaration
from cafta.risk.quotas import LaneQuota
from cafta.risk.rules import Lane
from cafta.risk.selection import Candidate, select_lanes

__all__ = ["Learner", "Ranker", "ReplayReport", "ReplaySettings", "WeekResult", "replay"]

_CODE = "risk.invalid_replay"


class Ranker(Protocol):
    """A fitted model: an inspection priority per declaration (higher first)."""

    def priorities(self, rows: Sequence[Declaration]) -> NDArray[np.float64]: ...


class Learner(Protocol):
    """Fits a :class:`Ranker` on a history in which only some declarations carry labels."""

    def fit(self, history: Sequence[Declaration]) -> Ranker: ...


@dataclass(frozen=True, slots=True)
class ReplaySettings:
    """How the replay runs; see the module docstring."""

    inspection_rate: Decimal = Decimal("0.10")
    random_share: Decimal = Decimal("0.10")
    initial_days: int = 28
    retrain_every: int = 1
    max_weeks: int | None = None

    def __post_init__(self) -> None:
        if self.initial_days < 1 or self.retrain_every < 1:
            raise InvalidInput("initial_days and retrain_every must be at least 1", code=_CODE)
        if self.max_weeks is not None and self.max_weeks < 1:
            raise InvalidInput("max_weeks must be at least 1", code=_CODE)

    @property
    def quota(self) -> LaneQuota:
        rate = self.inspection_rate
        return LaneQuota(red=rate, yellow=Decimal(0), random_share=self.random_share, red_cap=rate)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one strategy's inspections caught in a week."""

    inspected: int
    frauds: int
    criticals: int

    @property
    def precision(self) -> float:
        return self.frauds / self.inspected if self.inspected else 0.0


@dataclass(frozen=True, slots=True)
class WeekResult:
    """One week of the replay: the batch, the oracle and the three strategies' catches."""

    start: date
    rows: int
    frauds: int
    criticals: int
    policy: Outcome
    static: Outcome
    random: Outcome
    labelled: int

    @property
    def oracle(self) -> int:
        return min(self.frauds, self.policy.inspected)


def _total(outcomes: Sequence[Outcome]) -> Outcome:
    return Outcome(
        sum(o.inspected for o in outcomes),
        sum(o.frauds for o in outcomes),
        sum(o.criticals for o in outcomes),
    )


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """Every week, and totals over them."""

    settings: ReplaySettings
    initial_rows: int
    weeks: tuple[WeekResult, ...]

    def total(self, strategy: str) -> Outcome:
        return _total([getattr(w, strategy) for w in self.weeks])

    @property
    def oracle(self) -> int:
        return sum(w.oracle for w in self.weeks)

    def to_dict(self) -> dict[str, object]:
        def outcome(o: Outcome) -> dict[str, object]:
            return {
                "inspected": o.inspected,
                "frauds": o.frauds,
                "criticals": o.criticals,
                "precision": round(o.precision, 4),
            }

        strategies = ("policy", "static", "random")
        return {
            "inspection_rate": str(self.settings.inspection_rate),
            "random_share": str(self.settings.random_share),
            "initial_rows": self.initial_rows,
            "weeks": [
                {
                    "start": w.start.isoformat(),
                    "rows": w.rows,
                    "frauds": w.frauds,
                    "criticals": w.criticals,
                    "oracle": w.oracle,
                    "labelled": w.labelled,
                    **{s: outcome(getattr(w, s)) for s in strategies},
                }
                for w in self.weeks
            ],
            "total": {
                "oracle": self.oracle,
                **{s: outcome(self.total(s)) for s in strategies},
            },
        }


def _outcome(batch: Sequence[Declaration], red: Sequence[int]) -> Outcome:
    return Outcome(
        len(red), sum(batch[i].is_fraud for i in red), sum(batch[i].is_critical for i in red)
    )


def _red(
    batch: Sequence[Declaration],
    priorities: NDArray[np.float64],
    quota: LaneQuota,
    rng: random.Random,
) -> list[int]:
    candidates = [Candidate(str(i), d.office, float(priorities[i])) for i, d in enumerate(batch)]
    chosen = select_lanes(candidates, lambda _: quota, rng)
    return [int(s.key) for s in chosen if s.lane is Lane.RED]


def _weeks(rows: Sequence[Declaration], start: date) -> list[tuple[date, list[Declaration]]]:
    monday = start - timedelta(days=start.weekday())
    weeks: dict[date, list[Declaration]] = {}
    for d in rows:
        if d.day >= start:
            key = monday + timedelta(days=7 * ((d.day - monday).days // 7))
            weeks.setdefault(key, []).append(d)
    return sorted(weeks.items())


def replay(
    rows: Sequence[Declaration],
    learner: Learner,
    settings: ReplaySettings,
    rng: random.Random,
    progress: Callable[[int, int], None] | None = None,
) -> ReplayReport:
    """Replay ``rows`` (all labelled) week by week; see the module docstring."""
    if any(d.fraud is None for d in rows):
        raise InvalidInput(
            "the replay needs every row labelled (Fraud, Critical Fraud)", code=_CODE
        )
    if not rows:
        raise InvalidInput("nothing to replay: no rows", code=_CODE)
    ordered = sorted(rows, key=lambda d: d.day)
    start = ordered[0].day + timedelta(days=settings.initial_days)
    history: list[Declaration] = [d for d in ordered if d.day < start]
    weeks = _weeks(ordered, start)[: settings.max_weeks]
    if not history or not weeks:
        raise InvalidInput(
            f"the data must span more than {settings.initial_days} days to replay", code=_CODE
        )
    initial = len(history)
    streams = {name: random.Random(rng.getrandbits(64)) for name in ("policy", "static", "random")}
    static = model = learner.fit(history)
    quota = settings.quota
    results: list[WeekResult] = []
    for number, (monday, batch) in enumerate(weeks):
        if number and number % settings.retrain_every == 0:
            model = learner.fit(history)
        red = _red(batch, model.priorities(batch), quota, streams["policy"])
        static_red = _red(batch, static.priorities(batch), quota, streams["static"])
        draws = np.array([streams["random"].random() for _ in batch], dtype=np.float64)
        random_red = _red(batch, draws, quota, streams["random"])
        revealed = set(red)
        for i, d in enumerate(batch):
            history.append(d if i in revealed else replace(d, fraud=None, critical=None))
        results.append(
            WeekResult(
                monday,
                len(batch),
                sum(d.is_fraud for d in batch),
                sum(d.is_critical for d in batch),
                _outcome(batch, red),
                _outcome(batch, static_red),
                _outcome(batch, random_red),
                sum(1 for d in history if d.fraud is not None),
            )
        )
        if progress is not None:
            progress(number + 1, len(weeks))
    return ReplayReport(settings, initial, tuple(results))
