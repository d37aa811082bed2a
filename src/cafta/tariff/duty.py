"""Duty and import-tax calculation, with the working shown.

The order of calculation (China; acfta-rules.md §3.3, the other parties follow the same shape):

1. **Customs value** (duty-paid value): CIF. A CFR value adds insurance, an FOB value adds freight
   and insurance. When insurance is not declared, China adds 0.3% of cost and freight
   (:data:`INSURANCE_WHEN_UNKNOWN`; [S] yizhoustyle.com/Serviceplatform_en.html).
2. **Conversion** into the importing party's currency at the rate the injected
   :class:`~cafta.refdata.exchange_rates.RateProvider` gives for the date, rounded to the minor
   unit (China rounds the duty-paid value to the fen).
3. **Duty** for each regime the trader could use; the applied regime is the cheapest one the
   trader is eligible for (a preferential rate only with its proof of origin).
4. **Consumption tax** where a measure exists: ``(value + duty + specific) / (1 - rate) * rate
   + specific`` (the gross-up of an ad valorem consumption tax).
5. **Import VAT** on value + duty + consumption tax.

Each amount is rounded half-up to the currency's minor unit as it is assessed. Every step names
its basis, rate, amount, legal reference and status; the result is illustrative when any input
it used is.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init
from cafta.core.money import Money, quantum
from cafta.core.provenance import Status, combine
from cafta.core.quantity import Quantity
from cafta.core.remembered import RememberedByIdentity
from cafta.core.vocabulary import parse_member
from cafta.identifiers import hs
from cafta.refdata.countries import country
from cafta.refdata.exchange_rates import ExchangeRate, RateProvider
from cafta.tariff.expression import AdValorem, Basis, Compound, Specific
from cafta.tariff.lookup import TariffLookup, lookup
from cafta.tariff.measure import Measure, MeasureType, Proof
from cafta.tariff.schedule import Schedule

# Insurance added when none is declared, per importing party: (rate of cost and freight, source).
INSURANCE_WHEN_UNKNOWN: dict[str, tuple[Decimal, str]] = {
    "CN": (
        Decimal("0.003"),
        "China customs practice: 0.3% of cost and freight when insurance is unknown "
        "([S] yizhoustyle.com/Serviceplatform_en.html)",
    ),
}
_STALE_RATE_DAYS = 7


REQUEST_FIELDS: Mapping[str, str] = {
    "duty.freight_with_cif": "freight",
    "duty.freight_required": "freight",
    "duty.insurance_required": "insurance",
    "duty.quantity_required": "quantity",
    "duty.zero_quantity": "quantity.amount",
    "quantity.incompatible_unit": "quantity.unit",
    "tariff.ambiguous_line": "line",
    "tariff.code_too_short": "line",
    "tariff.no_measures": "line",
    "hs.unknown": "line",
    "fx.rate_unavailable": "value.currency",
}
"""The field of a :class:`DutyRequest` (as a document names it) that an error of :func:`assess`
with this code is about, for the errors that name no field themselves: an edge adds its own
prefix (``items[2].freight``)."""


class Incoterm(StrEnum):
    """The delivery terms a declared value may be quoted on."""

    CIF = "CIF"
    CFR = "CFR"
    FOB = "FOB"

    @classmethod
    def parse(cls, text: str) -> Incoterm:
        return parse_member(
            cls, text, what="incoterm", code="duty.unknown_incoterm",
            hint="Use CIF, CFR or FOB (FOB with the freight and, if known, the insurance).",
        )  # fmt: skip


@direct_init
@dataclass(frozen=True, slots=True)
class DutyRequest:
    line: str
    origin: str
    destination: str
    value: Money
    on: date
    incoterm: Incoterm = Incoterm.CIF
    freight: Money | None = None
    insurance: Money | None = None
    quantity: Quantity | None = None
    proofs: frozenset[Proof] = frozenset()


@direct_init
@dataclass(frozen=True, slots=True)
class Step:
    """One line of the working: what was computed, on what basis, at what rate, under what law."""

    key: str
    label: str
    basis: str
    rate: str
    amount: Money
    reference: str = ""
    status: Status = Status.OFFICIAL


@direct_init
@dataclass(frozen=True, slots=True)
class RegimeCost:
    """What the goods would cost under one duty measure (``total`` = duty + taxes)."""

    measure: Measure
    eligible: bool
    duty: Money
    consumption: Money
    vat: Money
    total: Money

    @property
    def regime(self) -> MeasureType:
        return self.measure.measure_type

    @property
    def requires(self) -> Proof | None:
        return self.measure.proof


@direct_init
@dataclass(frozen=True, slots=True)
class Assessment:
    """The duty and taxes due, the working, and what each other regime would cost."""

    request: DutyRequest
    tariff: TariffLookup
    applied: RegimeCost
    customs_value: Money
    steps: tuple[Step, ...]
    alternatives: tuple[RegimeCost, ...]
    notes: tuple[str, ...]
    status: Status

    @property
    def regime(self) -> MeasureType:
        return self.applied.regime

    @property
    def currency(self) -> str:
        return self.customs_value.currency

    @property
    def duty(self) -> Money:
        return self.applied.duty

    @property
    def consumption(self) -> Money:
        return self.applied.consumption

    @property
    def vat(self) -> Money:
        return self.applied.vat

    @property
    def total(self) -> Money:
        return self.applied.total

    @property
    def saving(self) -> Money:
        """What the proofs presented save against the cheapest regime open without any proof."""
        without = [a for a in (self.applied, *self.alternatives) if a.requires is None]
        return min(a.total for a in without) - self.total if without else Money.zero(self.currency)


def _non_negative(money: Money | None, what: str) -> None:
    if money is not None and money.is_negative:
        raise InvalidInput(
            f"{what} {money.format()} is negative",
            code="duty.negative_value",
            hint=f"Give the {what} as a positive amount.",
        )


def _customs_value(req: DutyRequest, party: str) -> tuple[Money, list[Step]]:
    value = req.value
    for extra, what in ((req.freight, "freight"), (req.insurance, "insurance")):
        if extra is not None and extra.currency != value.currency:
            raise InvalidInput(
                f"{what} is in {extra.currency} but the value is in {value.currency}",
                code="duty.currency_mismatch",
                hint=f"Give the {what} in {value.currency}.",
                details={"field": f"{what}.currency"},
            )
    if req.incoterm is Incoterm.CIF:
        if req.freight is not None or req.insurance is not None:
            raise InvalidInput(
                "freight and insurance are already in a CIF value",
                code="duty.freight_with_cif",
                hint="Leave out the freight and the insurance, or declare the value as FOB.",
            )
        return value, []
    steps = [Step("value", f"Invoice value ({req.incoterm.value})", "declared", "", value)]
    cost_and_freight = value
    if req.incoterm is Incoterm.FOB:
        if req.freight is None:
            raise InvalidInput(
                "an FOB value needs the freight to the place of import",
                code="duty.freight_required",
                hint="Give the freight (and the insurance, if known), or declare a CIF value.",
            )
        steps.append(Step("freight", "Freight", "declared", "", req.freight))
        cost_and_freight = value + req.freight
    if req.insurance is not None:
        steps.append(Step("insurance", "Insurance", "declared", "", req.insurance))
        insurance = req.insurance
    else:
        rule = INSURANCE_WHEN_UNKNOWN.get(party)
        if rule is None:
            raise InvalidInput(
                f"insurance is needed to build the customs value for {party}",
                code="duty.insurance_required",
                hint="Give the insurance, or declare a CIF value.",
            )
        rate, reference = rule
        insurance = cost_and_freight * rate
        steps.append(
            Step(
                "insurance",
                "Insurance (not declared)",
                f"cost and freight {cost_and_freight.format()}",
                f"{rate * 100:f}%",
                insurance,
                reference,
            )
        )
    return cost_and_freight + insurance, steps


_ZERO = Decimal(0)


def _consumption(measure: Measure | None, basis: Basis, duty: Decimal) -> Decimal:
    if measure is None:
        return _ZERO
    parts = measure.duty.parts if isinstance(measure.duty, Compound) else (measure.duty,)
    rate = sum((p.rate for p in parts if isinstance(p, AdValorem)), Decimal(0))
    specific = sum((p.amount(basis) for p in parts if isinstance(p, Specific)), Decimal(0))
    return (basis.value + duty + specific) / (1 - rate) * rate + specific


def _consumption_working(measure: Measure, basis: Basis, duty: Money) -> str:
    """E.g. ``(300,000.00 CNY + duty 45,000.00 CNY) / (1 - 25%) × 25%``."""
    value = Money(basis.value, basis.currency).format()
    if isinstance(measure.duty, AdValorem):
        rate = measure.duty
        return f"({value} + duty {duty.format()}) / (1 - {rate}) × {rate}"
    return f"({value} + duty {duty.format()} + specific) / (1 - rate) × rate + specific"


_Taxes = tuple[Measure | None, Measure | None, Decimal | None]


def _find_taxes(tariff: TariffLookup) -> _Taxes:
    ct = _single(tariff.taxes, MeasureType.CONSUMPTION)
    vat = _single(tariff.taxes, MeasureType.VAT)
    vat_rate = None
    if vat is not None:
        assert isinstance(vat.duty, AdValorem)  # the schedule loader guarantees it
        vat_rate = vat.duty.rate
    return ct, vat, vat_rate


# The consumption tax, the VAT and its rate of each tariff answer, by identity: lookup() gives
# the same answer object for the same line, origin, destination and date all day, and every
# item priced would otherwise search its taxes again. A conflict is not kept: it raises again.
_taxes: RememberedByIdentity[TariffLookup, _Taxes] = RememberedByIdentity(_find_taxes, size=4096)


def _single(taxes: tuple[Measure, ...], kind: MeasureType) -> Measure | None:
    found = [m for m in taxes if m.measure_type is kind]
    if len(found) > 1:
        raise InvalidInput(
            f"the schedule has {len(found)} {kind.value} measures in force for this line",
            code="tariff.conflicting_measures",
            hint="Correct the schedule so that one applies on each date.",
        )
    return found[0] if found else None


def _cost(
    measure: Measure,
    eligible: bool,
    basis: Basis,
    ct: Measure | None,
    *,
    vat_rate: Decimal | None,
    minor: Decimal,
) -> RegimeCost:
    """The cost under ``measure``, each amount rounded to ``minor`` (the currency's quantum).
    ``vat_rate`` and ``minor`` are the same for every regime of the item: :func:`assess` finds
    them once."""
    currency = basis.currency
    duty = measure.duty.amount(basis).quantize(minor, ROUND_HALF_UP)
    consumption = _consumption(ct, basis, duty).quantize(minor, ROUND_HALF_UP)
    vat_amount = Decimal(0)
    if vat_rate is not None:
        vat_amount = ((basis.value + duty + consumption) * vat_rate).quantize(minor, ROUND_HALF_UP)
    # The currency comes from the customs value, a valid Money: only the amounts need checking.
    return RegimeCost(
        measure,
        eligible,
        Money.computed(duty, currency),
        Money.computed(consumption, currency),
        Money.computed(vat_amount, currency),
        Money.computed(duty + consumption + vat_amount, currency),
    )


# On equal cost: no proof needed before a proof; a provisional rate before MFN, since China
# applies the provisional rate wherever one exists (acfta-rules.md §3.2).
_TIE_ORDER = {MeasureType.PROVISIONAL: 0, MeasureType.MFN: 1}


def _rank(cost: RegimeCost) -> tuple[Decimal, int, int]:
    measure = cost.measure
    needs_proof = 0 if measure.proof is None else 1
    return (cost.total.amount, needs_proof, _TIE_ORDER.get(measure.measure_type, 2))


def _conversion_step(rate: ExchangeRate, converted: Money, on: date) -> tuple[Step, str | None]:
    note = None
    if rate.fixed_for is None and (on - rate.on).days > _STALE_RATE_DAYS:
        note = (
            f"The {rate.base}/{rate.quote} rate used is of {rate.on.isoformat()}, "
            f"{(on - rate.on).days} days before {on.isoformat()}: use a current rate source "
            "or your own rates table."
        )
    step = Step(
        "conversion",
        f"Customs value in {rate.quote}",
        f"at 1 {rate.base} = {rate.rate} {rate.quote} of {rate.on.isoformat()}",
        f"{rate.rate}",
        converted,
        rate.source,
        rate.status,
    )
    return step, note


def assess(req: DutyRequest, schedule: Schedule, rates: RateProvider) -> Assessment:
    """Calculate duty and import taxes for ``req`` with the working shown."""
    _non_negative(req.value, "value")
    _non_negative(req.freight, "freight")
    _non_negative(req.insurance, "insurance")
    tariff = lookup(schedule, req.line, req.origin, req.destination, req.on)
    party = tariff.importing_party
    currency = country(party).currency
    assert currency is not None  # the schedule loader guarantees it
    value, steps = _customs_value(req, party)
    notes: list[str] = []
    declared = "declared" if req.incoterm is Incoterm.CIF else "sum of the above"
    if value.currency == currency:
        customs_value = value.rounded()
        steps.append(Step("customs_value", "Customs value (CIF)", declared, "", customs_value))
    else:
        steps.append(Step("customs_value_invoice", "Customs value (CIF)", declared, "", value))
        rate = rates.rate(value.currency, currency, req.on)
        customs_value = rate.convert(value).rounded()
        step, stale = _conversion_step(rate, customs_value, req.on)
        steps.append(step)
        notes.extend([stale] if stale else [])

    basis = Basis(customs_value.amount, currency, req.quantity)
    ct, vat, vat_rate = _taxes(tariff)
    minor = quantum(currency)
    proofs = req.proofs
    costs = [
        _cost(m, m.proof is None or m.proof in proofs, basis, ct, vat_rate=vat_rate, minor=minor)
        for m in tariff.duties
    ]
    applied = min((c for c in costs if c.eligible), key=_rank)
    alternatives = tuple(sorted((c for c in costs if c is not applied), key=_rank))

    m = applied.measure
    steps.append(
        Step(
            "duty",
            m.measure_type.label,
            m.duty.working(basis),
            str(m.duty),
            applied.duty,
            m.reference,
            m.status,
        )
    )
    if ct is not None:
        steps.append(
            Step(
                "consumption",
                ct.measure_type.label,
                _consumption_working(ct, basis, applied.duty),
                str(ct.duty),
                applied.consumption,
                ct.reference,
                ct.status,
            )
        )
    if vat is not None:
        vat_base = customs_value + applied.duty + applied.consumption
        parts = "value + duty + consumption tax" if ct is not None else "value + duty"
        steps.append(
            Step(
                "vat",
                vat.measure_type.label,
                f"{parts} {vat_base.format()}",
                str(vat.duty),
                applied.vat,
                vat.reference,
                vat.status,
            )
        )
    # A total with an illustrative amount in it is illustrative too.
    summed = combine(step.status for step in steps)
    steps.append(Step("total", "Total duty and taxes", "", "", applied.total, "", summed))

    if proofs:  # most items present none
        unused = sorted(p for p in proofs if not any(d.proof == p for d in tariff.duties))
        notes.extend(
            f"A {p.label} was presented, but no preferential rate needing it applies to "
            f"{hs.format(tariff.line)} from {tariff.origin}: it does not lower the duty."
            for p in unused
        )
    notes.extend(tariff.notes)
    taxes = (t.status for t in (ct, vat) if t is not None)
    status = combine(itertools.chain((m.status,), taxes, (s.status for s in steps)))
    return Assessment(
        request=req,
        tariff=tariff,
        applied=applied,
        customs_value=customs_value,
        steps=tuple(steps),
        alternatives=alternatives,
        notes=tuple(notes),
        status=status,
    )
