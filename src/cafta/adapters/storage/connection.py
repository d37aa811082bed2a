"""One database connection and its transaction, as the stores use it.

A :class:`StorageConnection` is opened by a unit of work (or by a read-only check such as the
audit verification), runs the stores' statements and turns driver failures into ``CaftaError``
(:mod:`.failures`), so no raw SQLAlchemy or psycopg exception reaches the services for a
condition that can be foreseen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.base import Executable

from cafta.adapters.storage.driver import DriverStatement
from cafta.adapters.storage.engine import READ_ONLY_OPTION
from cafta.adapters.storage.failures import storage_error
from cafta.adapters.storage.writer_lock import WriterLock, take_turn

__all__ = ["StorageConnection"]


class StorageConnection:
    """A connection checked out from ``engine`` on :meth:`open`, returned on :meth:`close`.

    ``read_only`` connections never write: on SQLite they begin a deferred transaction (no
    write lock), on PostgreSQL a read-only repeatable-read one (one snapshot throughout).
    """

    __slots__ = ("_connection", "_read_only", "_writer", "engine")

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None
        self._writer: WriterLock | None = None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it as 'with uow: ...'")
        return self._connection

    def open(self) -> None:
        """Check out a connection and begin a transaction (``BEGIN IMMEDIATE`` on SQLite)."""
        if self._connection is not None:
            raise RuntimeError("this unit of work is already open; make a new one per 'with'")
        if not self._read_only and not self.is_postgresql:
            # Writers queue here, before BEGIN IMMEDIATE, rather than in SQLite's busy handler,
            # which sleeps between retries (up to 100 ms): threads of this process on a thread
            # lock, processes on a file lock beside the database (.writer_lock); storage.busy
            # when the busy timeout or the writer lock timeout runs out.
            self._writer = take_turn(self.engine)
        try:
            connection = self.engine.connect()
        except DBAPIError as error:
            self._release_writer()
            raise storage_error(error, self.engine.url, connecting=True) from error
        if self._read_only and self.is_postgresql:
            # One snapshot for the whole read, and no writes by mistake.
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        elif self._read_only:
            connection = connection.execution_options(**{READ_ONLY_OPTION: True})
        self._connection = connection
        try:
            connection.begin()
        except DBAPIError as error:
            self.close()
            raise storage_error(error, self.engine.url) from error

    def execute(
        self,
        statement: Executable,
        parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    ) -> CursorResult[Any]:
        """Run a statement; a list of parameter sets runs it once per set (executemany)."""
        try:
            if parameters is None:
                return self.connection.execute(statement)
            if isinstance(parameters, Mapping):
                return self.connection.execute(statement, dict(parameters))
            return self.connection.execute(statement, [dict(p) for p in parameters])
        except DBAPIError as error:
            raise storage_error(error, self.engine.url) from error

    def execute_on_driver(
        self, statement: DriverStatement, rows: Sequence[Mapping[str, Any]], *, fetch: bool = False
    ) -> Any:
        """:meth:`DriverStatement.run` on this transaction's own driver connection."""
        connection = self.connection
        driver = connection.connection.driver_connection
        return statement.run(driver, connection.dialect, self.engine.url, rows, fetch=fetch)

    def commit(self) -> None:
        try:
            self.connection.commit()
        except DBAPIError as error:
            raise storage_error(error, self.engine.url) from error

    def rollback(self) -> None:
        connection = self._connection
        if connection is not None and connection.in_transaction():
            try:
                connection.rollback()
            except DBAPIError as error:
                raise storage_error(error, self.engine.url) from error

    def close(self) -> None:
        """Roll back anything uncommitted and give the connection back to the pool."""
        connection, self._connection = self._connection, None
        try:
            if connection is not None:
                try:
                    connection.close()
                except DBAPIError as error:
                    raise storage_error(error, self.engine.url) from error
        finally:
            self._release_writer()

    def _release_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.release()
