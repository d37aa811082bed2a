"""Settings, read from the environment by entry points (never at import time).

``CAFTA_HOME``: where ``cafta`` keeps what users give it (imported schedules); by default the
platform's user data directory. ``CAFTA_TIMEZONE``: the zone whose calendar day is "today" when a
command is not given ``--on`` (default Asia/Shanghai, the zone of China customs).
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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = env.get("CAFTA_HOME") or user_data_dir("cafta", appauthor=False)
        return cls(
            home=Path(home).expanduser(), timezone=env.get("CAFTA_TIMEZONE", "Asia/Shanghai")
        )

    @property
    def schedules_dir(self) -> Path:
        return self.home / "schedules"
