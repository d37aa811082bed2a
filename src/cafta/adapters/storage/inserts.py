"""``INSERT ... ON CONFLICT DO NOTHING`` for both databases.

A duplicate key must not abort a PostgreSQL transaction (every later statement in it would
fail), so stores that refuse duplicates insert this way and ask for the key back (``RETURNING``; a
driver's row count for an INSERT is not reliable): no row back means the key was taken, and the
store raises its own ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from cafta.adapters.storage.connection import StorageConnection

__all__ = ["insert_new"]


def insert_new(db: StorageConnection, table: Table, values: Mapping[str, Any]) -> bool:
    """Insert one row unless a unique key is taken; ``True`` if the row was inserted."""
    statement: Insert
    if db.is_postgresql:
        statement = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    key = list(table.primary_key.columns)
    return db.execute(statement.returning(*key)).first() is not None
