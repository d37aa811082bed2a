"""Composition root: builds the services an entry point needs from its settings."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cafta.adapters.schedule_files import ScheduleFiles
from cafta.adapters.storage.locations import default_database_url
from cafta.certificates.policy import VerificationPolicy
from cafta.certificates.trust import TrustList
from cafta.config import Settings
from cafta.core.clock import Clock, SystemClock
from cafta.core.errors import CaftaError, InvalidInput, NotFound
from cafta.origin.psr import PsrTable, bundled_psr
from cafta.origin.rulebook import Rulebook
from cafta.origin.scheme import ACFTA, parse_chapters
from cafta.refdata.exchange_rates import (
    EcbRates,
    ManualRates,
    RateProvider,
    default_rate_provider,
)
from cafta.risk.quotas import QuotaTable
from cafta.risk.ruleset import RuleSet
from cafta.risk.scoring import Scorer
from cafta.risk.traders import TrustedTraders
from cafta.services.clearance import Clearance
from cafta.services.ports import UnitOfWorkFactory
from cafta.services.preference import PreferenceChecker
from cafta.services.representations import Representations
from cafta.services.risk_lanes import RiskLanes, default_risk_engine
from cafta.services.writes import GroupCommit
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
    own = None
    if settings.rates_file is not None:
        table = settings.rates_file
        own = _configured_file("CAFTA_RATES_FILE", lambda: ManualRates.from_csv(table))
    if settings.ecb_file is not None:  # read now: a bad file stops the node, not a request
        ecb = settings.ecb_file
        _configured_file("CAFTA_ECB_FILE", lambda: EcbRates(archive=ecb).coverage())
    return default_rate_provider(ecb_archive=settings.ecb_file, own_rates=own)


def _configured_file(variable: str, read: Callable[[], T]) -> T:
    """``read()``, with a file it cannot use reported as the setting's (``config.invalid``)."""
    try:
        return read()
    except CaftaError as error:
        raise CaftaError(
            f"{variable}: {error.message}", code="config.invalid", hint=error.hint
        ) from error
    except (OSError, ValueError, LookupError, zipfile.BadZipFile) as error:
        raise CaftaError(
            f"{variable}: the file cannot be read ({type(error).__name__}: {error})",
            code="config.invalid",
            hint=f"Point {variable} at a file in the documented form, or unset it.",
        ) from error


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
    psr_file = settings.psr_file
    return Rulebook(scheme, _configured_file("CAFTA_PSR_FILE", lambda: PsrTable.from_csv(psr_file)))


def database_url(settings: Settings, override: str | None = None) -> str:
    """The database to use: ``override`` (a ``--database`` option), else ``CAFTA_DATABASE_URL``,
    else ``cafta.db`` in the working directory."""
    return override or settings.database_url or default_database_url(Path.cwd())


