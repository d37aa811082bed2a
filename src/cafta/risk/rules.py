"""Explainable selectivity rules: what a rule is, what a hit says, and two of the rules.

ASYCUDA's selectivity module (MODSEL, UNCTAD ASYCUDA++ Functional Manual §6) applies local
*criteria* first: small rules over declaration fields ("commodity code 080810 and origin US →
red lane 100%"). Ours are the same idea in Python: each rule has an id (``R1`` ...), a name, and
``evaluate(subject, context)``, which returns ``None`` or one :class:`RuleHit` carrying

* the lane the hit forces (``red``, ``yellow`` or ``blue``), or none when the hit only adds to
  the risk score (configured as ``score``);
* a weight in [0, 1], the hit's contribution to the rule-based score (:mod:`.scoring`);
* a reason in an officer's words, naming the item, the value and the threshold;
* the :class:`~cafta.core.provenance.Status` of the data it relied on: a hit on an
  illustrative watch-list entry or reference value is itself illustrative, and says so.

The criteria follow the WTO Trade Facilitation Agreement, Art. 7.4.3 (HS code, description,
origin, country of shipment, value, compliance record of traders, means of transport); Art.
7.4.2 forbids arbitrary discrimination, which is why every hit names its ground. The
watch-list rules live in :mod:`.watchlists`, the unit-value rule in :mod:`.unit_values`; this
module holds the certificate rule (R4) and the prohibited/restricted goods rule (R5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init
from cafta.core.money import minor_unit
from cafta.core.provenance import Status, combine
from cafta.core.vocabulary import parse_member
from cafta.identifiers import hs
from cafta.refdata.exchange_rates import RateProvider
from cafta.risk.subject import CertificateOutcome, RiskSubject

__all__ = [
    "CertificateRule",
    "Control",
    "Effect",
    "Finding",
    "Lane",
    "LaneWeights",
    "RestrictedGoods",
    "RestrictedGoodsRule",
    "Rule",
    "RuleContext",
    "RuleHit",
    "amount_text",
    "hit_from",
    "illustrative_note",
    "percent",
]

_RULE_CODE = "risk.invalid_rule"


class Lane(StrEnum):
    """Clearance lanes, from release to physical examination (risk-anchors.md §5)."""

    GREEN = "green"
    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        """Severity order: green 0 < blue 1 < yellow 2 < red 3."""
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Lane:
        return parse_member(cls, text, what="lane", code="risk.invalid_lane")


_RANK = {Lane.GREEN: 0, Lane.BLUE: 1, Lane.YELLOW: 2, Lane.RED: 3}


def percent(share: Decimal) -> str:
    """A share as an exact percentage: ``0.25`` → ``25%``, ``0.003`` → ``0.3%``."""
    value = (share * 100).normalize()
    return f"{value:f}%"


def amount_text(value: Decimal, currency: str) -> str:
    """``1.40 CNY``: rounded half up to the currency's minor unit (more digits if that is 0)."""
    places = minor_unit(currency)
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if shown == 0 and value != 0:
        return f"{value:.2g} {currency}"
    return f"{shown:,.{places}f} {currency}"


def illustrative_note(status: Status) -> str:
    """`` (illustrative)`` after a reason that relied on illustrative data, else nothing."""
    return " (illustrative)" if status is Status.ILLUSTRATIVE else ""


@dataclass(frozen=True, slots=True)
class LaneWeights:
    """The score weight of a hit that forces a lane, unless its entry gives its own."""

    red: Decimal = Decimal("0.9")
    yellow: Decimal = Decimal("0.5")
    blue: Decimal = Decimal("0.2")

    def __post_init__(self) -> None:
        for lane, weight in (
            (Lane.RED, self.red),
            (Lane.YELLOW, self.yellow),
            (Lane.BLUE, self.blue),
        ):
            if not Decimal(0) <= weight <= Decimal(1):
                raise InvalidInput(f"the {lane} weight {weight} is not in [0, 1]", code=_RULE_CODE)

    def of(self, lane: Lane) -> Decimal:
        return {Lane.RED: self.red, Lane.YELLOW: self.yellow, Lane.BLUE: self.blue}.get(
            lane, Decimal(0)
        )


@dataclass(frozen=True, slots=True)
class Effect:
    """What a hit does: force ``lane`` (``None``: only add to the score) and weigh ``weight``."""

    lane: Lane | None
    weight: Decimal

    def __post_init__(self) -> None:
        if self.lane is Lane.GREEN:
            raise InvalidInput("a rule cannot force the green lane", code=_RULE_CODE)
        if not Decimal(0) <= self.weight <= Decimal(1):
            raise InvalidInput(f"weight {self.weight} is not in [0, 1]", code=_RULE_CODE)

    @classmethod
    def forcing(cls, lane: Lane, weights: LaneWeights | None = None) -> Effect:
        return cls(lane, (weights or LaneWeights()).of(lane))


