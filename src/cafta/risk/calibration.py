"""From model margins to probabilities, and from two probabilities to one inspection priority.

**Calibration** (:class:`Platt`): a boosted model's margin is a log-odds that is over-confident
where it has fitted the training data. Platt scaling (J. Platt, "Probabilistic outputs for
support vector machines", 1999) fits ``p = 1 / (1 + exp(-(a * margin + b)))`` by maximum
likelihood on held-out rows (the tuning set, never the training rows). It is strictly
monotone, so it keeps the ranking (and its ties) as they are; isotonic regression would merge
scores into steps and create ties in the top n%.

**Priority** (:class:`Priority`): the fraud model barely ranks critical cases (public-safety
threats: critical recall@10% 0.20-0.25 against 0.11 at random, risk-anchors.md §4), so the
critical-fraud score gets its own share of the inspection budget instead of a weight. Given
reference distributions of both scores (the tuning set), a declaration's *top fraction* ``q``
under each score is the share of reference declarations that score at least as high. With a
critical share ``r``, its priority is ``1 - min(q_critical / r, q_value / (1 - r))``: inspecting
every declaration with priority above ``1 - t`` inspects about ``t`` of the declarations, ``r *
t`` of them by critical score and the rest by expected value. It is one number per
declaration, so the online lane allocator can rank it too.

The expected value is the calibrated fraud probability times the stake (:class:`Stakes`): one
per declaration (count frauds) or the duty at stake (count revenue).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from cafta.core.errors import InvalidInput
from cafta.core.vocabulary import parse_member

__all__ = ["Platt", "Priority", "Stakes", "TopFraction"]

_CODE = "risk.invalid_calibration"


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True, slots=True)
class Platt:
    """``p = sigmoid(a * margin + b)``; the identity on log-odds is ``Platt(1, 0)``."""

    a: float = 1.0
    b: float = 0.0

    @classmethod
    def fit(
        cls,
        margins: NDArray[np.float64],
        labels: NDArray[np.int_],
        iterations: int = 50,
    ) -> Platt:
        """Maximum likelihood by Newton's method, with Platt's target smoothing.

        Targets are ``(positives + 1) / (positives + 2)`` and ``1 / (negatives + 2)`` instead of
        1 and 0, as Platt proposed, so a separable tuning set does not send ``a`` to infinity.
        """
        x = np.asarray(margins, dtype=np.float64).reshape(-1)
        y = np.asarray(labels).reshape(-1).astype(bool)
        if len(x) != len(y) or len(x) == 0:
            raise InvalidInput("calibration needs margins and labels of one length", code=_CODE)
        positives = int(y.sum())
        negatives = len(y) - positives
        if positives == 0 or negatives == 0:
            return cls()
        t = np.where(y, (positives + 1) / (positives + 2), 1 / (negatives + 2))
        a, b = 1.0, 0.0
        for _ in range(iterations):
            z = np.clip(a * x + b, -35, 35)
            p = 1 / (1 + np.exp(-z))
            w = np.maximum(p * (1 - p), 1e-12)
            g = np.array([np.dot(p - t, x), np.sum(p - t)])
            h = np.array([[np.dot(w, x * x) + 1e-9, np.dot(w, x)], [np.dot(w, x), w.sum() + 1e-9]])
            step = np.linalg.solve(h, g)
            a, b = a - float(step[0]), b - float(step[1])
            if float(np.max(np.abs(step))) < 1e-10:
                break
        return cls(a, b)

    def probability(self, margin: float) -> float:
        return _sigmoid(self.a * margin + self.b)

    def probabilities(self, margins: NDArray[np.float64]) -> NDArray[np.float64]:
        z = np.clip(self.a * np.asarray(margins, dtype=np.float64) + self.b, -700, 700)
        return np.asarray(1 / (1 + np.exp(-z)), dtype=np.float64)

    def to_document(self) -> dict[str, float]:
        return {"a": self.a, "b": self.b}

    @classmethod
    def from_document(cls, document: Mapping[str, object]) -> Platt:
        return cls(float(str(document["a"])), float(str(document["b"])))


class Stakes(StrEnum):
    """What a caught fraud is worth when ranking by expected value."""

    COUNT = "count"
    """Every fraud weighs one: rank by probability (the benchmarks' precision@n%)."""
    DUTY = "duty"
    """A fraud weighs the duty at stake (value x tax rate): rank by expected revenue."""

    @classmethod
    def parse(cls, text: str) -> Stakes:
        return parse_member(cls, text, what="stakes", code=_CODE)

    def expected_value(self, probability: float, value: float, tax_rate: float) -> float:
        if self is Stakes.COUNT:
            return probability
        duty = value * tax_rate / 100
        return probability * (duty if math.isfinite(duty) and duty > 0 else 0.0)


@dataclass(frozen=True, slots=True)
class TopFraction:
    """The share of a reference sample scoring at least as high as a given score."""

    sorted_scores: tuple[float, ...]

    @classmethod
    def of(cls, scores: Sequence[float] | NDArray[np.float64], points: int = 10001) -> TopFraction:
        """A reference from ``scores``, kept to at most ``points`` evenly spaced quantiles."""
        ordered = np.sort(np.asarray(scores, dtype=np.float64).reshape(-1))
        if len(ordered) == 0:
            raise InvalidInput("a score reference needs at least one score", code=_CODE)
        if len(ordered) > points:
            ordered = np.quantile(ordered, np.linspace(0, 1, points))
        return cls(tuple(float(v) for v in ordered))

    def __call__(self, score: float) -> float:
        n = len(self.sorted_scores)
        return (n - bisect.bisect_left(self.sorted_scores, score)) / n


@dataclass(frozen=True, slots=True)
class Priority:
    """Merges expected value and critical score into one inspection priority in [0, 1]."""

    value_reference: TopFraction
    critical_reference: TopFraction
    critical_share: float = 0.15

    def __post_init__(self) -> None:
        if not 0.0 <= self.critical_share < 1.0:
            raise InvalidInput("critical_share must be from 0 to below 1", code=_CODE)

    def __call__(self, expected_value: float, critical: float) -> float:
        q = self.value_reference(expected_value) / (1 - self.critical_share)
        if self.critical_share > 0:
            q = min(q, self.critical_reference(critical) / self.critical_share)
        return max(0.0, 1.0 - q)

    def critical_first(self, expected_value: float, critical: float) -> bool:
        """Whether the critical score, not the expected value, sets this priority."""
        if self.critical_share <= 0:
            return False
        by_value = self.value_reference(expected_value) / (1 - self.critical_share)
        return self.critical_reference(critical) / self.critical_share < by_value

    def to_document(self) -> dict[str, object]:
        return {
            "critical_share": self.critical_share,
            "value_reference": list(self.value_reference.sorted_scores),
            "critical_reference": list(self.critical_reference.sorted_scores),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, object]) -> Priority:
        def scores(key: str) -> TopFraction:
            raw = document[key]
            if not isinstance(raw, list) or not raw:
                raise InvalidInput(f"priority.{key} must be a list of scores", code=_CODE)
            return TopFraction(tuple(float(v) for v in raw))

        return cls(
            scores("value_reference"),
            scores("critical_reference"),
            float(str(document["critical_share"])),
        )
