"""Database failures turned into :mod:`cafta.core.errors`, with URLs that never show a password.

The conditions an operator can act on get stable codes: ``storage.unavailable`` (the database
cannot be reached), ``storage.not_migrated`` (a table is missing: run ``cafta db upgrade``),
``storage.busy`` (SQLite's write lock, or another process's writer lock, was held past its
timeout) and ``storage.duplicate`` (a unique key taken; stores that expect duplicates raise
their own, more precise ``Conflict``). Anything else is unexpected and becomes
``storage.failed`` with the driver's one-line message; the original stays chained for
``CAFTA_DEBUG=1``.

A SQLite URL that names a directory, or a file that is not a SQLite database, is the URL's
mistake rather than the database's: :func:`sqlite_path_problem` says which, as
:class:`~cafta.core.errors.InvalidInput` (exit 2 on the command line) with the code
``storage.unavailable`` (a 503 in the API, whose clients cannot mend it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from cafta.core.errors import CaftaError, Conflict, InvalidInput

__all__ = [
    "busy",
    "is_unique_violation",
    "redact_url",
    "sqlite_path_problem",
    "storage_error",
    "unavailable",
]

_UNIQUE_VIOLATION = "23505"
_UNDEFINED_TABLE = "42P01"
_UNDEFINED_COLUMN = "42703"
_SQLITE_UNIQUE = ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE")
_CONNECTION_LOST = ("08", "57P01", "57P02", "57P03")
_UNREACHABLE = ("connection failed", "connection refused", "could not connect",
                "could not translate host name", "failed to resolve host",
                "timeout expired")  # fmt: skip
_SECRET_QUERY_KEYS = frozenset({"password", "sslpassword"})
_SQLITE_HEADER = b"SQLite format 3\x00"


def _has_password(url: str | URL) -> bool:
    try:
        return make_url(url).password is not None
    except ArgumentError:
        return False


def _pasteable(url: str | URL) -> str:
    """The URL as a user gives it to ``--database``: without the driver cafta adds
    (``postgresql://``, not ``postgresql+psycopg://``) and with ``PASSWORD`` for a password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return redact_url(url)
    if parsed.password is not None:
        parsed = parsed.set(password="PASSWORD")
    parsed = parsed.set(drivername=parsed.get_backend_name())
    query = {k: ("PASSWORD" if k.lower() in _SECRET_QUERY_KEYS else v)
             for k, v in parsed.query.items()}  # fmt: skip
    return parsed.set(query=query).render_as_string(hide_password=False)


def redact_url(url: str | URL) -> str:
    """The URL with its password (and any password in the query) replaced by ``***``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<a database URL that cannot be read>"
    query = {
        key: ("***" if key.lower() in _SECRET_QUERY_KEYS else value)
        for key, value in parsed.query.items()
    }
    return parsed.set(query=query).render_as_string(hide_password=True)


def _sqlstate(error: DBAPIError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or "")


def _first_line(error: DBAPIError) -> str:
    text = str(error.orig).strip()
    return text.splitlines()[0] if text else type(error.orig).__name__


def is_unique_violation(error: DBAPIError) -> bool:
    if not isinstance(error, IntegrityError):
        return False
    if _sqlstate(error) == _UNIQUE_VIOLATION:
        return True
    name = getattr(error.orig, "sqlite_errorname", "")
    return name in _SQLITE_UNIQUE or "UNIQUE constraint failed" in str(error.orig)


def unavailable(url: str | URL, reason: str) -> CaftaError:
    where = redact_url(url)
    return CaftaError(
        f"the database cannot be reached ({reason})",
        code="storage.unavailable",
        hint=f"Check that the database at {where} is running and reachable, and that the URL "
        "(--database or CAFTA_DATABASE_URL) is right.",
        details={"url": where},
    )


def _sqlite_path(url: str | URL) -> Path | None:
    """The file a SQLite URL names (``None`` for in-memory and other databases)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database).expanduser()