@direct_init
@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule's finding on one declaration: lane forced (or none), weight, reason, status."""

    rule_id: str
    rule_name: str
    lane: Lane | None
    weight: Decimal
    reason: str
    status: Status = Status.OFFICIAL

    @property
    def label(self) -> str:
        """``rule R1 party watch-list``."""
        return f"rule {self.rule_id} {self.rule_name}"

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@direct_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One matched condition inside a rule (a rule may match several items or entries)."""

    effect: Effect
    text: str
    status: Status = Status.OFFICIAL


def hit_from(rule_id: str, rule_name: str, findings: Iterable[Finding]) -> RuleHit | None:
    """One hit from a rule's findings: the most severe lane, the largest weight, every reason."""
    found = list(findings)
    if not found:
        return None
    lanes = [f.effect.lane for f in found if f.effect.lane is not None]
    return RuleHit(
        rule_id=rule_id,
        rule_name=rule_name,
        lane=max(lanes, key=lambda lane: lane.rank) if lanes else None,
        weight=max(f.effect.weight for f in found),
        reason="; ".join(f.text for f in found),
        status=combine(f.status for f in found),
    )


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What rules may consult besides the declaration: exchange rates (optional).

    Without ``rates``, a reference value in another currency than the item's is not compared.
    """

    rates: RateProvider | None = None


class Rule(Protocol):
    """An explainable selectivity criterion."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    def evaluate(self, subject: RiskSubject, context: RuleContext) -> RuleHit | None: ...


@dataclass(frozen=True, slots=True)
class CertificateRule:
    """R4: the certificate of origin (Form E) of an item was not clean.

    * accepted with discrepancies (minor discrepancies, acfta-rules.md §1.14): documents are
      worth a look;
    * rejected, or missing, while the item claims the preference: duty falls back to MFN, but
      the claim itself should be checked against the documents.

    Each condition has its own :class:`Effect` (default: force yellow) or ``None`` to switch it
    off. An item that claims no preference is not held for a rejected or missing certificate.
    """

    discrepancies: Effect | None = field(default_factory=lambda: Effect.forcing(Lane.YELLOW))
    rejected: Effect | None = field(default_factory=lambda: Effect.forcing(Lane.YELLOW))
    missing: Effect | None = field(default_factory=lambda: Effect.forcing(Lane.YELLOW))
    id: str = "R4"
    name: str = "certificate of origin"

    def evaluate(self, subject: RiskSubject, context: RuleContext) -> RuleHit | None:
        findings = []
        for number, item in enumerate(subject.items, start=1):
            outcome = item.certificate_outcome
            if outcome == CertificateOutcome.ACCEPTED_WITH_DISCREPANCIES and self.discrepancies:
                text = f"item {number}: Form E accepted with discrepancies"
                findings.append(Finding(self.discrepancies, text))
            elif outcome == CertificateOutcome.REJECTED and item.preference_claimed:
                if self.rejected:
                    text = (
                        f"item {number}: preference claimed but the Form E was rejected "
                        "(MFN duty applies, check the documents)"
                    )
                    findings.append(Finding(self.rejected, text))
            elif outcome == CertificateOutcome.MISSING and item.preference_claimed and self.missing:
                text = (
                    f"item {number}: preference claimed but no Form E was produced "
                    "(MFN duty applies, check the documents)"
                )
                findings.append(Finding(self.missing, text))
        return hit_from(self.id, self.name, findings)


class Control(StrEnum):
    """How an import is controlled: banned outright, or allowed only with a licence/permit."""

    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"

    @classmethod
    def parse(cls, text: str) -> Control:
        return parse_member(cls, text, what="control", code=_RULE_CODE)


@dataclass(frozen=True, slots=True)
class RestrictedGoods:
    """An HS prefix under import prohibition or restriction, optionally for some origins only.

    ``prefix`` is compact HS digits (2 to 10); ``origins`` empty means every origin. ASYCUDA's
    criteria are written the same way ("commodity code 080810 and origin US").
    """

    prefix: str
    control: Control
    description: str
    effect: Effect
    reference: str
    status: Status
    origins: frozenset[str] = frozenset()
    validity: Validity | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", hs.validate(self.prefix))
        object.__setattr__(self, "origins", frozenset(o.strip().upper() for o in self.origins))

    def covers(self, line: str, origin: str, on: date) -> bool:
        if not line.startswith(self.prefix):
            return False
        if self.origins and origin not in self.origins:
            return False
        return self.validity is None or self.validity.contains(on)


@dataclass(frozen=True, slots=True)
class RestrictedGoodsRule:
    """R5: an item falls under a prohibited or restricted HS prefix (default: force red)."""

    entries: tuple[RestrictedGoods, ...] = ()
    id: str = "R5"
    name: str = "prohibited or restricted goods"

    def evaluate(self, subject: RiskSubject, context: RuleContext) -> RuleHit | None:
        findings = []
        for number, item in enumerate(subject.items, start=1):
            for entry in self.entries:
                if not entry.covers(item.line, item.origin, subject.on):
                    continue
                origin = f" from {item.origin}" if entry.origins else ""
                text = (
                    f"item {number}: HS {hs.format(item.line)}{origin} is {entry.control.value}"
                    f" under {hs.format(entry.prefix)}: {entry.description}"
                    f"{illustrative_note(entry.status)}"
                )
                findings.append(Finding(entry.effect, text, entry.status))
        return hit_from(self.id, self.name, findings)
