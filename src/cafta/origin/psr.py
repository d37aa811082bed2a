"""Product-specific rules (PSR): a dated table from HS ranges to rules in the rule language.

The table has the shape of real PSR data (the UK's machine-read model keys each rule set by a
heading label and a ``min``/``max`` code range): each row covers a chapter, heading or subheading
range, carries the rule in the rule language (:mod:`cafta.origin.rule`), the prose it stands for,
its validity, its legal reference and a status. The most specific row in force wins.

The legal home of ACFTA's PSRs is Attachment B of Appendix 1 to the 2015 Protocol, drafted in
HS 2017 (acfta-rules.md §1.5). No machine-readable copy exists and the annex was not retrieved:
the rows shipped in ``cafta/origin/data/acfta-psr.csv`` cover the sectors known to have PSRs
(textiles and apparel, plastics, footwear, iron and steel, preserved fish, palm oil, ice cream,
jewellery [C]) with rules written for illustration, and are labelled illustrative. Load an
official table with :meth:`PsrTable.from_csv` (same columns) to replace them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from cafta.core.dates import Validity, parse_date
from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.origin.rule import CodeRange, Rule, parse_rule

__all__ = ["COLUMNS", "PsrRow", "PsrTable", "bundled_psr"]

COLUMNS = (
    "scheme", "lines", "description", "rule", "text", "valid_from", "valid_to", "status",
    "reference",
)  # fmt: skip
_REQUIRED = ("scheme", "lines", "rule", "valid_from", "status", "reference")


@dataclass(frozen=True, slots=True)
class PsrRow:
    scheme: str
    lines: CodeRange
    description: str
    rule: Rule
    text: str
    validity: Validity
    status: Status
    reference: str

    @property
    def digits(self) -> int:
        """How specific the row is: 2 (chapters), 4 (headings) or 6 (subheadings)."""
        return len(self.lines.low)

    @property
    def key(self) -> str:
        return f"PSR {self.scheme} {self.lines.text()} from {self.validity.valid_from}"


def _range(text: str) -> CodeRange:
    low, _, high = text.replace(".", "").replace(" ", "").partition("-")
    high = high or low
    if (
        len(low) not in (2, 4, 6)
        or len(high) != len(low)
        or not (low + high).isdigit()
        or high < low
    ):
        raise InvalidInput(
            f"lines '{text}' is not a chapter, heading or subheading, or a range of them",
            code="origin.invalid_psr_lines",
            hint="Write e.g. 61, 6101-6117 or 1511.10.",
        )
    return CodeRange(low, high)


def _row(row: dict[str, str], where: str) -> PsrRow:
    missing = [c for c in _REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise InvalidInput(f"{where}: missing {', '.join(missing)}", code="origin.invalid_psr")
    valid_to = (row.get("valid_to") or "").strip()
    return PsrRow(
        scheme=row["scheme"].strip().upper(),
        lines=_range(row["lines"].strip()),
        description=(row.get("description") or "").strip(),
        rule=parse_rule(row["rule"]),
        text=(row.get("text") or "").strip(),
        validity=Validity(
            parse_date(row["valid_from"], "valid_from"),
            parse_date(valid_to, "valid_to") if valid_to else None,
        ),
        status=Status.parse(row["status"]),
        reference=row["reference"].strip(),
    )


class PsrTable:
    """PSR rows indexed by scheme and chapter; overlapping rows in force together are refused."""

    def __init__(self, rows: Iterable[PsrRow]) -> None:
        self._rows = tuple(rows)
        self._index: dict[tuple[str, str], list[PsrRow]] = defaultdict(list)
        for row in self._rows:
            for chapter in range(int(row.lines.low[:2]), int(row.lines.high[:2]) + 1):
                self._index[row.scheme, f"{chapter:02d}"].append(row)
        problems = self._overlaps()
        if problems:
            raise InvalidInput(
                f"PSR table has overlapping rows: {'; '.join(problems)}",
                code="origin.overlapping_psr",
                hint="Give one rule per range and date, or end the older row's validity.",
            )

    def _overlaps(self) -> list[str]:
        problems = []
        for rows in self._index.values():
            for i, a in enumerate(rows):
                for b in rows[i + 1 :]:
                    same_level = a.digits == b.digits
                    ranges_meet = a.lines.low <= b.lines.high and b.lines.low <= a.lines.high
                    if same_level and ranges_meet and a.validity.overlaps(b.validity):
                        problems.append(f"{a.lines.text()} and {b.lines.text()}")
        return sorted(set(problems))

    @classmethod
    def from_csv_text(cls, text: str, source: str) -> PsrTable:
        reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            raise InvalidInput(
                f"PSR table {source} lacks column(s) {', '.join(missing)}",
                code="origin.invalid_psr",
                hint=f"The columns are: {', '.join(COLUMNS)}.",
            )
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                rows.append(_row(row, f"{source} row {number}"))
            except InvalidInput as error:
                where = f"{source} row {number}"
                message = error.message if error.message.startswith(where) else f"{where}: {error}"
                raise InvalidInput(message, code=error.code) from None
        return cls(rows)

    @classmethod
    def from_csv(cls, path: Path) -> PsrTable:
        return cls.from_csv_text(path.read_text(encoding="utf-8"), path.name)

    def __iter__(self) -> Iterator[PsrRow]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def rule_for(self, scheme: str, line: str, on: date) -> PsrRow | None:
        """The most specific row of ``scheme`` in force on ``on`` that covers ``line``."""
        best: PsrRow | None = None
        for row in self._index.get((scheme, line[:2]), ()):
            in_force = row.lines.contains(line) and row.validity.contains(on)
            if in_force and (best is None or row.digits > best.digits):
                best = row
        return best


@cache
def bundled_psr() -> PsrTable:
    """The PSR rows shipped with ``cafta`` (illustrative; see the module docstring)."""
    text = resources.files("cafta.origin").joinpath("data/acfta-psr.csv").read_text("utf-8")
    return PsrTable.from_csv_text(text, "acfta-psr.csv")
