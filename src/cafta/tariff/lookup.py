"""Which measures apply to a tariff line, from an origin, into a party, on a date.

:func:`lookup` answers the trader's first question: what duty and taxes apply, and what is the
best rate with and without each proof of origin. The rules it applies:

- A measure applies when it is in force on ``on`` (the day customs accepts the declaration,
  Regulations on Import and Export Duties Art. 15) and its area of origin contains the origin.
- For each measure type and proof, the measure on the most specific line wins (a 9% VAT on
  heading 0810 overrides the 13% standard rate).
- Goods from a country with MFN treatment pay the lower of the MFN and provisional rates; goods
  from a ``NON_MFN`` country pay the general rate. A preferential rate (ACFTA, RCEP, LDC) is
  eligible only with its proof of origin, and then the lowest eligible rate applies (the
  "lower-of" rule, acfta-rules.md §3.2).
- A preference is for goods originating in *another* party: goods of the importing party's own
  origin get none, whatever the area of the measure says (their return is a re-import, a
  different procedure), and a note says why. ACFTA TIG Annex 3 Rule 2 grants preferential
  concessions to "products imported by a Party" that originate under the rules, in the exporting
  Party; RCEP Art. 2.4.1 reduces duties "on originating goods of other Parties".
- A code that splits into national lines with different measures is ambiguous: the caller must
  choose a line, and :class:`AmbiguousLine` lists them.
- A chapter or heading that covers several HS subheadings is refused
  (``tariff.code_too_short``): the lines loaded under it may be only some of them, and one
  loaded line's rate is not the heading's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from weakref import WeakKeyDictionary

from cafta.core.errors import InvalidInput, NotFound
from cafta.core.provenance import Status, combine
from cafta.identifiers import hs
from cafta.refdata.countries import area_contains, country
from cafta.refdata.nomenclature import Nomenclature
from cafta.tariff.expression import Expression, LowerOf, ad_valorem_rate
from cafta.tariff.measure import Measure, MeasureType, Proof
from cafta.tariff.schedule import Schedule


class AmbiguousLine(InvalidInput):
    """A code that covers national lines with different measures; ``lines`` lists them."""

    default_code = "tariff.ambiguous_line"

    def __init__(self, query: str, party: str, lines: list[tuple[str, str, str]]) -> None:
        listing = "; ".join(f"{hs.format(code)} {desc} ({rates})" for code, desc, rates in lines)
        super().__init__(
            f"{hs.format(query)} splits into {len(lines)} national lines of {party} with "
            f"different rates: {listing}",
            hint="Choose one of these lines and ask again.",
            details={"lines": [{"line": c, "description": d, "rates": r} for c, d, r in lines]},
        )
        self.lines = lines


@dataclass(frozen=True, slots=True)
class RateOption:
    """The duty a trader pays when presenting ``proofs`` (possibly none)."""

    proofs: frozenset[Proof]
    measures: tuple[Measure, ...]

    @property
    def best(self) -> Expression:
        """The single best rate when the eligible rates are comparable, else their lower-of."""
        rates = [ad_valorem_rate(m.duty) for m in self.measures]
        if all(r is not None for r in rates):
            return min(self.measures, key=lambda m: ad_valorem_rate(m.duty) or Decimal(0)).duty
        return LowerOf(tuple(m.duty for m in self.measures))

    @property
    def regime(self) -> MeasureType | None:
        """The measure type that applies, or ``None`` when it depends on value or quantity."""
        best = self.best
        for m in self.measures:
            if m.duty is best:
                return m.measure_type
        return None

    @property
    def status(self) -> Status:
        return combine(m.status for m in self.measures)

    @property
    def label(self) -> str:
        if not self.proofs:
            return "without proof of origin"
        return "with " + " and ".join(p.label for p in sorted(self.proofs))


@dataclass(frozen=True, slots=True)
class TariffLookup:
    query: str
    line: str
    description: str
    importing_party: str
    origin: str
    on: date
    duties: tuple[Measure, ...]
    taxes: tuple[Measure, ...]
    options: tuple[RateOption, ...]
    notes: tuple[str, ...]

    @property
    def status(self) -> Status:
        return combine(m.status for m in self.duties + self.taxes)

    def option(self, proofs: frozenset[Proof]) -> RateOption:
        """The option for the proofs presented (those that unlock no measure are ignored)."""
        useful = frozenset(p for p in proofs if any(m.proof == p for m in self.duties))
        for opt in self.options:
            if opt.proofs == useful:
                return opt
        raise AssertionError(f"no option for {useful}")  # pragma: no cover


def _applies(m: Measure, origin: str, on: date) -> bool:
    """Whether ``m`` is in force on ``on`` for goods originating in ``origin``, leaving aside
    that a preference is never for the importing party's own goods (see :func:`_effective`)."""
    return m.validity.contains(on) and area_contains(m.area, origin, on)


