"""The portal's own settings, read from the environment by the server (never at import time).

``CAFTA_SECRET``: the key that signs the portal's anti-forgery (CSRF) tokens. Unset, each process
makes up its own at start: that is fine for one process, but with several workers (``cafta serve
--workers N``) or several hosts a form served by one process would be refused by another, so set
the same secret (at least 32 characters, e.g. ``python -c "import secrets;
print(secrets.token_urlsafe(32))"``) for all of them. ``CAFTA_SECURE_COOKIES=1``: mark the
portal's cookies ``Secure`` even when the request reached the application over plain HTTP, as it
does behind a proxy that terminates TLS; without it they are ``Secure`` when the request is
HTTPS. ``CAFTA_DASHBOARD_REFRESH``: how many seconds the dashboard keeps the figures it counted
for a period before counting again (default 60; 0 counts on every view).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from cafta.core.errors import InvalidInput

__all__ = ["MIN_SECRET_LENGTH", "PortalSettings"]

MIN_SECRET_LENGTH = 32
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class PortalSettings:
    """The signing key of the CSRF tokens and whether cookies are always ``Secure``."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    secure_cookies: bool = False
    dashboard_refresh: timedelta = timedelta(seconds=60)
    """How long the dashboard's figures for a period are kept before they are counted again."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PortalSettings:
        """``CAFTA_SECRET`` and ``CAFTA_SECURE_COOKIES``; a secret too short is a
        ``config.invalid`` error, as is a flag that is not a yes or no."""
        env = os.environ if env is None else env
        text = env.get("CAFTA_SECRET", "")
        if text and len(text) < MIN_SECRET_LENGTH:
            raise InvalidInput(
                f"CAFTA_SECRET is {len(text)} characters long; it needs at least "
                f"{MIN_SECRET_LENGTH}",
                code="config.invalid",
                hint="Use a long random value, the same for every worker and host.",
            )
        flag = env.get("CAFTA_SECURE_COOKIES", "").strip().lower()
        if flag not in _TRUE | _FALSE:
            raise InvalidInput(
                f"CAFTA_SECURE_COOKIES={flag} is not a yes or no",
                code="config.invalid",
                hint="Set it to 1 behind a proxy that terminates HTTPS, or unset it.",
            )
        secure = flag in _TRUE
        refresh = _seconds(env.get("CAFTA_DASHBOARD_REFRESH", "60"), "CAFTA_DASHBOARD_REFRESH")
        if text:
            return cls(
                secret=text.encode("utf-8"), secure_cookies=secure, dashboard_refresh=refresh
            )
        return cls(secure_cookies=secure, dashboard_refresh=refresh)


def _seconds(text: str, name: str) -> timedelta:
    try:
        value = int(text.strip() or "0")
    except ValueError:
        value = -1
    if not 0 <= value <= 86_400:
        raise InvalidInput(
            f"{name}={text} is not a number of seconds from 0 to 86400",
            code="config.invalid",
            hint="Give whole seconds, e.g. 60; 0 counts again on every view.",
        )
    return timedelta(seconds=value)
