"""Evaluating a rule on a bill of materials: RVC, tariff shift, de minimis, processes.

Each criterion gives an :class:`Outcome`: met or not, with its numbers and every reason it
failed, written for a trader ("RVC 31.2% < 40%", "CTH fails: material 8507.90 (KR) is in the
same heading 8507"). Alternatives (``OR``) are all evaluated so the report shows each one.

* RVC, build-down: (FOB − VNM) / FOB × 100, VNM being the value of non-originating materials
  (acfta-rules.md §1.4, [S]); build-up: (VOM + labour + overhead + other costs + profit) / FOB
  × 100, used only where the scheme allows it (off for ACFTA, [U]).
* Tariff shift: every non-originating material counted for classification must change chapter,
  heading or subheading, and not come from an excepted code (§1.5).
* De minimis: materials that fail the shift are tolerated up to 10% of FOB, or for chapters
  50–63 also up to 10% of the good's weight; their value still counts in VNM (§1.6, [C]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from typing import NamedTuple

from cafta.core.money import Money
from cafta.origin.bom import (
    SHIFT_ROLES,
    VALUE_ROLES,
    BillOfMaterials,
    Material,
    RvcMethod,
    dotted,
    material_label,
)
from cafta.origin.rule import (
    AllOf,
    AnyOf,
    PreferentialOrigin,
    Process,
    Rule,
    TariffShift,
    ValueContent,
    WhollyObtained,
)
from cafta.origin.scheme import Scheme

__all__ = [
    "Context",
    "DeMinimis",
    "MaterialShift",
    "MaterialStatus",
    "Outcome",
    "ValueContentResult",
    "evaluate",
    "percent_text",
]

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_SHIFT_WORDS = {2: "chapter", 4: "heading", 6: "subheading"}


def percent_text(value: Decimal) -> str:
    """A percentage for people, rounded down to 2 places so it never overstates: ``31.2%``."""
    shown = value.quantize(Decimal("0.01"), rounding=ROUND_DOWN).normalize()
    return f"{shown:f}%"


class MaterialStatus(NamedTuple):
    """A material as the rules see it: its value in the FOB currency and whether it originates.

    (Named tuples here and in :class:`MaterialShift`: immutable like the frozen dataclasses
    elsewhere, and built several times faster, which matters at 20 per bill.)
    """

    material: Material
    value: Money
    originating: bool
    note: str | None = None


@dataclass(slots=True)
class Context:
    bom: BillOfMaterials
    scheme: Scheme
    materials: tuple[MaterialStatus, ...]
    notes: list[str] = field(default_factory=list)

    @property
    def fob(self) -> Money:
        return self.bom.product.fob


@dataclass(frozen=True, slots=True)
class ValueContentResult:
    method: RvcMethod
    fob: Money
    non_originating: Money
    """VNM (build-down); for build-up, the originating materials plus costs (the numerator)."""
    percent: Decimal
    threshold: Decimal
    met: bool
    working: str


class MaterialShift(NamedTuple):
    material: int
    """The material's position in the bill (``materials[n]``)."""
    description: str
    line: str | None
    origin: str | None
    requirement: str
    met: bool
    reason: str


@dataclass(frozen=True, slots=True)
class DeMinimis:
    basis: str
    """``value`` (share of FOB) or ``weight`` (share of the good's weight)."""
    share: Decimal
    limit: Decimal
    met: bool
    working: str


@dataclass(frozen=True, slots=True)
class Outcome:
    rule: Rule
    met: bool
    reasons: tuple[str, ...] = ()
    rvc: ValueContentResult | None = None
    shifts: tuple[MaterialShift, ...] = ()
    de_minimis: DeMinimis | None = None
    chosen: Rule | None = None
    """For an alternative, the option that was met (and is claimed)."""
    options: tuple[Outcome, ...] = ()