def _own_preference(m: Measure, origin: str) -> bool:
    """A preference claimed for goods of the importing party's own origin (CN goods into CN):
    an FTA rate is for goods originating in another party, so it never applies."""
    return origin == m.importing_party and m.measure_type.is_preferential


def _effective(candidates: list[Measure], origin: str, on: date) -> list[Measure]:
    """Measures in force for the origin, the most specific line per type and proof."""
    best: dict[tuple[MeasureType, Proof | None], list[Measure]] = {}
    for m in candidates:
        if not _applies(m, origin, on) or _own_preference(m, origin):
            continue
        key = (m.measure_type, m.proof)
        held = best.get(key)
        if held is None or len(m.line) > len(held[0].line):
            best[key] = [m]
        elif len(m.line) == len(held[0].line):
            held.append(m)
    return [m for group in best.values() for m in group]


def _signature(measures: list[Measure]) -> tuple[tuple[str, str, str, str], ...]:
    """What two lines must share to answer as one: the rates, and whether each is official."""
    return tuple(
        sorted(
            (m.measure_type.value, str(m.duty), m.proof.value if m.proof else "", m.status.value)
            for m in measures
        )
    )


def _describe(measures: list[Measure]) -> str:
    parts = [
        f"{m.measure_type.value} {m.duty}"
        for m in sorted(measures, key=lambda m: m.measure_type.value)
        if m.measure_type.is_duty
    ]
    return ", ".join(parts)


def lookup(schedule: Schedule, line: str, origin: str, destination: str, on: date) -> TariffLookup:
    """The measures for ``line`` from ``origin`` into ``destination`` on ``on``.

    A pure function of an immutable schedule, so answers are memoised per schedule (bounded;
    failures are not kept): declarations repeat the same lines, origins and dates all day.
    """
    key = (line, origin, destination, on)
    memo = _MEMOS.get(schedule)
    if memo is None:  # setdefault() alone would build an empty dict on every call
        memo = _MEMOS.setdefault(schedule, {})
    found = memo.get(key)
    if found is None:
        found = _lookup(schedule, line, origin, destination, on)
        if len(memo) >= _MEMO_SIZE:
            memo.pop(next(iter(memo)))
        memo[key] = found
    return found


_MEMO_SIZE = 8192
# One memo per schedule, dropped with it (a Schedule never changes once built).
_MEMOS: WeakKeyDictionary[Schedule, dict[tuple[str, str, str, date], TariffLookup]] = (
    WeakKeyDictionary()
)


