"""The dashboard: what the declarations lodged over some days, at one office or all, show.

:func:`read_dashboard` reads the declarations of a :class:`Period` through the unit of work
(:meth:`~cafta.services.ports.DeclarationStore.lodged`) and :func:`summarise` counts them:

* declarations lodged per hour of the day, in the period's time zone (the node's clock);
* the clearance time, lodged → released (the ``GoodsReleased`` event of the timeline), in
  minutes, in the bins of :data:`CLEARANCE_BINS`; how many are not released yet, and how many
  never will be (rejected, cancelled);
* each lane's share of the declarations given a lane, against the office's quota target
  (:class:`~cafta.risk.quotas.QuotaTable`, ASYCUDA's expected rates): the mean of the targets
  of the declarations counted, each at its office's quota on the day it was lodged, so a period
  or a set of offices with several quotas gets the target its mix of declarations implies;
* the preference utilisation and the duty saved, on released declarations (:class:`Collected`);
* the lines (HS) and origins declared, by customs value and by number of items.

Every amount is a ``Decimal`` in the currency the declarations were assessed in. Whether an item
was *eligible* for ACFTA is not kept in the stored assessment (it keeps the regime applied and
what became of the claim), so a :data:`Margins` port answers it: :class:`TariffMargins` asks the
tariff engine again, on the day the declaration was lodged, for the item's stored customs value.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from cafta.clearance.assessment import ItemAssessment
from cafta.clearance.declaration import Declaration
from cafta.clearance.goods import Item
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.errors import CaftaError, InvalidInput
from cafta.core.money import Money
from cafta.core.provenance import Status as Provenance
from cafta.core.provenance import combine
from cafta.refdata.exchange_rates import RateProvider
from cafta.risk.quotas import QuotaTable
from cafta.risk.rules import Lane as RiskLane
from cafta.services.ports import UnitOfWorkFactory
from cafta.services.risk_lanes import RiskLanes
from cafta.tariff.duty import DutyRequest, assess
from cafta.tariff.measure import MeasureType, Proof
from cafta.tariff.schedule import Schedule

__all__ = [
    "CLEARANCE_BINS",
    "MAX_DAYS",
    "MAX_DECLARATIONS",
    "ClearanceTimes",
    "Collected",
    "Dashboard",
    "LaneShare",
    "Margin",
    "Margins",
    "Period",
    "PreferenceUse",
    "Ranked",
    "TariffMargins",
    "quotas_of",
    "read_dashboard",
    "summarise",
    "top",
]

MAX_DAYS = 366
"""The longest period a dashboard covers."""
MAX_DECLARATIONS = 20_000
"""The most declarations a dashboard reads; beyond it, only the newest are counted."""
CLEARANCE_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 1), (1, 5), (5, 15), (15, 30), (30, 60), (60, 120), (120, 240), (240, 480),
    (480, 1440), (1440, None),
)  # fmt: skip
"""Clearance-time bins in minutes, ``[low, high)``: widening, since times run from seconds
(green lane) to days (an inspection)."""
_WAITING = frozenset({Status.LODGED, Status.ASSESSED, Status.HELD_FOR_DOCUMENTS,
                      Status.HELD_FOR_INSPECTION})  # fmt: skip
_MINUTE = Decimal(60_000_000)  # microseconds


@dataclass(frozen=True, slots=True)
class Period:
    """The days ``first`` to ``last`` (both included) in ``zone``, at ``office`` (``None``: every
    office)."""

    first: date
    last: date
    zone: tzinfo
    office: str | None = None

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput(
                f"the period ends ({self.last}) before it starts ({self.first})",
                code="dashboard.period",
                hint="Give a first day on or before the last.",
            )
        if self.days > MAX_DAYS:
            raise InvalidInput(
                f"the period is {self.days} days long; a dashboard covers {MAX_DAYS} at most",
                code="dashboard.period",
                hint="Choose a shorter period.",
            )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """Midnight after the last day (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=self.zone)


