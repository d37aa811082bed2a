"""Declarations: the filter columns and the aggregate's document (JSON text), version-checked.

An update names the version it read and is written as ``UPDATE ... WHERE id = :id AND version =
:expected``: if another transaction changed the declaration first, no row matches and the update
is refused with ``Conflict`` (``declaration.version``), so no change is ever lost silently. On
PostgreSQL the second writer waits for the first to commit and then finds the new version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, func, or_, select, update

from cafta.adapters.storage.columns import from_json_text, to_document_text, utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import declarations
from cafta.core.errors import Conflict, InvalidInput, NotFound
from cafta.services.ports import DeclarationFilter, DeclarationRecord

__all__ = ["SqlDeclarationStore"]


_GET = select(declarations).where(declarations.c.id == bindparam("id"))
"""Built once (a replayed lodging and every read use it)."""


def _values(record: DeclarationRecord) -> Mapping[str, Any]:
    return {
        "office": record.office,
        "status": record.status,
        "lane": record.lane,
        "importer": record.importer,
        "declarant": record.declarant,
        "version": record.version,
        "lodged_at": utc(record.lodged_at, "lodged_at"),
        "updated_at": utc(record.updated_at, "updated_at"),
        "document": to_document_text(record.document, f"document of declaration {record.id}"),
    }


def _record(row: Row[Any]) -> DeclarationRecord:
    return DeclarationRecord(
        id=row.id,
        office=row.office,
        status=row.status,
        lane=row.lane,
        importer=row.importer,
        declarant=row.declarant,
        version=row.version,
        lodged_at=row.lodged_at,
        updated_at=row.updated_at,
        document=from_json_text(row.document),
    )


class SqlDeclarationStore:
    """:class:`cafta.services.ports.DeclarationStore` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add(self, record: DeclarationRecord) -> None:
        if record.version != 1:
            raise InvalidInput(
                f"a new declaration has version 1, not {record.version}",
                code="declaration.version_invalid",
            )
        if not insert_new(self._db, declarations, {"id": record.id, **_values(record)}):
            raise Conflict(
                f"declaration {record.id} already exists",
                code="declaration.exists",
                hint="Use a new id, or update the existing declaration.",
            )

    def get(self, declaration_id: str) -> DeclarationRecord | None:
        row = self._db.execute(_GET, {"id": declaration_id}).one_or_none()
        return None if row is None else _record(row)

    def update(self, record: DeclarationRecord, expected_version: int) -> None:
        if record.version != expected_version + 1:
            raise InvalidInput(
                f"declaration {record.id}: an update from version {expected_version} writes "
                f"version {expected_version + 1}, not {record.version}",
                code="declaration.version_invalid",
            )
        statement = (
            update(declarations)
            .where(and_(declarations.c.id == record.id, declarations.c.version == expected_version))
            .values(**_values(record))
        )
        if self._db.execute(statement).rowcount == 1:
            return
        current = self._db.execute(
            select(declarations.c.version).where(declarations.c.id == record.id)
        ).scalar_one_or_none()
        if current is None:
            raise NotFound(f"no declaration {record.id}", code="declaration.not_found")
        raise Conflict(
            f"declaration {record.id} was changed by someone else (it is at version {current}, "
            f"this change was made to version {expected_version})",
            code="declaration.version",
            hint="Reload the declaration and apply the change again.",
            details={"id": record.id, "expected": expected_version, "current": current},
        )

    def list(self, where: DeclarationFilter) -> Sequence[DeclarationRecord]:
        if where.limit < 0 or where.offset < 0:
            raise InvalidInput(
                f"limit ({where.limit}) and offset ({where.offset}) cannot be negative",
                code="declaration.invalid_page",
            )
        query = (
            _filtered(select(declarations), where)
            .order_by(declarations.c.lodged_at.desc(), declarations.c.id)
            .limit(where.limit)
            .offset(where.offset)
        )
        return [_record(row) for row in self._db.execute(query)]

    def lodged(
        self, start: datetime, end: datetime, office: str | None = None, limit: int | None = None
    ) -> Sequence[DeclarationRecord]:
        if limit is not None and limit < 0:
            raise InvalidInput(
                f"limit ({limit}) cannot be negative", code="declaration.invalid_page"
            )
        column = declarations.c.lodged_at
        query = select(declarations).where(column >= utc(start, "start"), column < utc(end, "end"))
        if office is not None:
            query = query.where(declarations.c.office == office)
        query = query.order_by(column.desc(), declarations.c.id).limit(limit)
        return [_record(row) for row in self._db.execute(query)]

    def count(self, where: DeclarationFilter) -> int:
        """How many declarations match (``limit`` and ``offset`` ignored), for paging."""
        query = _filtered(select(func.count()).select_from(declarations), where)
        return int(self._db.execute(query).scalar_one())


def _filtered(query: Select[Any], where: DeclarationFilter) -> Select[Any]:
    for column, wanted in (
        (declarations.c.office, where.office),
        (declarations.c.status, where.status),
        (declarations.c.lane, where.lane),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    if where.party is not None:
        query = query.where(
            or_(declarations.c.importer == where.party, declarations.c.declarant == where.party)
        )
    return query
