"""Repeating rows of a form (materials of a bill, items of a declaration), without script.

Fields of row ``n`` are named ``<prefix>-<n>-<field>``. The rows are whatever numbers are
posted, in order: rows the page's script removed leave no gap to fill, and the form shows them
numbered again from 0. "Add rows" and each row's "Remove" are submit buttons, so rows change
with a round trip when the browser runs no script.

Cells are kept whole (stripped, never cut): each form checks its own fields' lengths and says
next to a field what is too long, where cutting it would change what was meant (a signed Form E
cut to 200 characters is no longer a certificate).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from cafta.web.forms import text_of

__all__ = ["adding", "posted_rows", "removing"]

R = TypeVar("R")


def posted_rows(
    form: Mapping[str, Any], field: re.Pattern[str], limit: int
) -> list[dict[str, str]]:
    """The cells of each posted row, in row order, at most ``limit`` rows; ``field`` matches a
    field's name with the row number as group 1 and the field as group 2. Each cell is the
    whole text posted, stripped."""
    cells: dict[int, dict[str, str]] = {}
    for name in form:
        match = field.match(name)
        if match:
            cells.setdefault(int(match.group(1)), {})[match.group(2)] = text_of(form, name, None)
    return [row for _, row in sorted(cells.items())[:limit]]


def adding(rows: tuple[R, ...], blank: R, count: int, limit: int) -> tuple[R, ...]:
    """``rows`` and ``count`` blank rows more, up to ``limit`` rows in all."""
    room = max(0, limit - len(rows))
    return rows + (blank,) * min(count, room)


def removing(rows: tuple[R, ...], index: int, blank: R) -> tuple[R, ...]:
    """``rows`` without row ``index``; one blank row is left when it was the last."""
    kept = tuple(row for number, row in enumerate(rows) if number != index)
    return kept or (blank,)
