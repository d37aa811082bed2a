"""Composition root: builds the services an entry point needs from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from cafta.adapters.schedule_files import ScheduleFiles
from cafta.config import Settings
from cafta.core.clock import Clock, SystemClock
from cafta.core.errors import NotFound
from cafta.refdata.exchange_rates import ManualRates, RateProvider, default_rate_provider
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


def _rates(settings: Settings) -> RateProvider:
    for path, variable in (
        (settings.ecb_file, "CAFTA_ECB_FILE"),
        (settings.rates_file, "CAFTA_RATES_FILE"),
    ):
        if path is not None and not path.is_file():
            raise NotFound(
                f"{variable} names {path}, which is not a file",
                code="config.file_not_found",
                hint=f"Point {variable} at an existing file, or unset it.",
            )
    own = ManualRates.from_csv(settings.rates_file) if settings.rates_file else None
    return default_rate_provider(ecb_archive=settings.ecb_file, own_rates=own)


def build(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings.from_env()
    return Services(
        settings=settings,
        clock=clock or SystemClock.in_zone(settings.timezone),
        rates=_rates(settings),
        schedule_files=ScheduleFiles(settings.schedules_dir),
    )