def _lookup(schedule: Schedule, line: str, origin: str, destination: str, on: date) -> TariffLookup:
    code = hs.validate(line)
    origin_code = country(origin).alpha2
    party = country(destination).alpha2
    nomenclature = Nomenclature.hs2022()
    if len(code) <= 6:
        nomenclature.get(code)  # an unknown HS code is an error, not an empty answer
    else:
        nomenclature.nearest(code)
    if len(code) < 6:
        _one_subheading(nomenclature, code)
    if not schedule.covers(party):
        raise NotFound(
            f"no tariff schedule is loaded for imports into {party}",
            code="tariff.no_schedule",
            hint=f"Schedules are loaded for {', '.join(schedule.parties)}; import one for "
            f"{party} with 'cafta tariff import FILE'.",
        )

    resolved = code
    measured = code  # the line whose measures answer: the code's own, or its national lines'
    national = schedule.lines_under(party, code)
    if national:
        by_line = {n: _effective(schedule.at_prefixes(party, n), origin_code, on) for n in national}
        signatures = {_signature(ms) for ms in by_line.values()}
        if len(signatures) > 1:
            raise AmbiguousLine(
                code,
                party,
                [(n, _line_description(ms), _describe(ms)) for n, ms in by_line.items()],
            )
        # One line, or one with finer lines under it that agree with it, is the line asked for.
        if all(n.startswith(national[0]) for n in national):
            resolved = national[0]
        measured = national[0]  # the lines agree: the first one's measures stand for them all

    measures = _effective(schedule.at_prefixes(party, measured), origin_code, on)
    non_mfn = area_contains("NON_MFN", origin_code, on)
    duties = [
        m
        for m in measures
        if m.measure_type.is_duty and (m.measure_type is MeasureType.GENERAL) == non_mfn
    ]
    if not any(m.proof is None for m in duties):
        first = schedule.first_date(party, measured)
        early = first is not None and on < first
        raise NotFound(
            f"no duty rate for {hs.format(resolved)} imported into {party} from {origin_code} "
            f"on {on.isoformat()} in the loaded schedules",
            code="tariff.no_measures",
            hint=(
                f"The loaded rates for this line start on {first.isoformat()}; ask for a later "
                "date, or import"
                if early and first
                else "Import"
            )
            + " a fuller official schedule with 'cafta tariff import FILE'.",
        )
    taxes = [m for m in measures if not m.measure_type.is_duty]
    proofs = sorted({m.proof for m in duties if m.proof is not None})
    scenarios = [frozenset[Proof]()] + [frozenset({p}) for p in proofs]
    options = tuple(
        RateOption(s, tuple(m for m in duties if m.proof is None or m.proof in s))
        for s in scenarios
    )
    notes = tuple(
        dict.fromkeys(f"{m.measure_type.value}: {m.note}" for m in duties + taxes if m.note)
    )
    if origin_code == party:  # rare: only then can a preference have been set aside
        lines = national or [code]
        candidates = [m for n in lines for m in schedule.at_prefixes(party, n)]
        notes = _own_origin_notes(candidates, party, on) + notes
    # Several agreeing lines have descriptions of their own: the code's is the HS one.
    described = _line_description(measures) if measured == resolved else ""
    description = described or nomenclature.nearest(resolved).description
    return TariffLookup(
        query=code,
        line=resolved,
        description=description,
        importing_party=party,
        origin=origin_code,
        on=on,
        duties=tuple(sorted(duties, key=_order)),
        taxes=tuple(sorted(taxes, key=_order)),
        options=options,
        notes=notes,
    )


def _own_origin_notes(candidates: list[Measure], party: str, on: date) -> tuple[str, ...]:
    """Why no preference applies to goods of the importing party's own origin, naming each
    preferential regime the schedule has for the line on that day."""
    barred = {
        m.measure_type for m in candidates if _own_preference(m, party) and _applies(m, party, on)
    }
    if not barred:
        return ()
    regimes = " or ".join(t.value for t in sorted(barred, key=_TYPE_ORDER.__getitem__))
    return (
        f"Origin {party} is the importing party: no {regimes} preference. A preferential rate "
        f"is for goods originating in another party; goods of {party} origin brought back into "
        f"{party} are a re-import, a different procedure.",
    )


def _one_subheading(nomenclature: Nomenclature, code: str) -> None:
    """Refuse a chapter or heading that covers several HS subheadings: the lines loaded under
    it may be only some of them (durian and not strawberries under 0810), and their rate is
    not the rate of the rest."""
    subheadings = [e for e in nomenclature if len(e.code) == 6 and e.code.startswith(code)]
    if len(subheadings) <= 1:
        return
    kind = "chapter" if len(code) == 2 else "heading"
    first = [hs.format(e.code) for e in subheadings[:3]]
    shown = f"{', '.join(first[:-1])} or {first[-1]}"
    raise InvalidInput(
        f"{hs.format(code)} is a {kind} of {len(subheadings)} HS subheadings, and their rates "
        "may differ: give the subheading or the national line",
        code="tariff.code_too_short",
        hint=f"Such as {shown}: find yours with 'cafta hs search' or the HS page.",
        details={"subheadings": [e.code for e in subheadings]},
    )


_TYPE_ORDER = {t: i for i, t in enumerate(MeasureType)}


def _order(m: Measure) -> tuple[int, str]:
    return (_TYPE_ORDER[m.measure_type], m.area)


def _line_description(measures: list[Measure]) -> str:
    described = [m for m in measures if m.description]
    if not described:
        return ""
    return max(described, key=lambda m: len(m.line)).description