def _value_content(rule: ValueContent, ctx: Context) -> Outcome:
    fob = ctx.fob
    counted = [m for m in ctx.materials if m.material.role in VALUE_ROLES]
    if ctx.bom.rvc_method is RvcMethod.BUILD_UP and ctx.scheme.build_up_allowed:
        costs = ctx.bom.costs
        if costs is None:
            return Outcome(rule, False, ("RVC build-up needs the costs (labour, overhead, "
                                         "other, profit) in the bill of materials",))  # fmt: skip
        vom = Money(sum((m.value.amount for m in counted if m.originating), _ZERO), fob.currency)
        numerator = vom + costs.labour + costs.overhead + costs.other + costs.profit
        percent = numerator.amount / fob.amount * _HUNDRED
        working = (
            f"({vom.amount} + {costs.labour.amount} + {costs.overhead.amount} + "
            f"{costs.other.amount} + {costs.profit.amount}) / {fob.amount} × 100 = "
            f"{percent_text(percent)}"
        )
        method = RvcMethod.BUILD_UP
    else:
        if ctx.bom.rvc_method is RvcMethod.BUILD_UP:
            ctx.notes.append(
                f"the build-up RVC formula is not available under {ctx.scheme.code}: "
                "the build-down formula was used"
            )
        vnm = sum((m.value.amount for m in counted if not m.originating), _ZERO)
        numerator = Money(vnm, fob.currency)
        percent = (fob.amount - numerator.amount) / fob.amount * _HUNDRED
        working = (
            f"({fob.amount} − {numerator.amount}) / {fob.amount} × 100 = {percent_text(percent)}"
        )
        method = RvcMethod.BUILD_DOWN
    met = percent >= rule.threshold
    result = ValueContentResult(method, fob, numerator, percent, rule.threshold, met, working)
    threshold = f"{rule.threshold.normalize():f}%"
    if met:
        return Outcome(rule, True, rvc=result)
    shown = percent_text(percent)
    if shown == threshold:  # 39.999% must not read "40% < 40%"
        shown = f"{percent.normalize():f}%"
    return Outcome(rule, False, (f"RVC {shown} < {threshold}",), rvc=result)


_ORIGINATING = (True, "originating: no change of classification needed")


@lru_cache(maxsize=65536)
def _verdict(rule: TariffShift, line: str, origin: str | None, product: str) -> tuple[bool, str]:
    """Whether a non-originating material of ``line`` meets ``rule`` for ``product``, and why.

    Cached: the same materials and products recur across bills of materials.
    """
    name, level = rule.level.name, int(rule.level)
    word = _SHIFT_WORDS[level]
    label = material_label(line, origin)
    if len(line) < level:
        return False, f"material {label} is classified to {len(line)} digits only; {name} needs " \
                      f"the {word}"  # fmt: skip
    for excepted in rule.exceptions:
        size = len(excepted.low)
        if excepted.contains(line):
            return False, f"material {label} comes from {excepted.text()}, which {rule.text()} " \
                          "excludes"  # fmt: skip
        if len(line) < size and excepted.low[: len(line)] <= line <= excepted.high:
            return False, f"material {label} is not classified finely enough to rule out the " \
                          f"exception {excepted.text()}"  # fmt: skip
    if line[:level] == product[:level]:
        return False, f"material {label} is in the same {word} {dotted(product[:level])}"
    return True, f"{dotted(line[:level])} → {dotted(product[:level])}"


def _shift_one(rule: TariffShift, name: str, status: MaterialStatus, product: str) -> MaterialShift:
    m = status.material
    line = m.line
    if line is None:
        met, reason = False, f"material '{m.description}' has no HS code, so {name} cannot be shown"
        return MaterialShift(m.index, m.description, None, m.origin, name, met, reason)
    if status.originating:
        met, reason = _ORIGINATING
    else:
        met, reason = _verdict(rule, line, m.origin, product)
    return MaterialShift(m.index, m.description, dotted(line), m.origin, name, met, reason)


def _de_minimis(failed: list[MaterialStatus], ctx: Context) -> DeMinimis:
    limit = ctx.scheme.de_minimis_percent
    fob = ctx.fob
    value = Money(sum((f.value.amount for f in failed), _ZERO), fob.currency)
    share = value.amount / fob.amount * _HUNDRED
    by_value = DeMinimis(
        "value",
        share,
        limit,
        share <= limit,
        f"{value.amount} / {fob.amount} × 100 = {percent_text(share)} of FOB",
    )
    product = ctx.bom.product
    if by_value.met or product.line[:2] not in ctx.scheme.de_minimis_weight_chapters:
        return by_value
    weights = [f.material.weight_kg for f in failed]
    if product.weight_kg is None or product.weight_kg <= 0 or any(w is None for w in weights):
        ctx.notes.append(
            "de minimis by weight (chapters 50-63) needs the weight of the good and of each "
            "material that fails the tariff shift"
        )
        return by_value
    weight = sum((w for w in weights if w is not None), Decimal(0))
    weight_share = weight / product.weight_kg * _HUNDRED
    working = (
        f"{weight.normalize():f} kg / {product.weight_kg.normalize():f} kg × 100 = "
        f"{percent_text(weight_share)} of the weight"
    )
    return DeMinimis("weight", weight_share, limit, weight_share <= limit, working)


