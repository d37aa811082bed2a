"""Ranking metrics of a fraud score at an inspection rate: precision, recall, AUC.

The protocol is that of the benchmarks (DATE, Kim et al., KDD 2020, §5.1.2; the Customs Import
Declaration Datasets paper, arXiv:2208.02484, §4.2; risk-anchors.md §4): rank every row by
score, inspect exactly the top ``k = ceil(n% * N)`` rows, and report

* **precision@n%**: the share of the inspected rows that are frauds;
* **recall@n%**: the share of all frauds that are inspected;
* **critical recall@n%**: the share of critical cases (``Critical Fraud`` = 2) inspected;
* **AUC**: the probability that a fraud outranks a non-fraud (ties count one half).

Ties are broken by row order (a stable sort), never by a percentile threshold, which selects
fewer than n% when scores tie (risk-anchors.md §6). The random baseline is the expectation of a
uniformly random ranking: precision is the fraud rate, recall is ``k / N``, AUC is 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cafta.core.errors import InvalidInput

__all__ = [
    "RATES",
    "RankReport",
    "auc",
    "brier",
    "expected_calibration_error",
    "rank_report",
    "top_k",
]

RATES: tuple[int, ...] = (1, 2, 5, 10)
"""The inspection rates reported, in percent."""

_CODE = "risk.invalid_metrics"


def _vector(values: Sequence[float] | NDArray[np.float64], name: str) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(array)):
        raise InvalidInput(f"{name} contains a missing or infinite value", code=_CODE)
    return array


def top_k(scores: Sequence[float] | NDArray[np.float64], k: int) -> NDArray[np.intp]:
    """Indices of the ``k`` highest scores, highest first; ties go to the earlier row."""
    array = _vector(scores, "scores")
    order = np.argsort(-array, kind="stable")
    return order[: max(0, min(k, len(array)))]


def inspected(n_rows: int, rate_percent: float) -> int:
    """``ceil(rate% * N)``, computed without float surprises (5% of 8,134 is 407)."""
    return min(n_rows, math.ceil(round(rate_percent * n_rows / 100, 9)))


def auc(
    scores: Sequence[float] | NDArray[np.float64], labels: Sequence[int] | NDArray[np.int_]
) -> float:
    """Area under the ROC curve (Mann-Whitney U with mid-ranks for ties); nan if one class."""
    s = _vector(scores, "scores")
    y = np.asarray(labels).reshape(-1).astype(bool)
    if len(s) != len(y):
        raise InvalidInput("scores and labels differ in length", code=_CODE)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    order = np.argsort(s, kind="stable")
    ordered = s[order]
    ranks = np.empty(len(s), dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(s)]
    mid = (starts + ends + 1) / 2.0  # 1-based mid-rank of each tie group
    ranks[order] = np.repeat(mid, ends - starts)
    u = ranks[y].sum() - positives * (positives + 1) / 2.0
    return float(u / (positives * negatives))


def brier(probabilities: NDArray[np.float64], labels: NDArray[np.int_]) -> float:
    """Mean squared error of probabilities against 0/1 outcomes (lower is better)."""
    p = _vector(probabilities, "probabilities")
    return float(np.mean((p - np.asarray(labels, dtype=np.float64)) ** 2))


def expected_calibration_error(
    probabilities: NDArray[np.float64], labels: NDArray[np.int_], bins: int = 10
) -> float:
    """Mean |predicted - observed| over ``bins`` equal-count bins, weighted by bin size."""
    p = _vector(probabilities, "probabilities")
    y = np.asarray(labels, dtype=np.float64)
    order = np.argsort(p, kind="stable")
    total = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            total += len(chunk) * abs(float(p[chunk].mean()) - float(y[chunk].mean()))
    return total / max(len(p), 1)


@dataclass(frozen=True, slots=True)
class RankReport:
    """Metrics of one ranking at each of :data:`RATES` (keyed ``"1"`` to ``"10"``)."""

    rows: int
    frauds: int
    criticals: int
    precision_at: Mapping[str, float]
    recall_at: Mapping[str, float]
    critical_recall_at: Mapping[str, float]
    auc: float

    def to_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "frauds": self.frauds,
            "criticals": self.criticals,
            "precision_at": dict(self.precision_at),
            "recall_at": dict(self.recall_at),
            "critical_recall_at": dict(self.critical_recall_at),
            "auc": self.auc,
        }

    @classmethod
    def random_baseline(cls, rows: int, frauds: int, criticals: int) -> RankReport:
        """The expected metrics of a uniformly random ranking of the same rows."""
        rate = frauds / rows if rows else 0.0
        recall = {str(n): inspected(rows, n) / rows if rows else 0.0 for n in RATES}
        return cls(
            rows,
            frauds,
            criticals,
            {str(n): rate for n in RATES},
            recall,
            dict(recall),
            0.5,
        )


def rank_report(
    ranking: Sequence[float] | NDArray[np.float64],
    fraud: Sequence[int] | NDArray[np.int_],
    critical: Sequence[bool] | NDArray[np.bool_],
    *,
    auc_of: Sequence[float] | NDArray[np.float64] | None = None,
) -> RankReport:
    """Precision, recall and critical recall at :data:`RATES` of the top rows by ``ranking``.

    ``auc_of`` is the score whose AUC against ``fraud`` is reported (the ranking itself when
    ``None``).
    """
    s = _vector(ranking, "ranking")
    y = np.asarray(fraud).reshape(-1).astype(np.int64)
    c = np.asarray(critical).reshape(-1).astype(bool)
    if not len(s) == len(y) == len(c):
        raise InvalidInput("ranking and labels differ in length", code=_CODE)
    if len(s) == 0:
        raise InvalidInput("nothing to evaluate: no rows", code=_CODE)
    frauds, criticals = int(y.sum()), int(c.sum())
    precision: dict[str, float] = {}
    recall: dict[str, float] = {}
    critical_recall: dict[str, float] = {}
    order = np.argsort(-s, kind="stable")
    for n in RATES:
        chosen = order[: inspected(len(s), n)]
        caught = int(y[chosen].sum())
        precision[str(n)] = caught / len(chosen) if len(chosen) else 0.0
        recall[str(n)] = caught / frauds if frauds else math.nan
        critical_recall[str(n)] = int(c[chosen].sum()) / criticals if criticals else math.nan
    area = auc(s if auc_of is None else auc_of, y)
    return RankReport(len(s), frauds, criticals, precision, recall, critical_recall, area)
