"""Tariff schedules: reading them from CSV and indexing them for look-up.

One format serves the schedules shipped in ``cafta/tariff/data/`` and the fuller official
schedules a user imports (``cafta tariff import FILE``); ``docs/tariff.md`` documents it. Columns:

``importing_party, line, measure_type, origin, duty, proof, valid_from, valid_to, status,
reference, description, note``

Rows are checked as they are read and every problem is reported with its row number, so a
schedule loads whole or not at all. The index keys measures by importing party and line prefix:
a look-up visits at most one bucket per prefix length (0, 2, 4, 6, 8, 10 digits), never the
whole schedule.
"""

from __future__ import annotations

import bisect
import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise

from cafta.core.dates import Validity, parse_date
from cafta.core.errors import CaftaError, InvalidInput
from cafta.core.provenance import Status
from cafta.identifiers import hs
from cafta.refdata.countries import country, group
from cafta.tariff import expression
from cafta.tariff.expression import AdValorem, Compound, Specific
from cafta.tariff.measure import Measure, MeasureType, Proof

COLUMNS = (
    "importing_party", "line", "measure_type", "origin", "duty", "proof", "valid_from",
    "valid_to", "status", "reference", "description", "note",
)  # fmt: skip
REQUIRED = ("importing_party", "line", "measure_type", "duty", "valid_from", "status", "reference")
ALL_LINES = ("", "*")
_PREFIX_LENGTHS = (0, 2, 4, 6, 8, 10)
_MAX_PROBLEMS = 20


class ScheduleError(InvalidInput):
    """A schedule file that cannot be loaded; ``problems`` lists each bad row."""

    default_code = "tariff.invalid_schedule"

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:_MAX_PROBLEMS]
        more = len(problems) - len(shown)
        listing = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        super().__init__(
            f"schedule {source} has {len(problems)} problem(s): {listing}",
            hint="Fix the rows named and load it again; see docs/tariff.md for the format.",
            details={"problems": problems},
        )
        self.problems = problems


def _area(text: str) -> str:
    area = text.strip() or "*"
    if area == "*":
        return area
    if len(area) == 2 and area.isalpha():
        return country(area).alpha2
    return group(area.upper()).code


def _check_expression(kind: MeasureType, expr: expression.Expression, currency: str) -> None:
    wrong = expression.specific_currencies(expr) - {currency}
    if wrong:
        raise InvalidInput(
            f"amounts must be in the importing party's currency {currency}, not "
            f"{', '.join(sorted(wrong))}"
        )
    if kind is MeasureType.VAT and not isinstance(expr, AdValorem):
        raise InvalidInput("a VAT measure must be a percentage")
    if kind is MeasureType.CONSUMPTION:
        parts = expr.parts if isinstance(expr, Compound) else (expr,)
        if not all(isinstance(p, AdValorem | Specific) for p in parts):
            raise InvalidInput(
                "a consumption tax must be a percentage, an amount per unit, or their sum"
            )


def _measure(row: dict[str, str], source: str) -> Measure:
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip() and c != "line"]
    if missing:
        raise InvalidInput(f"missing {', '.join(missing)}")
    party = country(row["importing_party"])
    if party.currency is None:
        raise InvalidInput(f"no currency is known for importing party {party.alpha2}")
    raw_line = (row.get("line") or "").strip()
    line = "" if raw_line in ALL_LINES else hs.validate(raw_line)
    kind = MeasureType.parse(row["measure_type"])
    duty = expression.parse(row["duty"])
    _check_expression(kind, duty, party.currency)
    proof_text = (row.get("proof") or "").strip()
    proof = Proof.parse(proof_text) if proof_text else None
    if kind.is_preferential and proof is None:
        raise InvalidInput(f"a {kind} measure must name the proof of origin it requires")
    valid_to_text = (row.get("valid_to") or "").strip()
    validity = Validity(
        parse_date(row["valid_from"], "valid_from"),
        parse_date(valid_to_text, "valid_to") if valid_to_text else None,
    )
    return Measure(
        importing_party=party.alpha2,
        line=line,
        measure_type=kind,
        area=_area(row.get("origin") or ""),
        duty=duty,
        validity=validity,
        reference=row["reference"].strip(),
        status=Status.parse(row["status"]),
        proof=proof,
        description=(row.get("description") or "").strip(),
        note=(row.get("note") or "").strip(),
        source=source,
    )