@dataclass(frozen=True, slots=True)
class Margin:
    """What an item would pay in duty without a Form E, and at the ACFTA rate."""

    without: Money
    """At the cheapest regime open without a proof of origin (MFN, or a lower provisional rate)."""
    acfta: Money | None
    """At the ACFTA rate; ``None`` when there is none for the line and origin."""
    status: Provenance
    """Illustrative when either rate is."""

    @property
    def eligible(self) -> bool:
        """Whether ACFTA lowers the duty (the line's ACFTA rate is below MFN for the origin)."""
        return self.acfta is not None and self.acfta < self.without


Margins = Callable[[Declaration, Item, ItemAssessment], Margin | None]
"""An item's :class:`Margin`; ``None`` when it cannot be found (the line is no longer in the
schedule)."""


@dataclass(frozen=True, slots=True)
class TariffMargins:
    """:data:`Margins` from the tariff engine: the item assessed again with a Form E on the day
    it was lodged, on its stored customs value (CIF, in the importing currency), giving every
    regime's cost side by side."""

    schedule: Callable[[], Schedule]
    rates: RateProvider

    def __call__(
        self, declaration: Declaration, item: Item, assessed: ItemAssessment
    ) -> Margin | None:
        request = DutyRequest(
            line=item.line, origin=item.origin, destination=declaration.goods.destination,
            value=assessed.customs_value, on=declaration.lodged_at.date(),
            quantity=item.quantity, proofs=frozenset({Proof.FORM_E}),
        )  # fmt: skip
        try:
            result = assess(request, self.schedule(), self.rates)
        except CaftaError:
            return None
        costs = (result.applied, *result.alternatives)
        open_ = [c for c in costs if c.requires is None]
        if not open_:
            return None
        without = min(open_, key=lambda c: (c.total.amount, c.duty.amount))
        acfta = next((c for c in costs if c.regime is MeasureType.ACFTA), None)
        used = [without.measure.status, *([acfta.measure.status] if acfta else [])]
        return Margin(without.duty, acfta.duty if acfta else None, combine(used))


@dataclass(frozen=True, slots=True)
class ClearanceTimes:
    bins: tuple[tuple[int, int | None, int], ...]
    """``(low, high, count)`` per bin of :data:`CLEARANCE_BINS`, minutes."""
    released: int
    waiting: int
    """Not released yet: lodged, assessed or held."""
    closed: int
    """Never released: rejected or cancelled."""
    median: Decimal | None
    """Minutes, to 0.1; ``None`` when nothing was released."""


@dataclass(frozen=True, slots=True)
class LaneShare:
    lane: Lane
    count: int
    share: Decimal
    """Of the declarations given a lane (0 to 1)."""
    target: Decimal
    """The quota target (0 to 1), see the module docstring."""


@dataclass(frozen=True, slots=True)
class Ranked:
    """A line (HS, compact) or an origin (ISO 3166 alpha-2): items declared and their value."""

    key: str
    count: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class PreferenceUse:
    """ACFTA on released items. *Eligible*: the ACFTA duty is below the no-proof duty
    (:attr:`Margin.eligible`); *claimed*: the item claims ACFTA (cites a Form E); *granted*: its
    duty was assessed at the ACFTA rate. Values are customs values of eligible items.
    ``duty_saved``: on items assessed at the ACFTA rate, the no-proof duty minus the duty paid."""

    eligible: Money
    claimed: Money
    granted: Money
    duty_saved: Money
    eligible_items: int
    claimed_items: int
    granted_items: int
    unknown_items: int
    """Items whose margin could not be found: left out of the figures."""
    status: Provenance

    @property
    def utilisation(self) -> Decimal | None:
        """Claimed value over eligible value; ``None`` when nothing was eligible."""
        return self.claimed.amount / self.eligible.amount if self.eligible.amount else None

    @property
    def granted_share(self) -> Decimal | None:
        return self.granted.amount / self.eligible.amount if self.eligible.amount else None


@dataclass(frozen=True, slots=True)
class Collected:
    """Money on the released declarations assessed in ``currency``."""

    currency: str
    duty: Money
    vat: Money
    status: Provenance
    preference: PreferenceUse


