"""Ranking metrics (exact top-k, ties, AUC) and Platt calibration, against brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from cafta.risk.calibration import Platt, Priority, Stakes, TopFraction
from cafta.risk.metrics import RankReport, auc, inspected, rank_report, top_k


def _brute_auc(scores: list[float], labels: list[int]) -> float:
    pairs = [(p, n) for p, n in itertools.product(range(len(scores)), repeat=2)
             if labels[p] and not labels[n]]  # fmt: skip
    wins = sum(1.0 if scores[p] > scores[n] else 0.5 if scores[p] == scores[n] else 0.0
               for p, n in pairs)  # fmt: skip
    return wins / len(pairs)


def test_auc_matches_brute_force_with_ties() -> None:
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 5, 60).astype(float).tolist()
    labels = rng.integers(0, 2, 60).tolist()
    assert auc(scores, labels) == pytest.approx(_brute_auc(scores, labels))
    assert math.isnan(auc([0.1, 0.2], [1, 1]))


def test_top_k_is_exact_and_ties_go_to_the_earlier_row() -> None:
    assert top_k([0.5, 0.9, 0.5, 0.5, 0.1], 3).tolist() == [1, 0, 2]
    assert inspected(8134, 5) == 407 and inspected(100, 10) == 10 and inspected(8481, 1) == 85


def test_rank_report_counts_exactly_the_top_n_percent() -> None:
    n = 200
    ranking = np.zeros(n)  # all tied: the first rows by order are inspected
    fraud = np.array([1] * 3 + [0] * (n - 3))
    critical = np.zeros(n, dtype=bool)
    critical[1] = True
    report = rank_report(ranking, fraud, critical)
    assert report.precision_at["1"] == 1.0  # 2 rows, both frauds
    assert report.precision_at["2"] == 0.75  # 4 rows, 3 frauds
    assert report.recall_at["5"] == 1.0
    assert report.critical_recall_at["1"] == 1.0
    assert set(report.to_dict()) >= {"precision_at", "recall_at", "critical_recall_at", "auc"}


def test_the_random_baseline_is_the_expectation() -> None:
    base = RankReport.random_baseline(1000, 210, 10)
    assert base.precision_at["5"] == pytest.approx(0.21)
    assert base.recall_at["10"] == pytest.approx(0.1) and base.auc == 0.5


def test_platt_recovers_a_known_calibration_and_keeps_the_order() -> None:
    rng = np.random.default_rng(0)
    margins = rng.normal(0, 2, 20000)
    truth = 1 / (1 + np.exp(-(0.5 * margins - 1.0)))
    labels = (rng.random(20000) < truth).astype(int)
    platt = Platt.fit(margins, labels)
    assert platt.a == pytest.approx(0.5, abs=0.05) and platt.b == pytest.approx(-1.0, abs=0.08)
    p = platt.probabilities(margins)
    assert np.all(np.diff(p[np.argsort(margins)]) >= 0)
    assert platt.probability(float(margins[0])) == pytest.approx(float(p[0]))
    assert Platt.fit(margins[:5], np.zeros(5, dtype=int)) == Platt()


def test_priority_reserves_a_share_for_the_critical_score() -> None:
    values = TopFraction.of(np.linspace(0, 1, 1001))
    priority = Priority(values, TopFraction.of(np.linspace(0, 1, 1001)), critical_share=0.2)
    # Top 1% by critical score ranks like the top 5% by value: 0.01 / 0.2 = 0.05 / (1 - 0.2) x 0.8
    assert priority(0.5, 0.99) == pytest.approx(1 - 0.0109 / 0.2, abs=1e-3)
    assert priority(0.99, 0.0) == pytest.approx(1 - 0.0109 / 0.8, abs=1e-3)
    assert priority.critical_first(0.5, 0.99) and not priority.critical_first(0.99, 0.0)
    again = Priority.from_document(priority.to_document())
    assert again(0.7, 0.3) == priority(0.7, 0.3)


def test_stakes() -> None:
    assert Stakes.COUNT.expected_value(0.3, 1e6, 8) == 0.3
    assert Stakes.parse("duty").expected_value(0.5, 1000, 8) == pytest.approx(40)
    assert Stakes.DUTY.expected_value(0.5, math.nan, 8) == 0
