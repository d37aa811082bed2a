"""How the CLI shows results: Rich tables for people, JSON (``--json``) for programs.

JSON amounts are decimal strings with two places; dates are ISO 8601; every result carries its
``status`` (official or illustrative).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.segment import Segments
from rich.table import Table

from cafta.core.provenance import Status

_UNLIMITED = 100_000  # columns: a width no table reaches
console = Console(highlight=False, soft_wrap=True, emoji=False)
errors = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_table(table: Table) -> None:
    """Print ``table`` with every cell's text in it, however narrow the terminal or the pipe.

    Rich fits a table into the console's width (80 when the output is piped) by wrapping its
    columns at spaces, and when the words do not fit either, it gives some columns no width at
    all: their cells come out empty. A table whose words cannot fit is laid out at its natural
    width instead, a line per row, and the terminal folds the long lines (Rich's own narrowest
    layout still cut words short). A table that fits is printed as before.
    """
    width = Measurement.get(console, console.options.update_width(_UNLIMITED), table)
    if width.minimum <= console.width:
        console.print(table)
        return
    lines = console.render(table, console.options.update_width(width.maximum))
    console.print(Segments(lines), crop=False)


def status_badge(status: Status) -> str:
    if status is Status.ILLUSTRATIVE:
        return "[bold yellow]ILLUSTRATIVE[/]"
    return "[green]official[/]"