@dataclass(frozen=True, slots=True)
class Dashboard:
    period: Period
    declarations: int
    released: int
    per_hour: tuple[int, ...]
    """24 counts: declarations lodged in each hour of the day (summed over the period's days)."""
    clearance: ClearanceTimes
    lanes: tuple[LaneShare, ...]
    currency: str | None
    """The currency most declarations were assessed in; values and money are in it."""
    other_currency: int
    """Declarations assessed in another currency: left out of values and money."""
    collected: Collected | None
    """``None`` when no released declaration was assessed."""
    lines: tuple[Ranked, ...]
    """Every line declared, highest value first."""
    origins: tuple[Ranked, ...]
    truncated: bool
    """Whether the period held more than :data:`MAX_DECLARATIONS` (only the newest counted)."""

    @property
    def released_share(self) -> Decimal | None:
        return Decimal(self.released) / self.declarations if self.declarations else None


def quotas_of(lanes: object) -> QuotaTable:
    """The quota table the clearance pipeline's lane selector allocates with: the risk engine's
    (:class:`~cafta.services.risk_lanes.RiskLanes`), else the default table (which is what
    :func:`~cafta.services.risk_lanes.default_risk_engine` uses unless given another)."""
    if isinstance(lanes, RiskLanes):
        return lanes.engine.allocator.quotas
    return QuotaTable()


def read_dashboard(
    uow: UnitOfWorkFactory,
    period: Period,
    quotas: QuotaTable,
    margins: Margins,
    limit: int = MAX_DECLARATIONS,
) -> Dashboard:
    """The dashboard of ``period``, from the declarations stored (at most ``limit``)."""
    with uow(read_only=True) as unit:
        records = unit.declarations.lodged(period.start, period.end, period.office, limit + 1)
    declarations = [Declaration.from_document(r.document, r.version) for r in records[:limit]]
    return summarise(declarations, period, quotas, margins, truncated=len(records) > limit)


