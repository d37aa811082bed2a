"""The clock is injected: domain code asks a :class:`Clock`, never ``datetime.now()``.

Entry points build a :class:`SystemClock` in the time zone of the customs office that decides
(China customs applies the rate in force on the day the declaration is accepted, Beijing time);
tests build a :class:`FixedClock`, so every run can be replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, time-zone aware."""
        ...

    def today(self) -> date:
        """The current calendar day in the clock's time zone."""
        ...


@dataclass(frozen=True, slots=True)
class SystemClock:
    """Wall-clock time in a given zone (default UTC)."""

    zone: tzinfo = field(default=UTC)

    @classmethod
    def in_zone(cls, name: str) -> SystemClock:
        return cls(ZoneInfo(name))

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def today(self) -> date:
        return self.now().date()


@dataclass(slots=True)
class FixedClock:
    """A clock that stays where it is put, for tests and replays; :meth:`advance` moves it."""

    instant: datetime

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs a time-zone aware datetime")

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return self.instant.date()

    def advance(self, by: timedelta) -> None:
        self.instant = self.instant + by
