"""A rule set as data: the rules an office runs, built from a plain mapping.

ASYCUDA keeps selectivity criteria as data that each office maintains (MODSEL, UNCTAD ASYCUDA++
Functional Manual §6; risk-anchors.md §5); so do we. :meth:`RuleSet.from_document` reads a
mapping parsed from JSON or YAML at the edge, with errors that name the field's path; the
format is described in ``docs/risk-rules.md``. :func:`default_rules` builds the example
document of :mod:`.defaults`, whose every entry is **illustrative**; an office replaces it with
its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.money import check_currency_code
from cafta.core.provenance import Status
from cafta.identifiers import hs
from cafta.risk.defaults import DEFAULT_RULES_DOCUMENT
from cafta.risk.documents import check_known, optional_share, share, validity
from cafta.risk.rules import (
    CertificateRule,
    Control,
    Effect,
    Lane,
    LaneWeights,
    RestrictedGoods,
    RestrictedGoodsRule,
    Rule,
    RuleContext,
    RuleHit,
)
from cafta.risk.subject import RiskSubject
from cafta.risk.unit_values import (
    DEFAULT_RED_RATIO,
    DEFAULT_YELLOW_RATIO,
    ReferenceUnitValue,
    UnitValueRule,
)
from cafta.risk.watchlists import (
    ConveyanceWatchRule,
    PartyWatchRule,
    WatchEntry,
    WatchKind,
    WatchList,
    normalise_conveyance,
)

__all__ = ["DEFAULT_RULES_DOCUMENT", "RuleSet", "default_rules"]

_T = TypeVar("_T")


def _lane_or_score(fields: Fields, key: str, word: str) -> Lane | None:
    """``red``, ``yellow`` or ``blue`` → that lane; ``score`` → ``None`` (score only)."""
    if word.strip().lower() == "score":
        return None
    try:
        lane = Lane.parse(word)
    except InvalidInput:
        lane = Lane.GREEN
    if lane is Lane.GREEN:
        raise fields.error(
            key, f"unknown lane '{word}'", "invalid_field", "Use red, yellow, blue or score."
        )
    return lane


def _effect(fields: Fields, weights: LaneWeights, *, default: str) -> Effect:
    """``lane`` (red, yellow, blue or score) and an optional ``weight`` (required for score)."""
    lane = _lane_or_score(fields, "lane", fields.optional_text("lane") or default)
    weight = optional_share(fields, "weight")
    if weight is None:
        if lane is None:
            raise fields.error(
                "weight", "missing (a score-only entry needs a weight)", "missing_field"
            )
        weight = weights.of(lane)
    return Effect(lane, weight)


def _parsed(fields: Fields, key: str, parse: Callable[[str], _T]) -> _T:
    """``parse(text)``, with a value error re-raised under the field's path."""
    try:
        return parse(fields.text(key))
    except InvalidInput as error:
        raise fields.wrap(error, key) from None


def _watch_list(fields: Fields, weights: LaneWeights) -> WatchList:
    check_known(fields, ("id", "title", "reference", "status", "entries"))
    entries = []
    for entry in fields.objects("entries"):
        check_known(entry, ("kind", "value", "reason", "lane", "weight", "valid_from", "valid_to"))
        kind = _parsed(entry, "kind", WatchKind.parse)
        value = _parsed(entry, "value", str)
        if kind.is_conveyance and not normalise_conveyance(value):
            raise entry.error("value", f"'{value}' has no letters or digits", "invalid_field")
        effect = _effect(entry, weights, default="red")
        entries.append(WatchEntry(kind, value, entry.text("reason"), effect, validity(entry)))
    return WatchList(
        id=fields.text("id"),
        title=fields.optional_text("title") or fields.text("id"),
        entries=tuple(entries),
        reference=fields.text("reference"),
        status=_parsed(fields, "status", Status.parse),
    )


def _reference_value(fields: Fields) -> ReferenceUnitValue:
    known = ("line", "value_per_kg", "currency", "reference", "status", "valid_from", "valid_to")
    check_known(fields, known)
    value = fields.decimal("value_per_kg")
    if value <= 0:
        raise fields.error("value_per_kg", f"{value} is not above 0", "invalid_field")
    return ReferenceUnitValue(
        line=_parsed(fields, "line", hs.validate),
        value_per_kg=value,
        currency=_parsed(fields, "currency", check_currency_code),
        reference=fields.text("reference"),
        status=_parsed(fields, "status", Status.parse),
        validity=validity(fields),
    )


