"""Column types and value conversions shared by every table.

Times are stored as UTC instants and always come back time-zone aware: PostgreSQL keeps them in
``timestamptz``; SQLite has no time type, so they are stored as ISO text in UTC and read back
with UTC attached. Documents and payloads are stored as JSON *text*, never a JSON column type,
so both databases keep exactly the characters written (amounts are decimal strings and no
number is ever turned into a float by the database).

Two writers of that text:

- :func:`to_json_text`, the canonical form (Python's ``json``: sorted keys, no spaces), for what
  is hashed: the audit log's entries are verified by encoding what was read back again, so that
  form must never change. For plain JSON data msgspec writes the same text faster, and it is
  used where it provably does (see there); :func:`to_canonical_json` gives the text with the
  value it reads back as.
- :func:`to_document_text`, for what is only stored and read back (a declaration's document, an
  outbox message): msgspec, several times faster on a declaration's document (about 9 KB with
  its assessment), with keys sorted too. The two differ only in how a float is spelled
  (``1e16`` against ``1e+16``; the same number either way) and in what a NaN becomes (see there).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NoReturn

import msgspec
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from cafta.core.errors import InvalidInput

__all__ = [
    "UtcDateTime",
    "from_json_text",
    "to_canonical_json",
    "to_document_text",
    "to_json_text",
    "utc",
]


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
    """Canonical JSON text: sorted keys, no spaces, Unicode kept as is.

    The form is Python's ``json`` (``sort_keys``, ``separators=(",", ":")``,
    ``ensure_ascii=False``, ``allow_nan=False``) and must never change: audit entries are
    verified by writing what was read back again. msgspec writes the same text several times
    faster for *plain* JSON data: objects with string keys, lists, strings without lone
    surrogates, integers, booleans and null (the tests compare the two on every code point and
    on generated documents). So msgspec writes it first, and its text is kept only if reading
    it back, with any floating-point number refused, gives a value equal to ``document``: a
    float (which the two spell differently beyond 1e16), a tuple, a ``Decimal``, a date, a set
    or a key that is not a string all fail that test and are written by ``json`` as before,
    which also raises ``storage.not_json`` where it always did."""
    plain = _plain_json(document)
    return plain[0] if plain is not None else _python_json_text(document, what)


def _python_json_text(document: Mapping[str, Any], what: str) -> str:
    """The canonical text as Python's ``json`` writes it (the definition of the form)."""
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


def _refuse_decimal(value: Decimal) -> NoReturn:
    raise TypeError(f"Object of type Decimal is not JSON serializable: {value}")


def _refuse_float(text: str) -> NoReturn:
    raise ValueError(f"a floating-point number: {text}")


_DOCUMENT_ENCODER = msgspec.json.Encoder(order="sorted", decimal_format=_refuse_decimal)
_PLAIN_DECODER = msgspec.json.Decoder(float_hook=_refuse_float)


def _plain_json(document: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The canonical text of ``document`` written by msgspec and the value it reads back as,
    or ``None`` when ``document`` is not plain JSON data (see :func:`to_json_text`)."""
    try:
        encoded = _DOCUMENT_ENCODER.encode(document)
        value = _PLAIN_DECODER.decode(encoded)
        if value != document:
            return None
    except (TypeError, ValueError, msgspec.MsgspecError):
        return None
    return encoded.decode("utf-8"), value


def to_canonical_json(document: Mapping[str, Any], what: str = "document") -> tuple[str, Any]:
    """What storing ``document`` as canonical JSON keeps: the canonical text of the value it
    reads back as, and that value (a key that is not a string becomes one, a tuple a list).
    The text is ``to_json_text(value)``, so what is hashed is what a verification, reading the
    value back and writing it again, will hash."""
    plain = _plain_json(document)
    if plain is not None:
        return plain
    stored = from_json_text(_python_json_text(document, what))
    return to_json_text(stored), stored


def to_document_text(document: Mapping[str, Any], what: str = "document") -> str:
    """JSON text of a document that is stored and read back but never hashed.

    What the canonical encoder refuses is refused here too, with the same error: a ``Decimal``
    (the documents carry amounts as strings), and anything msgspec cannot write (a key that is
    not a string, an object) is handed to :func:`to_json_text`, which writes it as before or
    gives ``storage.not_json``. One difference is left: a NaN or an infinity is written as
    ``null`` where the canonical encoder refuses it. No document written this way holds a float
    (amounts, quantities and rates are strings, scores are checked finite by the risk engine);
    the label store, whose features are floats, keeps the canonical encoder."""
    try:
        return _DOCUMENT_ENCODER.encode(document).decode("utf-8")
    except (TypeError, ValueError):
        return to_json_text(document, what)


def from_json_text(text: str) -> Any:
    """The JSON value of ``text``: msgspec's decoder (twice as fast as ``json`` on a
    declaration's document), and ``json`` for what msgspec declines (a number too large for a
    float, a lone surrogate escape), so the result is always what ``json.loads`` gives."""
    try:
        return msgspec.json.decode(text)
    except (msgspec.DecodeError, UnicodeEncodeError):  # the latter: a lone surrogate in the text
        return json.loads(text)
