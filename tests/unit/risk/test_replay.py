"""Lanes by quota for a batch (exact fills, random share, rules) and the learning replay."""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from cafta.core.errors import InvalidInput
from cafta.risk.dataset import Declaration
from cafta.risk.decision import SelectedBy
from cafta.risk.quotas import LaneQuota
from cafta.risk.replay import ReplaySettings, replay
from cafta.risk.rules import Lane
from cafta.risk.selection import Candidate, select_lanes

_spec = importlib.util.spec_from_file_location(
    "risk_feature_tests", Path(__file__).with_name("test_features.py")
)
assert _spec and _spec.loader
_features = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_features)
synthetic = _features.synthetic

QUOTA = LaneQuota(red=Decimal("0.03"), yellow=Decimal("0.10"), random_share=Decimal("0.10"))


def _candidates(n: int, office: str = "30") -> list[Candidate]:
    return [Candidate(f"{office}-{i}", office, priority=i / n) for i in range(n)]


def _lanes(selected: Sequence[object]) -> dict[Lane, int]:
    counts = dict.fromkeys(Lane, 0)
    for s in selected:
        counts[s.lane] += 1  # type: ignore[attr-defined]
    return counts


def test_quotas_are_filled_exactly_per_office() -> None:
    batch = _candidates(1000) + _candidates(200, office="40")
    chosen = select_lanes(batch, lambda _: QUOTA, random.Random(1))
    assert [s.key for s in chosen] == [c.key for c in batch]
    first, second = chosen[:1000], chosen[1000:]
    assert _lanes(first)[Lane.RED] == 30 and _lanes(first)[Lane.YELLOW] == 100
    assert _lanes(second)[Lane.RED] == 6 and _lanes(second)[Lane.YELLOW] == 20
    randoms = [s for s in first if s.selected_by is SelectedBy.RANDOM]
    assert len(randoms) == 3 and all(s.lane is Lane.RED for s in randoms)
    drawn = {int(s.key.split("-")[1]) for s in randoms}
    by_score = {
        int(s.key.split("-")[1])
        for s in first
        if s.lane is Lane.RED and s.selected_by is SelectedBy.SCORE
    }
    assert by_score == set(sorted(set(range(1000)) - drawn)[-27:])


def test_the_highest_priorities_go_red_then_yellow() -> None:
    quota = LaneQuota(red=Decimal("0.05"), yellow=Decimal("0.10"), random_share=Decimal(0))
    chosen = select_lanes(_candidates(100), lambda _: quota, random.Random(0))
    red = {int(s.key.split("-")[1]) for s in chosen if s.lane is Lane.RED}
    yellow = {int(s.key.split("-")[1]) for s in chosen if s.lane is Lane.YELLOW}
    assert red == set(range(95, 100)) and yellow == set(range(85, 95))
    assert chosen[99].reason.startswith("red: priority 0.9900 is among the top 5 of 100")


def test_ties_are_broken_by_expected_value_then_input_order() -> None:
    quota = LaneQuota(red=Decimal("0.02"), yellow=Decimal(0), random_share=Decimal(0))
    batch = [
        Candidate(str(i), "30", 0.5, expected_value=1.0 if i == 7 else 0.0) for i in range(100)
    ]
    red = [
        s.key for s in select_lanes(batch, lambda _: quota, random.Random(0)) if s.lane is Lane.RED
    ]
    assert red == ["0", "7"]


def test_rules_force_lanes_and_count_towards_the_quota() -> None:
    quota = LaneQuota(red=Decimal("0.03"), yellow=Decimal("0.05"), random_share=Decimal(0))
    batch = _candidates(100)
    batch[0] = Candidate("forced-red", "30", 0.0, forced=Lane.RED, rule="watch-listed importer")
    batch[1] = Candidate("forced-yellow", "30", 0.0, forced=Lane.YELLOW, rule="origin claim")
    chosen = select_lanes(batch, lambda _: quota, random.Random(0))
    assert chosen[0].lane is Lane.RED and chosen[0].reason == "red: watch-listed importer"
    assert chosen[1].lane is Lane.YELLOW and chosen[1].selected_by is SelectedBy.RULE
    counts = _lanes(chosen)
    assert counts[Lane.RED] == 3 and counts[Lane.YELLOW] == 5


