"""How the CLI shows results: Rich tables for people, JSON (``--json``) for programs.

JSON amounts are decimal strings with two places; dates are ISO 8601; every result carries its
``status`` (official or illustrative).

A reader that stops reading early (``cafta declare list | head -1``) does not change what the
command does or the exit status it returns: a write into the closed pipe points the stream at
``os.devnull`` (Python's advice for SIGPIPE, in the :mod:`signal` documentation) and the command
goes on quietly. Rich's own handling would instead end the process with status 1, after the work
was done: a script with ``pipefail`` would then lodge the same declaration twice.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from rich.console import Console
from rich.measure import Measurement
from rich.segment import Segments
from rich.table import Table

from cafta.core.provenance import Status

_UNLIMITED = 100_000  # columns: a width no table reaches
_FOLDED = 8  # columns: the least a column that folds long words is given


def discard_closed(stream: IO[str]) -> None:
    """The reader of ``stream`` has gone: send what is still written to it (and what is left in
    its buffer, flushed at exit) to ``os.devnull`` instead, so nothing fails again."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's capture): nothing is flushed at exit either
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class _Console(Console):
    """A console that carries on when its reader has gone (see the module's docstring)."""

    def on_broken_pipe(self) -> None:
        discard_closed(self.file)


console = _Console(highlight=False, soft_wrap=True, emoji=False)
errors = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def emit_json(data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        discard_closed(sys.stdout)


def flush_stdout() -> None:
    """Flush standard output at the end of a command; a reader gone by then changes nothing."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        discard_closed(sys.stdout)


def print_table(table: Table) -> None:
    """Print ``table`` with every cell's text in it, however narrow the terminal or the pipe.

    Rich fits a table into the console's width (80 when the output is piped): it wraps columns
    at spaces, folds long words in columns that say so, and shortens the rest to "…"; a column
    that may not wrap takes its full width, and when those do not fit, the other columns get no
    width at all and their cells come out empty. A table that cannot fit without losing text is
    laid out at its natural width instead, a line per row, and the terminal folds the long
    lines. Any other table is printed as Rich fits it.
    """
    if _narrowest(table) <= console.width:
        console.print(table)
        return
    natural = Measurement.get(console, console.options.update_width(_UNLIMITED), table).maximum
    lines = console.render(table, console.options.update_width(natural))
    console.print(Segments(lines), crop=False)


def _narrowest(table: Table) -> int:
    """The narrowest width at which ``table`` keeps all its text: a column that may not wrap
    at its full width, one that folds long words at a few characters, any other at its longest
    word; plus the borders and padding (what Rich's own minimum adds to the longest words)."""
    options = console.options.update_width(_UNLIMITED)
    longest_words, needed = 0, 0
    for column in table.columns:
        sizes = [Measurement.get(console, options, cell) for cell in (column.header, *column.cells)]
        longest_word = max(size.minimum for size in sizes)
        longest_words += longest_word
        if column.no_wrap:
            needed += max(size.maximum for size in sizes)
        elif column.overflow == "fold":
            needed += min(longest_word, _FOLDED)
        else:
            needed += longest_word
    borders = Measurement.get(console, options, table).minimum - longest_words
    return needed + borders


def status_badge(status: Status) -> str:
    if status is Status.ILLUSTRATIVE:
        return "[bold yellow]ILLUSTRATIVE[/]"
    return "[green]official[/]"
