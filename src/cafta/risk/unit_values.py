"""Reference unit values per HS line, and the rule that flags values far below them (R3).

ASYCUDA's value-control criteria flag unit values outside min/max bands per commodity (MODSEL,
UNCTAD ASYCUDA++ Functional Manual §6; risk-anchors.md §5); the value of the goods is a
selectivity criterion of the WTO Trade Facilitation Agreement, Art. 7.4.3. Undervaluation is
the common fraud, so only the lower side is checked here: an item whose declared value per
kilogram is below ``yellow_ratio`` (default 25%) of the reference for its line goes yellow, and
below ``red_ratio`` (default 10%, optional) red.

A :class:`ReferenceUnitValue` is dated, sourced and has a status; the longest HS prefix in force
on the declaration's day applies. References in another currency are converted with the
context's exchange rates on that day; with no rate, the item is not compared (a rule that
cannot be evaluated must not hold goods). Items without a net mass are not compared either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.money import Money, check_currency_code
from cafta.core.provenance import Status
from cafta.identifiers import hs
from cafta.risk.rules import (
    Effect,
    Finding,
    Lane,
    LaneWeights,
    RuleContext,
    RuleHit,
    amount_text,
    hit_from,
    illustrative_note,
    percent,
)
from cafta.risk.subject import RiskItem, RiskSubject

__all__ = ["ReferenceUnitValue", "UnitValueRule"]

_CODE = "risk.invalid_rule"
DEFAULT_YELLOW_RATIO = Decimal("0.25")
DEFAULT_RED_RATIO = Decimal("0.10")


@dataclass(frozen=True, slots=True)
class ReferenceUnitValue:
    """The value per kilogram expected for goods under an HS prefix, in a currency."""

    line: str
    value_per_kg: Decimal
    currency: str
    reference: str
    status: Status
    validity: Validity | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "line", hs.validate(self.line))
        object.__setattr__(self, "currency", check_currency_code(self.currency))
        if not self.value_per_kg > 0:
            raise InvalidInput(
                f"reference value for {hs.format(self.line)} must be above 0", code=_CODE
            )

    def active(self, on: date) -> bool:
        return self.validity is None or self.validity.contains(on)


def _overlap(a: ReferenceUnitValue, b: ReferenceUnitValue) -> bool:
    if a.validity is None or b.validity is None:
        return True
    return a.validity.overlaps(b.validity)


@dataclass(frozen=True, slots=True)
class UnitValueRule:
    """R3: an item's value per kg is far below the reference value for its HS line."""

    references: tuple[ReferenceUnitValue, ...] = ()
    yellow_ratio: Decimal = DEFAULT_YELLOW_RATIO
    red_ratio: Decimal | None = DEFAULT_RED_RATIO
    weights: LaneWeights = field(default_factory=LaneWeights)
    id: str = "R3"
    name: str = "unit value"
    _by_line: dict[str, tuple[ReferenceUnitValue, ...]] = field(
        init=False, repr=False, compare=False
    )
    _sizes: tuple[int, ...] = field(init=False, repr=False, compare=False)
    """The lengths of the prefixes that have references, longest first."""

    def __post_init__(self) -> None:
        if not Decimal(0) < self.yellow_ratio <= Decimal(1):
            raise InvalidInput(f"yellow_ratio {self.yellow_ratio} is not in (0, 1]", code=_CODE)
        if self.red_ratio is not None and not Decimal(0) < self.red_ratio < self.yellow_ratio:
            raise InvalidInput(
                f"red_ratio {self.red_ratio} must be above 0 and below yellow_ratio "
                f"{self.yellow_ratio}",
                code=_CODE,
                hint="The red ratio is the second, lower threshold.",
            )
        by_line: dict[str, list[ReferenceUnitValue]] = {}
        for ref in self.references:
            same = by_line.setdefault(ref.line, [])
            if any(_overlap(ref, other) for other in same):
                raise InvalidInput(
                    f"two reference values for {hs.format(ref.line)} are in force on the same day",
                    code=_CODE,
                    hint="Give each reference for one line a validity that does not overlap.",
                )
            same.append(ref)
        object.__setattr__(self, "_by_line", {k: tuple(v) for k, v in by_line.items()})
        object.__setattr__(self, "_sizes", tuple(sorted({len(k) for k in by_line}, reverse=True)))

    def reference_for(self, line: str, on: date) -> ReferenceUnitValue | None:
        """The reference in force on ``on`` for the longest prefix of ``line`` that has one."""
        # Only the prefix lengths that some reference has are tried, longest first: the same
        # answer as trying every length from the line's down to 2, with one or two lookups.
        for size in self._sizes:
            if size > len(line):
                continue
            for ref in self._by_line.get(line[:size], ()):
                if ref.active(on):
                    return ref
        return None

    def _finding(
        self, number: int, item: RiskItem, on: date, context: RuleContext
    ) -> Finding | None:
        mass = item.net_mass_kg
        if not mass:
            return None
        ref = self.reference_for(item.line, on)
        if ref is None:
            return None
        expected = ref.value_per_kg
        converted = ""
        if ref.currency != item.currency:
            if context.rates is None:
                return None
            try:
                rate = context.rates.rate(ref.currency, item.currency, on)
            except NotFound:
                return None
            expected = rate.convert(Money(ref.value_per_kg, ref.currency)).amount
            converted = f" (converted from {amount_text(ref.value_per_kg, ref.currency)}/kg)"
        unit = item.value / mass
        if self.red_ratio is not None and unit < self.red_ratio * expected:
            lane, ratio = Lane.RED, self.red_ratio
        elif unit < self.yellow_ratio * expected:
            lane, ratio = Lane.YELLOW, self.yellow_ratio
        else:
            return None
        text = (
            f"item {number}: value per kg {amount_text(unit, item.currency)} is below "
            f"{percent(ratio)} of the reference {amount_text(expected, item.currency)}/kg"
            f"{converted} for {hs.format(ref.line)}{illustrative_note(ref.status)}"
        )
        return Finding(Effect.forcing(lane, self.weights), text, ref.status)

    def evaluate(self, subject: RiskSubject, context: RuleContext) -> RuleHit | None:
        findings = (
            self._finding(number, item, subject.on, context)
            for number, item in enumerate(subject.items, start=1)
        )
        return hit_from(self.id, self.name, (f for f in findings if f is not None))