def build(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings.from_env()
    return Services(
        settings=settings,
        clock=clock or SystemClock.in_zone(settings.timezone),
        rates=_rates(settings),
        schedule_files=ScheduleFiles(settings.schedules_dir),
    )


@dataclass
class Node:
    """A customs node: its database and the clearance services over it."""

    url: str
    engine: Any
    """The SQLAlchemy engine (typed loosely so importing bootstrap does not load SQLAlchemy)."""
    uow: UnitOfWorkFactory
    clearance: Clearance
    trust: Callable[[], TrustList]
    representations: Representations
    """The register of brokers' authorities (:mod:`cafta.services.representations`)."""

    def close(self) -> None:
        self.engine.dispose()


def _risk_scorer(services: Services) -> Scorer | None:
    """The learned model the settings name (``CAFTA_RISK_MODEL``), or ``None`` for the rules.

    The model was trained on values in Korean won (the public data set); a declaration's
    customs value in CNY is converted at the day's rate when the node opens."""
    path = services.settings.risk_model
    if path is None:
        return None
    from cafta.adapters.ml.scorer import ModelScorer  # noqa: PLC0415 - loads LightGBM

    rate = services.rates.rate("CNY", "KRW", services.clock.today()).rate
    return _configured_file(
        "CAFTA_RISK_MODEL", lambda: ModelScorer.from_store(path, {"CNY": float(rate)})
    )


@dataclass(frozen=True)
class RiskConfiguration:
    """The office's risk set-up as its settings name it: ``None`` where a setting is unset
    (the shipped rules, the default quotas, no trusted trader)."""

    rules: RuleSet | None = None
    quotas: QuotaTable | None = None
    traders: TrustedTraders | None = None


def risk_configuration(settings: Settings) -> RiskConfiguration:
    """Read the files ``CAFTA_RISK_RULES``, ``CAFTA_RISK_QUOTAS`` and ``CAFTA_TRUSTED_TRADERS``
    name (``config.file_not_found`` / ``config.invalid`` naming the file and the field)."""
    from cafta.adapters import risk_files  # noqa: PLC0415 - loads YAML

    return RiskConfiguration(
        rules=risk_files.read_rule_set(settings.risk_rules) if settings.risk_rules else None,
        quotas=risk_files.read_quota_table(settings.risk_quotas) if settings.risk_quotas else None,
        traders=risk_files.read_trusted_traders(settings.trusted_traders)
        if settings.trusted_traders
        else None,
    )


def open_node(
    services: Services,
    database: str | None = None,
    *,
    upgrade: bool = False,
    risk_seed: int | None = None,
) -> Node:
    """Connect to the node's database (creating or upgrading its schema when ``upgrade``) and
    build the clearance services: the tariff schedule, the exchange rates, the Form E checks
    against the stored trust list and received certificates, and the risk engine (the rule set,
    lane quotas and trusted-trader register the settings name, :func:`risk_configuration`)."""
    # Imported here: commands that never touch the database do not load SQLAlchemy.
    from cafta.adapters.storage.engine import create_engine_for  # noqa: PLC0415

    # Read first: a broken configuration file stops the node before it connects.
    risk = risk_configuration(services.settings)
    url = database_url(services.settings, database)
    engine = create_engine_for(url)
    try:
        return _node(services, url, engine, risk, risk_seed, upgrade=upgrade)
    except BaseException:
        engine.dispose()  # a node that failed to open leaves no connection behind
        raise


def _node(services: Services, url: str, engine: Any, risk: RiskConfiguration,
          risk_seed: int | None, *, upgrade: bool) -> Node:  # fmt: skip
    from cafta.adapters.crypto import Ed25519Verifier  # noqa: PLC0415
    from cafta.adapters.storage.authority import StoredAuthority  # noqa: PLC0415
    from cafta.adapters.storage.idempotency import SqlKeyLookup  # noqa: PLC0415
    from cafta.adapters.storage.schema import upgrade_engine  # noqa: PLC0415
    from cafta.adapters.storage.trust_source import StoredTrust  # noqa: PLC0415
    from cafta.adapters.storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory  # noqa: PLC0415

    if upgrade:
        upgrade_engine(engine)
    factory = SqlUnitOfWorkFactory(engine)

    def received(reference: str) -> str | None:
        with SqlUnitOfWork(engine, read_only=True) as uow:
            return uow.received.get(reference)

    def holders(reference: str) -> Sequence[str]:
        with SqlUnitOfWork(engine, read_only=True) as uow:
            return uow.certificate_claims.holders(reference)

    trust = StoredTrust(engine)
    checker = PreferenceChecker(
        trust=trust,
        verifier=Ed25519Verifier(),
        policy=services.verification_policy,
        rules=services.rulebook,
        rates=services.rates,
        received=received,
        holders=holders,
    )
    risk_engine = default_risk_engine(
        seed=risk_seed, rules=risk.rules, quotas=risk.quotas, scorer=_risk_scorer(services)
    )
    lanes = RiskLanes(risk_engine, risk.traders)
    _recall_lanes(lanes, factory, services.clock.now())
    authority = StoredAuthority(engine)
    clearance = Clearance(
        uow=factory,
        clock=services.clock,
        schedule=lambda: services.schedule,
        rates=services.rates,
        preference=checker,
        lanes=lanes,
        writer=GroupCommit(factory),
        keys=SqlKeyLookup(engine),
        authority=authority,
    )
    register = Representations(factory, services.clock, forget=authority.forget)
    return Node(url, engine, factory, clearance, trust, register)


RECALL_DAYS = 2
"""How far back a starting node reads its lane decisions: today's quota period (quotas are
met day by day) and the day before, which fills the window of recent scores on a node with
traffic; at most :data:`RECALL_LIMIT` declarations, the newest."""
RECALL_LIMIT = 5_000


def _recall_lanes(lanes: RiskLanes, uow: UnitOfWorkFactory, now: datetime) -> None:
    """Give the risk engine the lanes decided before this process started: the quota counts
    of the days it keeps and its window of recent scores (a database without the tables yet is
    left for the first request to report)."""
    try:
        with uow(read_only=True) as work:
            records = work.declarations.lodged(now - timedelta(days=RECALL_DAYS), now,
                                               limit=RECALL_LIMIT)  # fmt: skip
    except CaftaError as error:
        if error.code.startswith("storage."):
            return
        raise
    lanes.recall(reversed(records))


T = TypeVar("T")


def configured(load: Callable[[], T], what: str) -> T:
    """``load()``, a part of the server's set-up (a schedule file, the rules of origin, the
    trust list): its failure is the operator's to fix (``config.unusable``, answered 503 by the
    API and the portal), never the caller's: a broken schedule file is not a bad request."""
    try:
        return load()
    except CaftaError as error:
        if error.code.startswith("config."):
            raise
        raise CaftaError(
            f"{what} cannot be loaded: {error}",
            code="config.unusable",
            hint="The server's operator must fix its configuration.",
            details={"cause": error.code},
        ) from error
