"""The tariff measures of an HS entry, for the search results and the tree.

For one importing party and day, each national line under the entry (or the entry itself when
the schedule has none below it) with the measures in force on its line or above it: for each
measure type, area of origin and proof, the one on the most specific line, as the look-up
chooses (:mod:`cafta.tariff.lookup`). Rates for a given origin, and the duty, are the tariff
page's work; this is the overview a trader scans while looking for the right code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cafta.identifiers import hs
from cafta.tariff.measure import Measure, MeasureType
from cafta.tariff.schedule import Schedule

__all__ = ["LineMeasures", "line_measures"]

_MAX_LINES = 12


@dataclass(frozen=True, slots=True)
class LineMeasures:
    """A tariff line and its measures in force (duties first, then taxes)."""

    line: str
    description: str
    measures: tuple[Measure, ...]

    @property
    def formatted(self) -> str:
        return hs.format(self.line)

    @property
    def has_duty(self) -> bool:
        return any(m.measure_type.is_duty for m in self.measures)


_ORDER = {kind: index for index, kind in enumerate(MeasureType)}


def _in_force(schedule: Schedule, party: str, line: str, on: date) -> tuple[Measure, ...]:
    best: dict[tuple[MeasureType, str, object], Measure] = {}
    for m in schedule.at_prefixes(party, line):
        if not m.validity.contains(on):
            continue
        key = (m.measure_type, m.area, m.proof)
        held = best.get(key)
        if held is None or len(m.line) > len(held.line):
            best[key] = m
    return tuple(sorted(best.values(), key=lambda m: (_ORDER[m.measure_type], m.area)))


def line_measures(schedule: Schedule, party: str, code: str, on: date) -> list[LineMeasures]:
    """The lines of ``party`` under ``code`` (at most twelve) with their measures on ``on``;
    empty when the schedule has no duty for any of them."""
    if not schedule.covers(party):
        return []
    lines = schedule.lines_under(party, code)[:_MAX_LINES] or [code]
    found = []
    for line in lines:
        measures = _in_force(schedule, party, line, on)
        described = [m for m in measures if m.description]
        description = max(described, key=lambda m: len(m.line)).description if described else ""
        found.append(LineMeasures(line, description, measures))
    return found if any(entry.has_duty for entry in found) else []
