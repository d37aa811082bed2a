"""Idempotency keys: the request first seen with a key, and the declaration it made.

A key is remembered in the same transaction as the declaration it created, so either both exist
or neither does; the same (scope, key) twice is a ``Conflict`` (``idempotency.exists``), also
when two requests race (on PostgreSQL the second insert waits for the first to commit).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.driver import DriverStatement
from cafta.adapters.storage.failures import storage_error
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import idempotency_keys
from cafta.core.errors import Conflict

__all__ = ["SqlIdempotencyStore", "SqlKeyLookup"]

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


_FIND_ON_DRIVER = DriverStatement(_FIND)


class SqlKeyLookup:
    """:class:`cafta.services.ports.KeyLookup`: the look-up a lodging makes before its pipeline,
    as one ``SELECT`` on a pooled driver connection.

    A read-only unit of work for the same question costs five times as much (checking out a
    SQLAlchemy connection, ``BEGIN``, the statement through SQLAlchemy's execution machinery,
    ``ROLLBACK``), and nearly every lodging pays it. One statement sees committed data whether
    or not a transaction is open: on SQLite the connection is in autocommit mode (transactions
    are begun explicitly, :mod:`.engine`), on PostgreSQL the pool rolls the implicit transaction
    back when the connection is given back. The statement is the store's own, run as the writes
    on the driver are (:mod:`.driver`).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def find(self, scope: str, key: str) -> tuple[str, str] | None:
        engine = self._engine
        try:
            connection = engine.raw_connection()
        except DBAPIError as error:
            raise storage_error(error, engine.url, connecting=True) from error
        try:
            row = _FIND_ON_DRIVER.run(connection, engine.dialect, engine.url,
                                      [{"scope": scope, "key": key}], fetch=True)  # fmt: skip
        finally:
            connection.close()
        return None if row is None else (row[0], row[1])