def test_rule_forced_red_may_exceed_the_cap_but_nothing_else_does() -> None:
    quota = LaneQuota(red=Decimal("0.05"), yellow=Decimal(0), red_cap=Decimal("0.05"))
    batch = [Candidate(str(i), "30", 1.0, forced=Lane.RED, rule="r") for i in range(8)]
    batch += _candidates(92)
    counts = _lanes(select_lanes(batch, lambda _: quota, random.Random(0)))
    assert counts[Lane.RED] == 8


def test_random_draws_depend_on_the_seed_only() -> None:
    batch = _candidates(3000)
    a = select_lanes(batch, lambda _: QUOTA, random.Random(5))
    b = select_lanes(batch, lambda _: QUOTA, random.Random(5))
    c = select_lanes(batch, lambda _: QUOTA, random.Random(6))
    assert a == b and a != c


@dataclass(frozen=True)
class _Importer:
    """Ranks by the fraud rate of the importer among the labelled history (a tiny learner)."""

    rates: dict[str, float]

    def priorities(self, rows: Sequence[Declaration]) -> NDArray[np.float64]:
        return np.array([self.rates.get(d.importer, 0.5) for d in rows])


class _Learner:
    def __init__(self) -> None:
        self.sizes: list[int] = []

    def fit(self, history: Sequence[Declaration]) -> _Importer:
        labelled = [d for d in history if d.fraud is not None]
        self.sizes.append(len(labelled))
        totals: dict[str, list[int]] = {}
        for d in labelled:
            t = totals.setdefault(d.importer, [0, 0])
            t[0] += 1
            t[1] += d.is_fraud
        return _Importer({k: (f + 1) / (n + 2) for k, (n, f) in totals.items()})


def test_the_replay_reveals_only_inspected_labels_and_learns() -> None:
    rows = synthetic(3000, seed=4)
    learner = _Learner()
    settings = ReplaySettings(inspection_rate=Decimal("0.10"), initial_days=14)
    seen: list[tuple[int, int]] = []
    report = replay(rows, learner, settings, random.Random(1), lambda d, t: seen.append((d, t)))
    weeks = report.weeks
    assert len(weeks) == len(learner.sizes) and seen[-1] == (len(weeks), len(weeks))
    assert report.initial_rows == learner.sizes[0]
    for before, week, after in zip(learner.sizes, weeks, learner.sizes[1:], strict=False):
        assert after == before + week.policy.inspected  # only the red rows were revealed
    assert weeks[-1].labelled == learner.sizes[-1] + weeks[-1].policy.inspected
    policy, rand = report.total("policy"), report.total("random")
    assert policy.inspected == rand.inspected == report.total("static").inspected
    assert policy.precision > rand.precision + 0.2
    document = report.to_dict()
    assert document["total"]["oracle"] == report.oracle  # type: ignore[index]


def test_the_replay_is_deterministic_for_a_seed() -> None:
    rows = synthetic(1500, seed=2)
    settings = ReplaySettings(initial_days=14, max_weeks=3, retrain_every=2)
    a = replay(rows, _Learner(), settings, random.Random(3))
    b = replay(rows, _Learner(), settings, random.Random(3))
    assert a == b and len(a.weeks) == 3


def test_the_replay_needs_labels_and_enough_days() -> None:
    rows = synthetic(100)
    hidden = [replace(rows[0], fraud=None, critical=None), *rows[1:]]
    with pytest.raises(InvalidInput, match="labelled"):
        replay(hidden, _Learner(), ReplaySettings(), random.Random(0))
    with pytest.raises(InvalidInput, match="span more than 90 days"):
        replay(rows, _Learner(), ReplaySettings(initial_days=90), random.Random(0))
