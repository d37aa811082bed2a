"""The error tree of the whole package.

One root, :class:`CaftaError`, so an edge (CLI, API, portal) can translate every failure in one
place. Each error carries a stable, dotted ``code`` (``hs.invalid_length``,
``tariff.ambiguous_line``) that clients may match on, a message a trader can act on, and an
optional ``hint`` saying what to do next. Business outcomes (a good is not originating, a lane
is red) are values, not exceptions: an exception means "cannot do what you asked".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CaftaError(Exception):
    """Root of every error raised by ``cafta``."""

    default_code = "cafta.error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        hint: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.hint = hint
        self.details: Mapping[str, Any] = dict(details or {})

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        stop = "" if self.message.endswith((".", "?", "!", ":")) else "."
        return f"{self.message}{stop} {self.hint}"


class DomainError(CaftaError):
    """A request the domain cannot satisfy as asked."""

    default_code = "domain.error"


class InvalidInput(DomainError, ValueError):
    """Input that is malformed or out of range (a bad code, a negative value, a bad date)."""

    default_code = "input.invalid"


class NotFound(CaftaError, LookupError):
    """Something that was asked for by key does not exist."""

    default_code = "not_found"


class Conflict(CaftaError):
    """The request conflicts with the current state (a concurrent change, a duplicate)."""

    default_code = "conflict"


class Forbidden(CaftaError):
    """The caller is known but its role or party may not do this."""

    default_code = "auth.forbidden"