def _unit_value_rule(fields: Fields, weights: LaneWeights) -> UnitValueRule:
    check_known(fields, ("yellow_ratio", "red_ratio", "references"))
    refs = tuple(_reference_value(r) for r in fields.objects("references", required=False))
    yellow = share(fields, "yellow_ratio", DEFAULT_YELLOW_RATIO)
    if yellow == 0:
        raise fields.error("yellow_ratio", "must be above 0", "invalid_field")
    red_word = fields.raw("red_ratio")
    red = (
        None
        if isinstance(red_word, str) and red_word.strip().lower() == "off"
        else share(fields, "red_ratio", DEFAULT_RED_RATIO)
    )
    if red is not None and not Decimal(0) < red < yellow:
        raise fields.error(
            "red_ratio",
            f"{red} must be above 0 and below yellow_ratio {yellow}",
            "invalid_field",
            "The red ratio is the second, lower threshold; write 'off' for none.",
        )
    try:
        return UnitValueRule(refs, yellow, red, weights)
    except InvalidInput as error:  # two references for one line in force on the same day
        raise fields.wrap(error, "references") from None


def _certificate_rule(fields: Fields, weights: LaneWeights) -> CertificateRule:
    """Each condition: a lane word, ``off``, or ``{lane: ..., weight: ...}``."""
    conditions = ("discrepancies", "rejected", "missing")
    check_known(fields, conditions)
    effects: dict[str, Effect | None] = {}
    for name in conditions:
        raw = fields.raw(name)
        if isinstance(raw, str) and raw.strip().lower() == "off":
            effects[name] = None
        elif raw is None or isinstance(raw, str):
            lane = _lane_or_score(fields, name, raw or "yellow")
            if lane is None:
                raise fields.error(
                    name,
                    "a score-only condition needs a weight",
                    "invalid_field",
                    f"Write {name}: {{lane: score, weight: 0.3}}.",
                )
            effects[name] = Effect.forcing(lane, weights)
        else:
            condition = fields.object(name)
            check_known(condition, ("lane", "weight"))
            effects[name] = _effect(condition, weights, default="yellow")
    return CertificateRule(effects["discrepancies"], effects["rejected"], effects["missing"])


def _restricted(fields: Fields, weights: LaneWeights) -> RestrictedGoods:
    known = ("prefix", "control", "description", "lane", "weight", "origins", "reference")
    check_known(fields, (*known, "status", "valid_from", "valid_to"))
    return RestrictedGoods(
        prefix=_parsed(fields, "prefix", hs.validate),
        control=_parsed(fields, "control", Control.parse),
        description=fields.text("description"),
        effect=_effect(fields, weights, default="red"),
        reference=fields.text("reference"),
        status=_parsed(fields, "status", Status.parse),
        origins=frozenset(fields.texts("origins")),
        validity=validity(fields),
    )


def _split(watch_list: WatchList, conveyance: bool) -> WatchList:
    entries = tuple(e for e in watch_list.entries if e.kind.is_conveyance is conveyance)
    return replace(watch_list, entries=entries)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules an office runs, in order. Rule ids are unique."""

    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        ids = [rule.id for rule in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidInput(f"rule ids {duplicates} are not unique", code="risk.invalid_rule")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def evaluate(
        self, subject: RiskSubject, context: RuleContext | None = None
    ) -> tuple[RuleHit, ...]:
        """Every rule's hit on ``subject``, in rule order."""
        ctx = context or RuleContext()
        hits = (rule.evaluate(subject, ctx) for rule in self.rules)
        return tuple(hit for hit in hits if hit is not None)

    @classmethod
    def from_document(cls, document: object) -> RuleSet:
        """Build R1 to R5 from a mapping (see ``docs/risk-rules.md``); errors name the path.

        Every section is optional; a missing section gives a rule with no entries (R1, R2, R5),
        the default ratios (R3) or the default yellow effects (R4).
        """
        fields = Fields(document, prefix="risk")
        check_known(
            fields,
            ("lane_weights", "watch_lists", "unit_values", "certificates", "restricted_goods"),
        )
        weights = LaneWeights()
        if fields.has("lane_weights"):
            w = fields.object("lane_weights")
            check_known(w, ("red", "yellow", "blue"))
            weights = LaneWeights(
                red=share(w, "red", weights.red),
                yellow=share(w, "yellow", weights.yellow),
                blue=share(w, "blue", weights.blue),
            )
        lists = tuple(
            _watch_list(w, weights) for w in fields.objects("watch_lists", required=False)
        )
        party = tuple(_split(w, conveyance=False) for w in lists)
        conveyance = tuple(_split(w, conveyance=True) for w in lists)
        unit = fields.optional_object("unit_values")
        certificates = fields.optional_object("certificates")
        restricted = fields.objects("restricted_goods", required=False)
        return cls(
            (
                PartyWatchRule(party),
                ConveyanceWatchRule(conveyance),
                _unit_value_rule(unit, weights) if unit else UnitValueRule(weights=weights),
                _certificate_rule(certificates, weights) if certificates else CertificateRule(),
                RestrictedGoodsRule(tuple(_restricted(r, weights) for r in restricted)),
            )
        )


def default_rules() -> RuleSet:
    """R1 to R5 with the illustrative entries of :data:`DEFAULT_RULES_DOCUMENT`."""
    return RuleSet.from_document(DEFAULT_RULES_DOCUMENT)
