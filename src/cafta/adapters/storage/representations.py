"""The ``representations`` table: importers' authorities for customs brokers.

:class:`SqlRepresentationStore` is the unit of work's store
(:class:`cafta.services.ports.RepresentationStore`); rows are never deleted, a withdrawal sets
``revoked_at`` and ``revoked_by``. The cached question a broker's lodging asks is in
:mod:`.authority`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from cafta.adapters.storage.columns import utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import representations
from cafta.clearance.representation import Representation
from cafta.core.errors import Conflict
from cafta.services.ports import RepresentationStore

__all__ = ["SqlRepresentationStore"]

_TABLE = representations.c


class SqlRepresentationStore:
    """:class:`cafta.services.ports.RepresentationStore` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add(self, representation: Representation) -> None:
        r = representation
        values = {
            "id": r.id,
            "importer": r.importer,
            "importer_key": r.importer_key,
            "broker": r.broker,
            "broker_key": r.broker_key,
            "valid_from": r.valid_from,
            "valid_until": r.valid_until,
            "reference": r.reference,
            "granted_by": r.granted_by,
            "granted_at": utc(r.granted_at, "granted_at"),
            "revoked_at": utc(r.revoked_at, "revoked_at") if r.revoked_at else None,
            "revoked_by": r.revoked_by,
        }
        if not insert_new(self._db, representations, values):
            raise Conflict(
                f"representation {r.id} already exists",
                code="representation.duplicate",
                hint="Record it again: a new one gets a new id.",
            )

    def get(self, representation_id: str) -> Representation | None:
        row = self._db.execute(
            select(representations).where(_TABLE.id == representation_id)
        ).one_or_none()
        return None if row is None else _representation(row)

    def save_revocation(self, representation: Representation) -> None:
        if representation.revoked_at is None:
            raise ValueError("save_revocation needs a withdrawn representation")
        # Only a live one: of two withdrawals at once, the second changes nothing and is told.
        done = self._db.execute(
            update(representations)
            .where(_TABLE.id == representation.id, _TABLE.revoked_at.is_(None))
            .values(
                revoked_at=utc(representation.revoked_at, "revoked_at"),
                revoked_by=representation.revoked_by,
            )
        )
        if done.rowcount != 1:
            raise Conflict(
                f"representation {representation.id} was withdrawn meanwhile",
                code="representation.revoked",
                hint="Nothing to do: the broker already holds no authority under it.",
            )

    def lock_pair(self, importer_key: str, broker_key: str) -> None:
        # SQLite: the transaction began with BEGIN IMMEDIATE and holds the only write lock.
        if self._db.is_postgresql:
            key = f"cafta.representation|{importer_key}|{broker_key}"
            self._db.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))

    def list(
        self,
        importer_key: str | None = None,
        broker_key: str | None = None,
        include_revoked: bool = False,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[Representation]:
        query = select(representations).order_by(_TABLE.granted_at, _TABLE.id)
        query = query.where(*_matching(importer_key, broker_key, include_revoked))
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return [_representation(row) for row in self._db.execute(query)]

    def count(
        self,
        importer_key: str | None = None,
        broker_key: str | None = None,
        include_revoked: bool = False,
    ) -> int:
        query = select(func.count()).select_from(representations)
        query = query.where(*_matching(importer_key, broker_key, include_revoked))
        return int(self._db.execute(query).scalar_one())


def _matching(
    importer_key: str | None, broker_key: str | None, include_revoked: bool
) -> list[ColumnElement[bool]]:
    """The conditions :meth:`SqlRepresentationStore.list` and ``count`` share."""
    conditions: list[ColumnElement[bool]] = []
    if importer_key is not None:
        conditions.append(_TABLE.importer_key == importer_key)
    if broker_key is not None:
        conditions.append(_TABLE.broker_key == broker_key)
    if not include_revoked:
        conditions.append(_TABLE.revoked_at.is_(None))
    return conditions


def _representation(row: Any) -> Representation:
    return Representation(
        id=row.id,
        importer=row.importer,
        broker=row.broker,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        granted_by=row.granted_by,
        granted_at=row.granted_at,
        reference=row.reference,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )


def _conforms(db: StorageConnection) -> RepresentationStore:
    """Never called: makes mypy check the class against the port."""
    return SqlRepresentationStore(db)
