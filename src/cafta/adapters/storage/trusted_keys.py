"""Trusted issuing-authority keys in the database, for ``cafta keys trust-import``.

A row per Ed25519 public key (``public_key`` is its base64url text, ``kid`` its RFC 7638
thumbprint), with the authority that holds it and the days it is trusted for. Importing a trust
list again is safe: new keys are added, changed ones (a key given an end date) are updated,
unchanged ones are left alone; the time a key was first added is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from cafta.adapters.storage.columns import utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.tables import trusted_keys
from cafta.core.errors import InvalidInput

__all__ = ["TrustedKeyRecord", "TrustedKeyStore"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class TrustedKeyRecord:
    kid: str
    authority: str
    country: str
    public_key: str
    """The raw 32-byte Ed25519 key, base64url without padding (the JWK ``x``)."""
    authority_name: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    party: str | None = None
    """The importing party whose trust list named the key (``None``: not tied to one)."""
    added_at: datetime | None = None
    """When the key was first stored (set by the store; ignored by :meth:`add_many`)."""


_COLUMNS = tuple(f.name for f in fields(TrustedKeyRecord))
_CONTENT = tuple(name for name in _COLUMNS if name not in ("kid", "added_at"))


def _record(row: Row[Any]) -> TrustedKeyRecord:
    return TrustedKeyRecord(**{name: getattr(row, name) for name in _COLUMNS})


class TrustedKeyStore:
    """The ``trusted_keys`` table, over one transaction (``SqlUnitOfWork.trusted_keys``)."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add_many(self, records: Iterable[TrustedKeyRecord], at: datetime) -> int:
        """Add new keys and update changed ones; the number of keys added or changed."""
        wanted: dict[str, TrustedKeyRecord] = {}
        for record in records:
            if record.kid in wanted and wanted[record.kid] != record:
                raise InvalidInput(
                    f"key {record.kid} is listed twice with different details",
                    code="trust.duplicate_key",
                    hint="Keep one entry per key id in the trust list.",
                )
            wanted[record.kid] = replace(record, added_at=None)
        stored = self._stored(list(wanted))
        added_at = utc(at, "added_at")
        written = 0
        for kid, record in wanted.items():
            content = {name: getattr(record, name) for name in _CONTENT}
            old = stored.get(kid)
            if old is None:
                self._db.execute(insert(trusted_keys).values(kid=kid, added_at=added_at, **content))
            elif replace(old, added_at=None) != record:
                self._db.execute(
                    update(trusted_keys).where(trusted_keys.c.kid == kid).values(**content)
                )
            else:
                continue
            written += 1
        return written

    def all(self) -> Sequence[TrustedKeyRecord]:
        """Every key, by authority and then key id."""
        query = select(trusted_keys).order_by(trusted_keys.c.authority, trusted_keys.c.kid)
        return [_record(row) for row in self._db.execute(query)]

    def _stored(self, kids: list[str]) -> dict[str, TrustedKeyRecord]:
        found: dict[str, TrustedKeyRecord] = {}
        for start in range(0, len(kids), _CHUNK):
            chunk = kids[start : start + _CHUNK]
            query = select(trusted_keys).where(trusted_keys.c.kid.in_(chunk))
            found.update((row.kid, _record(row)) for row in self._db.execute(query))
        return found
