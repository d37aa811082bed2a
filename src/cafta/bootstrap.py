"""Composition root: builds the services an entry point needs from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from cafta.adapters.schedule_files import ScheduleFiles
from cafta.config import Settings
from cafta.core.clock import Clock, SystemClock
from cafta.refdata.exchange_rates import RateProvider, default_rate_provider
from cafta.tariff.schedule import Schedule


@dataclass
class Services:
    settings: Settings
    clock: Clock
    rates: RateProvider
    schedule_files: ScheduleFiles
    _schedule: Schedule | None = None

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            self._schedule = self.schedule_files.load()
        return self._schedule


def build(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings.from_env()
    return Services(
        settings=settings,
        clock=clock or SystemClock.in_zone(settings.timezone),
        rates=default_rate_provider(),
        schedule_files=ScheduleFiles(settings.schedules_dir),
    )
