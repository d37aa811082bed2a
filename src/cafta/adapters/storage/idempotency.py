"""Idempotency keys: the request first seen with a key, and the declaration it made.

A key is remembered in the same transaction as the declaration it created, so either both exist
or neither does; the same (scope, key) twice is a ``Conflict`` (``idempotency.exists``), also
when two requests race (on PostgreSQL the second insert waits for the first to commit).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, select

from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import idempotency_keys
from cafta.core.errors import Conflict

__all__ = ["SqlIdempotencyStore"]

# Built once: every lodging with a key looks it up, and building the statement per call costs
# more than running it.
_FIND = select(idempotency_keys.c.request_hash, idempotency_keys.c.declaration_id).where(
    and_(idempotency_keys.c.scope == bindparam("scope"), idempotency_keys.c.key == bindparam("key"))
)


class SqlIdempotencyStore:
    """:class:`cafta.services.ports.IdempotencyStore` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def find(self, scope: str, key: str) -> tuple[str, str] | None:
        row = self._db.execute(_FIND, {"scope": scope, "key": key}).one_or_none()
        return None if row is None else (row.request_hash, row.declaration_id)

    def remember(self, scope: str, key: str, request_hash: str, declaration_id: str) -> None:
        values = {
            "scope": scope,
            "key": key,
            "request_hash": request_hash,
            "declaration_id": declaration_id,
            # The port passes no time; the row's age is for housekeeping only.
            "created_at": datetime.now(UTC),
        }
        if not insert_new(self._db, idempotency_keys, values):
            raise Conflict(
                f"the idempotency key '{key}' has already been used",
                code="idempotency.exists",
                hint="Send a new Idempotency-Key for a new request, or repeat the first request "
                "exactly to get its result again.",
                details={"scope": scope, "key": key},
            )
