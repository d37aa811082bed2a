"""How the CLI shows results: Rich tables for people, JSON (``--json``) for programs.

JSON amounts are decimal strings with two places; dates are ISO 8601; every result carries its
``status`` (official or illustrative).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

from cafta.core.provenance import Status

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def status_badge(status: Status) -> str:
    if status is Status.ILLUSTRATIVE:
        return "[bold yellow]ILLUSTRATIVE[/]"
    return "[green]official[/]"
