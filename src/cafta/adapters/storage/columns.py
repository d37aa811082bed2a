"""Column types and value conversions shared by every table.

Times are stored as UTC instants and always come back time-zone aware: PostgreSQL keeps them in
``timestamptz``; SQLite has no time type, so they are stored as ISO text in UTC and read back
with UTC attached. Documents and payloads are stored as canonical JSON *text*, never a JSON
column type, so both databases keep exactly the characters written (amounts are decimal strings
and no number is ever turned into a float by the database).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from cafta.core.errors import InvalidInput

__all__ = ["UtcDateTime", "from_json_text", "to_json_text", "utc"]


def utc(value: datetime, what: str = "time") -> datetime:
    """``value`` as a UTC instant; a naive datetime is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{what} {value.isoformat()} has no time zone",
            code="storage.naive_datetime",
            hint="Pass a time-zone aware datetime (the injected Clock gives one).",
        )
    return value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that writes UTC and reads back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant = utc(value)
        # SQLite's DATETIME text has no offset: store the UTC wall time, read it back as UTC.
        return instant.replace(tzinfo=None) if dialect.name == "sqlite" else instant

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def to_json_text(document: Mapping[str, Any], what: str = "document") -> str:
    """Canonical JSON text: sorted keys, no spaces, Unicode kept as is."""
    try:
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as error:
        raise InvalidInput(
            f"the {what} cannot be stored as JSON: {error}",
            code="storage.not_json",
            hint="Store amounts and dates as strings, and only objects, lists, strings, "
            "numbers, true/false and null.",
        ) from None


def from_json_text(text: str) -> Any:
    return json.loads(text)