def _minutes(declaration: Declaration) -> Decimal | None:
    released = [e["at"] for e in declaration.history if e["event"] == "GoodsReleased"]
    if not released:
        return None
    delta = datetime.fromisoformat(released[-1]) - declaration.lodged_at
    return Decimal(delta // timedelta(microseconds=1)) / _MINUTE


def _clearance(declarations: Sequence[Declaration]) -> ClearanceTimes:
    times = [m for d in declarations if d.status is Status.RELEASED
             if (m := _minutes(d)) is not None]  # fmt: skip
    bins = tuple(
        (low, high, sum(1 for m in times if low <= m and (high is None or m < high)))
        for low, high in CLEARANCE_BINS
    )
    median = statistics.median(times).quantize(Decimal("0.1")) if times else None
    return ClearanceTimes(
        bins=bins,
        released=len(times),
        waiting=sum(1 for d in declarations if d.status in _WAITING),
        closed=sum(1 for d in declarations if d.status in (Status.REJECTED, Status.CANCELLED)),
        median=median,
    )


def _lanes(declarations: Sequence[Declaration], quotas: QuotaTable) -> tuple[LaneShare, ...]:
    laned = [d for d in declarations if d.lane is not None]
    counts = Counter(d.lane.lane for d in laned if d.lane is not None)
    targets = dict.fromkeys(Lane, Decimal(0))
    for declaration in laned:
        quota = quotas.for_office(declaration.goods.office, declaration.lodged_at.date())
        for lane in Lane:
            targets[lane] += quota.target(RiskLane(lane.value))
    total = len(laned)
    return tuple(
        LaneShare(
            lane,
            counts[lane],
            Decimal(counts[lane]) / total if total else Decimal(0),
            targets[lane] / total if total else quotas.default.target(RiskLane(lane.value)),
        )
        for lane in (Lane.GREEN, Lane.YELLOW, Lane.RED, Lane.BLUE)
    )


def _ranked(counts: Counter[str], values: Mapping[str, Decimal]) -> tuple[Ranked, ...]:
    entries = [Ranked(key, counts[key], values[key]) for key in counts]
    return tuple(sorted(entries, key=lambda r: (-r.value, -r.count, r.key)))


def _flows(declarations: Sequence[Declaration]) -> tuple[tuple[Ranked, ...], tuple[Ranked, ...]]:
    """Items and customs value per line and per origin."""
    counts: dict[str, Counter[str]] = {"line": Counter(), "origin": Counter()}
    values: dict[str, defaultdict[str, Decimal]] = {
        "line": defaultdict(Decimal), "origin": defaultdict(Decimal)
    }  # fmt: skip
    for declaration in declarations:
        assert declaration.assessment is not None
        origins = {item.number: item.origin for item in declaration.goods.items}
        for assessed in declaration.assessment.items:
            for kind, key in (("line", assessed.line), ("origin", origins.get(assessed.item, ""))):
                counts[kind][key] += 1
                values[kind][key] += assessed.customs_value.amount
    return _ranked(counts["line"], values["line"]), _ranked(counts["origin"], values["origin"])


def _collected(
    released: Sequence[Declaration], currency: str, margins: Margins
) -> Collected | None:
    if not released:
        return None
    zero = Money.zero(currency)
    duty = vat = eligible = claimed = granted = saved = zero
    counts = Counter[str]()
    statuses: list[Provenance] = []
    rate_statuses: list[Provenance] = []
    for declaration in released:
        assessment = declaration.assessment
        assert assessment is not None  # only assessed declarations are passed
        duty, vat = duty + assessment.duty, vat + assessment.vat
        statuses.append(assessment.status)
        items = {item.number: item for item in declaration.goods.items}
        for assessed in assessment.items:
            item = items.get(assessed.item)
            margin = margins(declaration, item, assessed) if item is not None else None
            if item is None or margin is None:
                counts["unknown"] += 1
                continue
            rate_statuses.append(margin.status)
            applied = assessed.regime == MeasureType.ACFTA.value
            if applied:
                saved = saved + (margin.without - assessed.duty)
            if not margin.eligible:
                continue
            counts["eligible"] += 1
            eligible = eligible + assessed.customs_value
            if item.preference is not None and item.preference.scheme.upper() == "ACFTA":
                counts["claimed"] += 1
                claimed = claimed + assessed.customs_value
            if applied:
                counts["granted"] += 1
                granted = granted + assessed.customs_value
    use = PreferenceUse(
        eligible, claimed, granted, saved, counts["eligible"], counts["claimed"],
        counts["granted"], counts["unknown"], combine([*statuses, *rate_statuses]),
    )  # fmt: skip
    return Collected(currency, duty, vat, combine(statuses), use)


def summarise(
    declarations: Sequence[Declaration],
    period: Period,
    quotas: QuotaTable,
    margins: Margins,
    *,
    truncated: bool = False,
) -> Dashboard:
    """Count ``declarations`` (those of ``period``) into a :class:`Dashboard`."""
    per_hour = [0] * 24
    for declaration in declarations:
        per_hour[declaration.lodged_at.astimezone(period.zone).hour] += 1
    assessed = [d for d in declarations if d.assessment is not None]
    currencies = Counter(d.assessment.currency for d in assessed if d.assessment is not None)
    currency = currencies.most_common(1)[0][0] if currencies else None
    counted = [d for d in assessed if d.assessment and d.assessment.currency == currency]
    lines, origins = _flows(counted)
    released = [d for d in counted if d.status is Status.RELEASED]
    return Dashboard(
        period=period,
        declarations=len(declarations),
        released=sum(1 for d in declarations if d.status is Status.RELEASED),
        per_hour=tuple(per_hour),
        clearance=_clearance(declarations),
        lanes=_lanes(declarations, quotas),
        currency=currency,
        other_currency=len(assessed) - len(counted),
        collected=_collected(released, currency, margins) if currency else None,
        lines=lines,
        origins=origins,
        truncated=truncated,
    )


def top(entries: Iterable[Ranked], by: str, count: int = 10) -> list[Ranked]:
    """The first ``count`` of ``entries`` by ``value`` or by ``count`` (of items)."""
    if by == "count":
        return sorted(entries, key=lambda r: (-r.count, -r.value, r.key))[:count]
    return sorted(entries, key=lambda r: (-r.value, -r.count, r.key))[:count]
