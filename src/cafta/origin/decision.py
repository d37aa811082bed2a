"""The origin decision: is a good originating under a scheme, by which criterion, and why.

:func:`assess` follows the decision order of acfta-rules.md §1.1 [S]: direct consignment (§1.10)
is checked first, then wholly obtained (WO, a declared category with evidence), produced
exclusively from originating materials (PE), the minimal operations that never confer origin
(§1.8), and finally the product-specific rule (PSR) for the good's line when there is one,
otherwise the scheme's general rule (``RVC(40) OR CTH``, CTH only in the chapters the scheme
opens). Materials originating in any party count as originating (regional cumulation, §1.7).

The result is an :class:`OriginDecision`, a value with the criterion met, the Box 8 entry, the
RVC with its numbers, the tariff shift of every material, the de minimis share, every reason a
criterion failed, notes, and a status: *illustrative* when the decision rests on a rule or table
that is not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cafta.core.errors import InvalidInput
from cafta.core.money import Money
from cafta.core.provenance import Status
from cafta.origin.bom import VALUE_ROLES, BillOfMaterials, Material
from cafta.origin.criteria import (
    Context,
    DeMinimis,
    MaterialShift,
    MaterialStatus,
    Outcome,
    ValueContentResult,
    evaluate,
)
from cafta.origin.rule import AnyOf, TariffShift, ValueContent, WhollyObtained
from cafta.origin.rule import PreferentialOrigin as PE
from cafta.origin.rulebook import AppliedRule, Rulebook
from cafta.origin.scheme import Scheme, TransitOperation, scheme
from cafta.refdata.exchange_rates import RateProvider

__all__ = ["AppliedRule", "CriterionReport", "OriginDecision", "assess"]


@dataclass(frozen=True, slots=True)
class CriterionReport:
    """One criterion that was tried, whether it was met, and why not."""

    name: str
    met: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OriginDecision:
    originating: bool
    scheme: str
    exporting_party: str
    importing_party: str
    product_line: str
    product_description: str
    on: date
    rule: AppliedRule
    criterion: str | None
    """The criterion met and claimed (``WO``, ``PE``, ``RVC(40)``, ``CTH``, ``CC``, ...)."""
    box8: str | None
    """What Box 8 of the Form E reads (``WO``, ``PE``, ``RVC 45%``, ``CTH``, ``PSR``)."""
    rvc: ValueContentResult | None
    shifts: tuple[MaterialShift, ...]
    de_minimis: DeMinimis | None
    materials: tuple[MaterialStatus, ...]
    criteria: tuple[CriterionReport, ...]
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    status: Status

    @property
    def summary(self) -> str:
        if self.originating:
            return f"originating under {self.scheme}: {self.box8}"
        return f"not originating under {self.scheme}: {'; '.join(self.reasons)}"


def _party_check(bom: BillOfMaterials, chosen: Scheme, on: date) -> None:
    if not chosen.in_force(on):
        raise InvalidInput(
            f"the {chosen.code} rules of origin are not in force on {on} "
            f"(in force {chosen.validity})",
            code="origin.scheme_not_in_force",
        )
    parties = chosen.parties_on(on)
    for role, party in (("exporting", bom.exporting_party), ("importing", bom.importing_party)):
        if party not in parties:
            raise InvalidInput(
                f"{role}_party: {party} is not a party to {chosen.code} on {on}",
                code="origin.not_a_party",
                hint="Check the countries: ACFTA covers China and the ten ASEAN member states.",
                details={"field": f"{role}_party"},
            )
    if bom.exporting_party == bom.importing_party:
        raise InvalidInput(
            f"importing_party: it is the exporting_party too ({bom.exporting_party})",
            code="origin.same_party",
            hint="The good is exported from one party to another: check the two countries.",
            details={"field": "importing_party"},
        )


def _in_fob_currency(m: Material, fob: Money, rates: RateProvider | None, on: date,
                     notes: list[str]) -> Money:  # fmt: skip
    if m.value.currency == fob.currency:
        return m.value
    if rates is None:
        raise InvalidInput(
            f"materials[{m.index}].value is in {m.value.currency} but the FOB is in "
            f"{fob.currency}, and no exchange rates were given",
            code="origin.currency_mismatch",
            hint="State material values in the FOB currency, or assess with exchange rates.",
        )
    rate = rates.rate(m.value.currency, fob.currency, on)
    converted = rate.convert(m.value)
    notes.append(f"materials[{m.index}]: {m.value} = {converted} at {rate}")
    return converted


def _statuses(bom: BillOfMaterials, chosen: Scheme, on: date, rates: RateProvider | None,
              notes: list[str]) -> tuple[MaterialStatus, ...]:  # fmt: skip
    result = []
    parties = chosen.parties_on(on)
    for m in bom.materials:
        value = _in_fob_currency(m, bom.product.fob, rates, on, notes)
        note = None
        originating = False
        if m.declared_originating:
            if m.origin is None:
                note = "declared originating without an origin: counted as non-originating"
            elif m.origin not in parties:
                note = (f"declared originating, but {m.origin} is not a party to {chosen.code}: "
                        "counted as non-originating")  # fmt: skip
            else:
                originating = True
                if m.origin != bom.exporting_party:
                    note = f"originating in {m.origin}: counts as originating (cumulation)"
        if note:
            notes.append(f"materials[{m.index}] {m.label()}: {note}")
        result.append(MaterialStatus(m, value, originating, note))
    return tuple(result)


def _consignment(bom: BillOfMaterials, chosen: Scheme) -> list[str]:
    if bom.consignment is None:
        return []
    allowed = {op.value for op in TransitOperation}
    reasons = []
    for t in bom.consignment.transits:
        where = f"transit through {t.country}"
        if not t.customs_control:
            reasons.append(f"{where}: the goods were not under customs control")
        extra = sorted(set(t.operations) - allowed)
        if extra:
            reasons.append(f"{where}: operations beyond unloading, reloading and preservation "
                           f"({', '.join(extra)})")  # fmt: skip
        if t.entered_trade:
            reasons.append(f"{where}: the goods entered trade or consumption there")
        if t.stored and not t.transit_documents:
            reasons.append(f"{where}: goods stored in transit need the transit customs' documents")
    if bom.consignment.transits and not bom.consignment.through_bill_of_lading:
        reasons.append("goods in transit need a through bill of lading")
    return [f"direct consignment fails: {r}" for r in reasons]


def _reports(outcome: Outcome, prefix: str = "") -> list[CriterionReport]:
    if isinstance(outcome.rule, AnyOf):
        return [r for o in outcome.options for r in _reports(o, prefix)]
    return [CriterionReport(prefix + outcome.rule.text(), outcome.met, outcome.reasons)]


def _box8(chosen: Scheme, source: str, outcome: Outcome) -> str:
    met = outcome.chosen or outcome.rule
    if source == "PSR":
        return chosen.psr_box8
    if isinstance(met, ValueContent) and outcome.rvc is not None:
        return chosen.box8_for_rvc(outcome.rvc.percent)
    return met.text().split(" ")[0]


def assess(
    bom: BillOfMaterials,
    on: date,
    *,
    rulebook: Rulebook | None = None,
    rates: RateProvider | None = None,
) -> OriginDecision:
    """Decide whether the good in ``bom`` is originating under its scheme on ``on``."""
    book = rulebook or Rulebook(scheme(bom.scheme))
    chosen = book.scheme
    if chosen.code != bom.scheme:
        raise InvalidInput(
            f"the bill of materials is for {bom.scheme}, the rules given are for {chosen.code}",
            code="origin.scheme_mismatch",
        )
    _party_check(bom, chosen, on)
    notes: list[str] = []
    ctx = Context(bom, chosen, _statuses(bom, chosen, on, rates, notes), notes)
    counted_value = sum(
        (m.value.amount for m in ctx.materials if m.material.role in VALUE_ROLES), Decimal(0)
    )
    if counted_value > bom.product.fob.amount:
        notes.append("the materials are worth more than the FOB of the good: check the values")
    reports: list[CriterionReport] = []
    reasons: list[str] = []

    def decide(
        outcome: Outcome | None, applied: AppliedRule, statuses: list[Status]
    ) -> OriginDecision:
        met = outcome is not None and outcome.met
        return OriginDecision(
            originating=met,
            scheme=chosen.code,
            exporting_party=bom.exporting_party,
            importing_party=bom.importing_party,
            product_line=bom.product.line,
            product_description=bom.product.description,
            on=on,
            rule=applied,
            criterion=((outcome.chosen or outcome.rule).text() if met and outcome else None),
            box8=_box8(chosen, applied.source, outcome) if met and outcome else None,
            rvc=outcome.rvc if outcome else None,
            shifts=outcome.shifts if outcome else (),
            de_minimis=outcome.de_minimis if outcome else None,
            materials=ctx.materials,
            criteria=tuple(reports),
            reasons=() if met else tuple(reasons),
            notes=tuple(ctx.notes),
            status=Status.ILLUSTRATIVE if Status.ILLUSTRATIVE in statuses else Status.OFFICIAL,
        )

    consignment = _consignment(bom, chosen)
    if consignment:
        reports.append(CriterionReport("direct consignment", False, tuple(consignment)))
        reasons.extend(consignment)
        none = AppliedRule(
            "none", "direct consignment", chosen.reference, chosen.consignment_status
        )
        return decide(None, none, [chosen.consignment_status])

    if bom.product.wholly_obtained is not None:
        wo = evaluate(WhollyObtained(), ctx)
        reports.append(CriterionReport("WO", wo.met, wo.reasons))
        if wo.met:
            return decide(wo, AppliedRule("WO", "WO", chosen.reference, Status.OFFICIAL), [])
        reasons.extend(wo.reasons)

    pe = evaluate(PE(), ctx)
    reports.append(CriterionReport("PE", pe.met, pe.reasons))
    if pe.met:
        return decide(pe, AppliedRule("PE", "PE", chosen.reference, Status.OFFICIAL), [])

    processes = set(bom.product.processes)
    minimal = {op.value for op in chosen.minimal_operations}
    if processes and processes <= minimal:
        why = (f"minimal operations only ({', '.join(sorted(processes))}): they never confer "
               "origin")  # fmt: skip
        reports.append(CriterionReport("minimal operations", False, (why,)))
        reasons.append(why)
        applied = AppliedRule("none", "minimal operations", chosen.reference,
                              chosen.minimal_operations_status)  # fmt: skip
        return decide(None, applied, [chosen.minimal_operations_status])
    if not processes:
        notes.append("no processes declared: the minimal-operations check was not made")

    rule, applied, rule_notes = book.applicable(bom.product.line, on)
    notes.extend(rule_notes)
    statuses = [applied.status]
    outcome = evaluate(rule, ctx)
    reports.extend(_reports(outcome, "PSR " if applied.source == "PSR" else ""))
    reasons.extend(outcome.reasons)
    met_rule = outcome.chosen or outcome.rule
    if applied.source == "general" and outcome.met and isinstance(met_rule, TariffShift):
        statuses.append(chosen.cth_chapters.status)
        if chosen.cth_chapters.status is Status.ILLUSTRATIVE:
            notes.append(f"CTH under the general rule rests on an unconfirmed chapter list: "
                         f"{chosen.cth_chapters.reference}")  # fmt: skip
    return decide(outcome, applied, statuses)
