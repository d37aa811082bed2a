"""Composition root: builds the services an entry point needs from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from cafta.adapters.schedule_files import ScheduleFiles
from cafta.certificates.policy import VerificationPolicy
from cafta.config import Settings
from cafta.core.clock import Clock, SystemClock
from cafta.core.errors import InvalidInput, NotFound
from cafta.origin.psr import PsrTable, bundled_psr
from cafta.origin.rulebook import Rulebook
from cafta.origin.scheme import ACFTA, parse_chapters
from cafta.refdata.exchange_rates import ManualRates, RateProvider, default_rate_provider
from cafta.tariff.schedule import Schedule


@dataclass
class Services:
    settings: Settings
    clock: Clock
    rates: RateProvider
    schedule_files: ScheduleFiles
    _schedule: Schedule | None = None
    _rulebook: Rulebook | None = None

    @property
    def schedule(self) -> Schedule:
        if self._schedule is None:
            self._schedule = self.schedule_files.load()
        return self._schedule

    @property
    def verification_policy(self) -> VerificationPolicy:
        """How Form E certificates are checked, with the [U] settings as configured."""
        try:
            return VerificationPolicy(
                validity_months=self.settings.form_e_validity_months,
                quantity_tolerance=self.settings.quantity_tolerance,
                hs_floor_digits=self.settings.hs_minor_digits,
            )
        except InvalidInput as error:
            raise InvalidInput(
                f"the Form E settings are not usable: {error.message}",
                code="config.invalid",
                hint="Check CAFTA_FORM_E_VALIDITY_MONTHS, CAFTA_QUANTITY_TOLERANCE and "
                "CAFTA_HS_MINOR_DIGITS.",
            ) from None

    @property
    def rulebook(self) -> Rulebook:
        """ACFTA's origin rules: the PSR table and CTH chapter list as configured."""
        if self._rulebook is None:
            self._rulebook = _rulebook(self.settings)
        return self._rulebook


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


def _rulebook(settings: Settings) -> Rulebook:
    scheme = ACFTA
    if settings.cth_chapters:
        scheme = scheme.with_cth_chapters(
            parse_chapters(settings.cth_chapters), "chapters configured in CAFTA_CTH_CHAPTERS"
        )
    if settings.psr_file is None:
        return Rulebook(scheme, bundled_psr())
    if not settings.psr_file.is_file():
        raise NotFound(
            f"CAFTA_PSR_FILE names {settings.psr_file}, which is not a file",
            code="config.file_not_found",
            hint="Point CAFTA_PSR_FILE at an existing PSR table, or unset it.",
        )
    return Rulebook(scheme, PsrTable.from_csv(settings.psr_file))


def build(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings.from_env()
    return Services(
        settings=settings,
        clock=clock or SystemClock.in_zone(settings.timezone),
        rates=_rates(settings),
        schedule_files=ScheduleFiles(settings.schedules_dir),
    )