def sqlite_path_problem(url: str | URL) -> InvalidInput | None:
    """What is wrong with the file a SQLite ``url`` names, if it cannot be a database: a
    directory, or a file that is not SQLite's (an empty file is a new database). ``None``
    when nothing is (a file that does not exist yet is not this function's to refuse)."""
    path = _sqlite_path(url)
    if path is None:
        return None
    if path.is_dir():
        return InvalidInput(
            f"{path} is a directory, not a SQLite database file",
            code="storage.unavailable",
            hint=f"Name the database file, e.g. --database sqlite:///{path / 'cafta.db'}.",
            details={"path": str(path)},
        )
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError:
        return None  # missing, or unreadable: the driver's own message says it
    if header and header != _SQLITE_HEADER:
        return InvalidInput(
            f"{path} is not a SQLite database file",
            code="storage.unavailable",
            hint="Check --database (or CAFTA_DATABASE_URL): it names a file of another kind.",
            details={"path": str(path)},
        )
    return None


def storage_error(error: DBAPIError, url: str | URL, *, connecting: bool = False) -> CaftaError:
    """The ``CaftaError`` to raise (``from error``) for a driver failure."""
    state, message = _sqlstate(error), str(error.orig).lower()
    where = redact_url(url)
    if "file is not a database" in message or "unable to open database file" in message:
        problem = sqlite_path_problem(url)
        if problem is not None:
            return problem
    if is_unique_violation(error):
        return Conflict(
            f"a record with that key already exists ({_first_line(error)})",
            code="storage.duplicate",
        )
    # A table, or a column a later migration adds, that is not there: an older schema.
    if state in (_UNDEFINED_TABLE, _UNDEFINED_COLUMN) or (
        "no such table" in message or "no such column" in message
    ):
        return CaftaError(
            f"the database at {where} has no cafta tables, or older ones",
            code="storage.not_migrated",
            hint=f"Run 'cafta db upgrade --database {_pasteable(url)}' (cafta serve does it "
            "on start)"
            + (", with the password in place of PASSWORD." if _has_password(url) else "."),
        )
    if "database is locked" in message or "database table is locked" in message:
        return CaftaError(
            "the database stayed locked by another writer past the busy timeout",
            code="storage.busy",
            hint="Retry; if it keeps happening, shorten the other process's transactions or "
            "move to PostgreSQL for many concurrent writers.",
        )
    lost = error.connection_invalidated or state.startswith(_CONNECTION_LOST)
    # A server that cannot be reached shows up without an SQLSTATE when the connection is made
    # inside another library's call (Alembic's, during an upgrade).
    unreachable = any(words in message for words in _UNREACHABLE)
    if connecting or lost or unreachable or "unable to open database file" in message:
        return unavailable(url, _first_line(error))
    return CaftaError(
        f"the database refused a statement ({_first_line(error)})",
        code="storage.failed",
        hint="This is unexpected; please report it with CAFTA_DEBUG=1 output.",
    )


def busy(
    url: str | URL, by: str = "another writer of this process", timeout: str = "the busy timeout"
) -> CaftaError:
    """Other writers (``by``) held the database past the wait (``timeout``; SQLite)."""
    return CaftaError(
        f"the database stayed locked by {by} past {timeout}",
        code="storage.busy",
        hint="Retry; if it keeps happening, shorten transactions or move to PostgreSQL.",
        details={"database": redact_url(url)},
    )


def driver_failure(
    error: Exception, statement: str, parameters: Any, driver_error: type[Exception], url: str | URL
) -> CaftaError:
    """:func:`storage_error` for an error the driver raised outside SQLAlchemy's execution (a
    statement run on the driver's cursor): wrapped first as SQLAlchemy wraps it."""
    wrapped = DBAPIError.instance(statement, parameters, error, driver_error)
    if not isinstance(wrapped, DBAPIError):  # pragma: no cover - a driver's error always is
        return CaftaError(f"the database failed: {error}", code="storage.failed")
    return storage_error(wrapped, url)
