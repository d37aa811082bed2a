"""Risk scores: the :class:`Scorer` port, and an explainable scorer from rule hits.

The lane allocator (:mod:`.lanes`) ranks declarations by a score in [0, 1]; ASYCUDA and the
benchmarks in risk-anchors.md §5 select the top n% by risk, not by a fixed probability. A learned
model (LightGBM, a later issue) will be an adapter implementing :class:`Scorer`; until then
:class:`RuleScorer` gives the ranking something explainable to rank by.

A scorer receives the rule hits the engine already has: a model may use them as features or
ignore them. (The port is ``score(subject, hits=())``, so ``score(subject)`` works too.)

**Scores are floats**, as a model's are, rounded by :class:`RuleScorer` to 4 decimal places so
that every run gives the same digits and equal evidence gives equal (tied) scores; the
allocator breaks ties explicitly. Weights in configuration are exact decimals.

:class:`RuleScorer` combines evidence as a *noisy-OR*: each hit's weight is read as the chance
that it points at a real problem, independently of the others, so the score is one minus the
chance that none of them does, ``1 - (1 - base) * prod(1 - weight)``; an authorised economic
operator's score is multiplied by ``trusted_factor`` (the compliance record of traders is a
selectivity criterion of the WTO Trade Facilitation Agreement, Art. 7.4.3). It is stateless: it
does not know whether an importer is new (that needs history, which belongs in a feature store).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init
from cafta.risk.rules import RuleHit
from cafta.risk.subject import RiskSubject

__all__ = ["RuleScorer", "Score", "Scorer"]

_PLACES = Decimal("0.0001")


@direct_init
@dataclass(frozen=True, slots=True)
class Score:
    """A risk score in [0, 1] and the few reasons that weighed most, in words."""

    value: float
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, float | int):
            raise InvalidInput(f"score {value!r} is not a number", code="risk.invalid_score")
        if not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise InvalidInput(f"score {value} is not in [0, 1]", code="risk.invalid_score")
        object.__setattr__(self, "value", float(value))

    def __str__(self) -> str:
        return f"{self.value:.2f}"


class Scorer(Protocol):
    """Scores a declaration; higher means riskier."""

    def score(self, subject: RiskSubject, hits: Sequence[RuleHit] = ()) -> Score: ...


@dataclass(frozen=True, slots=True)
class RuleScorer:
    """A noisy-OR of rule-hit weights over a base rate, discounted for trusted traders."""

    base: Decimal = Decimal("0.02")
    trusted_factor: Decimal = Decimal("0.5")
    top: int = 3

    def __post_init__(self) -> None:
        if not (Decimal(0) <= self.base < 1 and Decimal(0) <= self.trusted_factor <= 1):
            raise InvalidInput(
                "base must be in [0, 1) and trusted_factor in [0, 1]", code="risk.invalid_score"
            )
        if self.top < 1:
            raise InvalidInput("top must be at least 1", code="risk.invalid_score")

    def score(self, subject: RiskSubject, hits: Sequence[RuleHit] = ()) -> Score:
        clear = 1 - self.base
        for hit in hits:
            clear *= 1 - hit.weight
        value = 1 - clear
        ranked = sorted(hits, key=lambda h: (-h.weight, h.rule_id))[: self.top]
        reasons = [f"{hit.label} adds weight {hit.weight}" for hit in ranked]
        reasons.append(f"base rate {self.base}")
        if subject.trusted_trader and self.trusted_factor != 1:
            value *= self.trusted_factor
            reasons.append(f"trusted trader (AEO): score x {self.trusted_factor}")
        rounded = value.quantize(_PLACES, rounding=ROUND_HALF_EVEN)
        return Score(float(rounded), tuple(reasons))