def _tariff_shift(rule: TariffShift, ctx: Context) -> Outcome:
    product = ctx.bom.product.line
    counted = [m for m in ctx.materials if m.material.role in SHIFT_ROLES]
    name = rule.level.name
    shifts = tuple(_shift_one(rule, name, m, product) for m in counted)
    failed = [m for m, s in zip(counted, shifts, strict=True) if not s.met]
    if not failed:
        return Outcome(rule, True, shifts=shifts)
    reasons = [f"{rule.level.name} fails: {s.reason}" for s in shifts if not s.met]
    minimis = _de_minimis(failed, ctx)
    if minimis.met:
        return Outcome(rule, True, shifts=shifts, de_minimis=minimis)
    limit = f"{minimis.limit.normalize():f}%"
    reasons.append(
        f"de minimis does not help: the materials that fail {rule.level.name} are "
        f"{percent_text(minimis.share)} of the {'FOB' if minimis.basis == 'value' else 'weight'}"
        f" > {limit}"
    )
    return Outcome(rule, False, tuple(reasons), shifts=shifts, de_minimis=minimis)


def _process(rule: Process, ctx: Context) -> Outcome:
    if rule.name in ctx.bom.product.processes:
        return Outcome(rule, True)
    return Outcome(rule, False, (f"{rule.text()} fails: the bill of materials does not declare "
                                 f"the process '{rule.name}'",))  # fmt: skip


def _wholly_obtained(rule: WhollyObtained, ctx: Context) -> Outcome:
    claim = ctx.bom.product.wholly_obtained
    party = ctx.bom.exporting_party
    if claim is None:
        return Outcome(rule, False, ("WO fails: the product is not declared wholly obtained",))
    reasons = []
    if not claim.evidence:
        reasons.append("WO fails: no evidence given (e.g. a farm or fishery registration)")
    for m in ctx.materials:
        if m.material.role in VALUE_ROLES and not (m.originating and m.material.origin == party):
            reasons.append(f"WO fails: material {m.material.label()} is not wholly obtained "
                           f"in {party}")  # fmt: skip
    return Outcome(rule, not reasons, tuple(reasons))


def _preferential(rule: PreferentialOrigin, ctx: Context) -> Outcome:
    counted = [m for m in ctx.materials if m.material.role in VALUE_ROLES]
    if not counted:
        return Outcome(rule, False, ("PE fails: the bill of materials lists no materials",))
    failing = [m.material.label() for m in counted if not m.originating]
    if not failing:
        return Outcome(rule, True)
    which = f"material {failing[0]} is" if len(failing) == 1 else (f"{len(failing)} materials are")
    listed = "" if len(failing) == 1 else f" ({', '.join(failing)})"
    return Outcome(rule, False, (f"PE fails: {which} not originating{listed}",))


def _claimed(outcome: Outcome, claim: str | None) -> bool:
    if claim is None:
        return False
    return outcome.rule.text().upper().split("(")[0].split(" ")[0] == claim


def _any_of(rule: AnyOf, ctx: Context) -> Outcome:
    options = tuple(evaluate(o, ctx) for o in rule.options)
    met = [o for o in options if o.met]
    first_rvc = next((o.rvc for o in options if o.rvc is not None), None)
    first_shifts = next((o.shifts for o in options if o.shifts), ())
    if not met:
        reasons = tuple(r for o in options for r in o.reasons)
        minimis = next((o.de_minimis for o in options if o.de_minimis is not None), None)
        return Outcome(rule, False, reasons, first_rvc, first_shifts, minimis, options=options)
    chosen = next((o for o in met if _claimed(o, ctx.bom.claim)), met[0])
    return Outcome(
        rule,
        True,
        rvc=chosen.rvc or first_rvc,
        shifts=chosen.shifts or first_shifts,
        de_minimis=chosen.de_minimis,
        chosen=chosen.chosen or chosen.rule,
        options=options,
    )


def _all_of(rule: AllOf, ctx: Context) -> Outcome:
    parts = tuple(evaluate(p, ctx) for p in rule.parts)
    return Outcome(
        rule,
        all(p.met for p in parts),
        tuple(r for p in parts for r in p.reasons),
        next((p.rvc for p in parts if p.rvc is not None), None),
        tuple(s for p in parts for s in p.shifts),
        next((p.de_minimis for p in parts if p.de_minimis is not None), None),
        options=parts,
    )


def evaluate(rule: Rule, ctx: Context) -> Outcome:
    """The outcome of ``rule`` for the bill of materials in ``ctx``."""
    if isinstance(rule, ValueContent):
        return _value_content(rule, ctx)
    if isinstance(rule, TariffShift):
        return _tariff_shift(rule, ctx)
    if isinstance(rule, AnyOf):
        return _any_of(rule, ctx)
    if isinstance(rule, AllOf):
        return _all_of(rule, ctx)
    if isinstance(rule, Process):
        return _process(rule, ctx)
    if isinstance(rule, WhollyObtained):
        return _wholly_obtained(rule, ctx)
    return _preferential(rule, ctx)
