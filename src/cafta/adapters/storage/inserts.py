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
from cafta.adapters.storage.driver import DriverStatement

__all__ = ["insert_new"]


_STATEMENTS: dict[tuple[str, str], Insert] = {}
_ON_DRIVER: dict[tuple[str, str], DriverStatement] = {}


def _statement(dialect: str, table: Table) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING <key>``, built once per table: the values
    come as parameters, so SQLAlchemy compiles it once instead of on every call."""
    statement = _STATEMENTS.get((dialect, table.name))
    if statement is None:
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        key = list(table.primary_key.columns)
        statement = dialect_insert(table).on_conflict_do_nothing().returning(*key)
        _STATEMENTS[dialect, table.name] = statement
    return statement


def insert_new(db: StorageConnection, table: Table, values: Mapping[str, Any]) -> bool:
    """Insert one row unless a unique key is taken; ``True`` if the row was inserted."""
    dialect = "postgresql" if db.is_postgresql else "sqlite"
    statement = _ON_DRIVER.get((dialect, table.name))
    if statement is None:
        # Lodgings insert their declaration and key this way: run on the driver (.driver).
        statement = _ON_DRIVER[dialect, table.name] = DriverStatement(_statement(dialect, table))
    return db.execute_on_driver(statement, [values], fetch=True) is not None