def parse_schedule(lines: Iterable[str], source: str) -> list[Measure]:
    """Read a schedule in the CSV format above; raise :class:`ScheduleError` listing bad rows."""
    reader = csv.DictReader(line for line in lines if not line.lstrip().startswith("#"))
    header = [h.strip() for h in (reader.fieldnames or [])]
    absent = [c for c in REQUIRED if c not in header]
    if absent:
        raise ScheduleError(source, [f"header lacks column(s) {', '.join(absent)}"])
    reader.fieldnames = header
    measures: list[Measure] = []
    row_numbers: list[int] = []
    problems: list[str] = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            measures.append(_measure(row, source))
            row_numbers.append(reader.line_num)
        except CaftaError as error:
            problems.append(f"row {reader.line_num}: {error.message}")
    problems.extend(_overlaps(measures, row_numbers))
    if problems:
        raise ScheduleError(source, problems)
    if not measures:
        raise ScheduleError(source, ["no measures in the file"])
    return measures


def _overlaps(measures: list[Measure], rows: list[int]) -> list[str]:
    """Two rows for the same measure in force on the same day would make the rate ambiguous."""
    by_key: dict[tuple[object, ...], list[tuple[Measure, int]]] = defaultdict(list)
    for measure, row in zip(measures, rows, strict=True):
        by_key[measure.key].append((measure, row))
    problems = []
    for entries in by_key.values():
        entries.sort(key=lambda e: e[0].validity.valid_from)
        for (first, row_a), (second, row_b) in pairwise(entries):
            if first.validity.overlaps(second.validity):
                problems.append(
                    f"row {row_b}: overlaps row {row_a} (same party, line, type, origin and "
                    f"proof in force on {second.validity.valid_from.isoformat()})"
                )
    return problems


class Schedule:
    """Measures indexed by importing party and line prefix."""

    def __init__(self, measures: Iterable[Measure]) -> None:
        self._measures = list(measures)
        index: dict[str, dict[str, list[Measure]]] = defaultdict(lambda: defaultdict(list))
        for m in self._measures:
            index[m.importing_party][m.line].append(m)
        self._index = {party: dict(by_line) for party, by_line in index.items()}
        self._lines = {party: sorted(by_line) for party, by_line in self._index.items()}

    def __len__(self) -> int:
        return len(self._measures)

    def __iter__(self) -> Iterator[Measure]:
        return iter(self._measures)

    @property
    def parties(self) -> list[str]:
        return sorted(self._index)

    def covers(self, party: str) -> bool:
        return party in self._index

    def at_prefixes(self, party: str, line: str) -> list[Measure]:
        """Every measure of ``party`` whose line is a prefix of ``line`` (any date, any area)."""
        by_line = self._index.get(party)
        if not by_line:
            return []
        found: list[Measure] = []
        for length in _PREFIX_LENGTHS:
            if length > len(line):
                break
            found.extend(by_line.get(line[:length], ()))
        return found

    def lines_under(self, party: str, prefix: str, min_length: int = 8) -> list[str]:
        """Lines of at least ``min_length`` digits that carry measures and extend ``prefix``."""
        lines = self._lines.get(party, [])
        start = bisect.bisect_left(lines, prefix)
        found = []
        for line in lines[start:]:
            if not line.startswith(prefix):
                break
            if len(line) > len(prefix) and len(line) >= min_length:
                found.append(line)
        return found

    def merged(self, newer: Iterable[Measure]) -> Schedule:
        """A schedule where ``newer`` measures replace same-key measures whose dates overlap."""
        newer = list(newer)
        replaced = {m.key: [n.validity for n in newer if n.key == m.key] for m in newer}
        kept = [
            m
            for m in self._measures
            if not any(m.validity.overlaps(v) for v in replaced.get(m.key, ()))
        ]
        return Schedule(kept + newer)

    def first_date(self, party: str, line: str) -> date | None:
        """The first day a non-preferential duty is known for ``line`` (None: never)."""
        dates = [
            m.validity.valid_from
            for m in self.at_prefixes(party, line)
            if m.measure_type.is_duty and m.proof is None
        ]
        return min(dates) if dates else None


BUNDLED_FILES = ("cn.csv", "asean-vat.csv")


@cache
def bundled_schedule() -> Schedule:
    """The schedules shipped with ``cafta`` (see ``docs/data-sources.md`` for every source)."""
    measures: list[Measure] = []
    data = resources.files("cafta.tariff") / "data"
    for name in BUNDLED_FILES:
        with (data / name).open(encoding="utf-8") as handle:
            measures.extend(parse_schedule(handle, f"cafta:{name}"))
    return Schedule(measures)
