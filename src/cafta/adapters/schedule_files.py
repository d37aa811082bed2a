"""Tariff schedules a user imports, kept as CSV files in ``CAFTA_HOME/schedules``.

Import validates the whole file with the same loader as the shipped schedules before anything is
written, then writes it atomically (a temporary file, fsync, rename), so a failed or interrupted
import never leaves a half-written schedule behind. Schedules are layered in name order over the
shipped ones: a measure with the same party, line, type, origin and proof replaces the shipped
measure for the dates it covers.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cafta.core.errors import Conflict, InvalidInput, NotFound
from cafta.tariff.measure import Measure
from cafta.tariff.schedule import Schedule, ScheduleError, bundled_schedule, parse_schedule

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class ImportResult:
    name: str
    path: Path
    measures: list[Measure]


class ScheduleFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.csv"))

    def load(self) -> Schedule:
        """The shipped schedules with every imported schedule layered over them."""
        schedule = bundled_schedule()
        for path in self.files():
            with path.open(encoding="utf-8", newline="") as handle:
                schedule = schedule.merged(parse_schedule(handle, path.name))
        return schedule

    def import_file(
        self, source: Path, name: str | None = None, replace: bool = False
    ) -> ImportResult:
        if not source.is_file():
            raise NotFound(
                f"no file at {source}", code="tariff.file_not_found", hint="Check the path."
            )
        name = source.stem if name is None else name
        if not _NAME.match(name):
            raise InvalidInput(
                f"'{name}' cannot name a schedule",
                code="tariff.invalid_schedule_name",
                hint="Use letters, digits, dots, dashes and underscores.",
            )
        target = self.directory / f"{name}.csv"
        if target.exists() and not replace:
            raise Conflict(
                f"a schedule named {name} is already imported",
                code="tariff.schedule_exists",
                hint="Pass --replace to overwrite it, or --name to import it under another name.",
            )
        try:
            text = source.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{source} is not UTF-8 text",
                code="tariff.invalid_schedule",
                hint="Save the schedule as CSV in UTF-8.",
            ) from None
        measures = _parse(text, source)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return ImportResult(name, target, measures)


def _parse(text: str, source: Path) -> list[Measure]:
    """The measures of ``source``; a file that is no schedule at all (no header of one, no
    rows) is said as such, without the advice to fix rows that a file with bad rows gets."""
    try:
        return parse_schedule(text.splitlines(), str(source))
    except ScheduleError as error:
        if any(problem.startswith("row ") for problem in error.problems):
            raise
        raise InvalidInput(
            f"{source} is not a tariff schedule: {'; '.join(error.problems)}",
            code=error.code,
            hint="A schedule is a CSV file: a header row with the columns of docs/tariff.md, "
            "then a row per measure.",
            details=error.details,
        ) from None
