"""Validity periods and date parsing.

Every rate, rule and threshold in ``cafta`` is valid over a closed interval of calendar days
(``valid_to`` inclusive, open-ended when ``None``), the way tariff schedules are published.
Computations take an explicit date (``on=``); nothing reads a hidden "today".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cafta.core.errors import InvalidInput


def parse_date(text: str, what: str = "date") -> date:
    """Parse an ISO 8601 calendar date (``2026-01-31``) with an error a person can act on."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{what} '{text}' is not a date",
            code="date.invalid",
            hint="Write it as YYYY-MM-DD, e.g. 2026-01-31.",
        ) from None


@dataclass(frozen=True, slots=True)
class Validity:
    """The days on which something is in force: ``valid_from`` to ``valid_to`` inclusive."""

    valid_from: date
    valid_to: date | None = None

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidInput(
                f"validity ends ({self.valid_to}) before it starts ({self.valid_from})",
                code="date.inverted_validity",
            )

    def contains(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def overlaps(self, other: Validity) -> bool:
        starts_before_other_ends = other.valid_to is None or self.valid_from <= other.valid_to
        other_starts_before_end = self.valid_to is None or other.valid_from <= self.valid_to
        return starts_before_other_ends and other_starts_before_end

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "open"
        return f"{self.valid_from.isoformat()} to {end}"
