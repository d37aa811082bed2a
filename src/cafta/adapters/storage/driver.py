"""Statements every lodging writes, run on the driver's own cursor.

SQLAlchemy Core spends about 25 µs on each execution above what the driver takes (3-4 µs for a
small insert on SQLite): it builds an execution context, processes the parameters, checks its
compiled cache and wraps the result. A lodging writes five such statements (its declaration,
its outbox messages, its audit entry, the audit head, its idempotency key), so that machinery
cost more than the writes themselves. A :class:`DriverStatement` is compiled by SQLAlchemy once
per dialect and set of columns, keeps its parameters' type processors (UTC times, for
instance), and is then run on the DBAPI cursor of the unit of work's connection, inside its
transaction (:meth:`.connection.StorageConnection.execute_on_driver`). The SQL is the
statement's own, so both databases get exactly what SQLAlchemy would have sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import URL, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from cafta.adapters.storage.failures import driver_failure

__all__ = ["CompiledStatement", "DriverStatement"]


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """One statement for one dialect and one set of columns."""

    sql: str
    order: tuple[str, ...] | None
    """The parameters' names in placeholder order (``?`` on SQLite); ``None`` when the
    placeholders are named (``%(name)s`` on PostgreSQL)."""
    constant: Mapping[str, Any]
    """Values the statement carries itself (``WHERE id = 1``), under their parameter names."""
    processors: Mapping[str, Callable[[Any], Any]]
    """Type processors of the parameters that have one, as SQLAlchemy would apply them."""

    def arguments(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        merged = {**self.constant, **values} if self.constant else dict(values)
        for name, process in self.processors.items():
            if name in merged:
                merged[name] = process(merged[name])
        if self.order is None:
            return merged
        return tuple(merged[name] for name in self.order)


class DriverStatement:
    """A Core statement compiled once per dialect and set of columns, run on a driver's
    connection (:meth:`run`)."""

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        self._compiled: dict[tuple[str, frozenset[str]], CompiledStatement] = {}
        self._lock = threading.Lock()

    def compiled(self, dialect: Dialect, columns: frozenset[str]) -> CompiledStatement:
        found = self._compiled.get((dialect.name, columns))
        if found is not None:
            return found
        with self._lock:
            compiled = self._statement.compile(dialect=dialect, column_keys=sorted(columns))
            assert isinstance(compiled, SQLCompiler)  # an INSERT or UPDATE compiles to SQL
            constant: dict[str, Any] = {}
            processors: dict[str, Callable[[Any], Any]] = {}
            for bind, name in compiled.bind_names.items():
                if name not in columns and not bind.required:
                    constant[name] = bind.effective_value
                process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if process is not None:
                    processors[name] = process
            positions = compiled.positiontup
            found = CompiledStatement(
                sql=compiled.string,
                order=tuple(positions) if positions else None,
                constant=constant,
                processors=processors,
            )
            self._compiled[dialect.name, columns] = found
        return found

    def run(
        self,
        connection: Any,
        dialect: Dialect,
        url: str | URL,
        rows: Sequence[Mapping[str, Any]],
        *,
        fetch: bool = False,
    ) -> Any:
        """Run on a cursor of the DBAPI ``connection``, once per row (one row: ``execute``,
        several: ``executemany``; every row names the same columns). With ``fetch``, the
        first row the statement gives (one row only), or ``None``. A driver error becomes the
        ``CaftaError`` SQLAlchemy's execution would have led to (``url`` names the database)."""
        if not rows:
            return None
        columns = frozenset(rows[0])
        if any(frozenset(row) != columns for row in rows[1:]):
            raise ValueError("every row of one statement must name the same columns")
        compiled = self.compiled(dialect, columns)
        arguments = [compiled.arguments(row) for row in rows]
        driver_error: type[Exception] = dialect.loaded_dbapi.Error
        try:
            cursor = connection.cursor()
            try:
                if len(arguments) == 1:
                    cursor.execute(compiled.sql, arguments[0])
                else:
                    cursor.executemany(compiled.sql, arguments)
                return cursor.fetchone() if fetch else None
            finally:
                cursor.close()
        except driver_error as error:
            raise driver_failure(error, compiled.sql, arguments, driver_error, url) from error
