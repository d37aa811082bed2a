"""Engines for the two databases ``cafta`` runs on, configured for safe concurrent use.

SQLite (the default, ``sqlite:///path/cafta.db``; the file and its directory are created only
when the caller says so, ``create=True``: a command that only reads or writes an existing node
is told :func:`require_database`'s one line instead of leaving an empty file behind): every
connection gets WAL journaling (readers do not block the writer), ``synchronous=NORMAL``,
``foreign_keys=ON`` and a busy timeout; and every transaction starts with ``BEGIN IMMEDIATE``,
which takes the write lock at the start instead of at the first write, so two writers queue
instead of failing with "database is locked" half-way (the SQLAlchemy recipe: the driver's own
BEGIN is switched off on connect and the ``begin`` event emits ours). Before beginning, a unit of
work's writer queues on the writer lock (:mod:`.writer_lock`: a thread lock per process, and an
OS file lock on ``<file>.lock`` beside the database across processes), so SQLite's busy handler,
which sleeps between tries, is seldom what waits. A writer waits up to the busy timeout
(:data:`BUSY_TIMEOUT_MS`) for this process's other writers and for SQLite, and up to the writer
lock timeout (:data:`WRITER_LOCK_TIMEOUT_S`, or ``?writer_lock_timeout=SECONDS`` in the URL) for
other processes' writers, then fails with ``storage.busy``. Read-only checks begin a plain
deferred transaction instead (:data:`READ_ONLY_OPTION`) and take no lock. With WAL and
``NORMAL`` a commit survives the process being killed; to survive power loss too, add
``?synchronous=FULL`` to the URL.

PostgreSQL (``postgresql://user:password@host:5432/db``, or ``postgresql+psycopg://``): the
psycopg 3 driver, a connection pool checked before use (``pool_pre_ping``) and a connect timeout.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from cafta.adapters.storage.checkpoints import Checkpointer
from cafta.adapters.storage.failures import redact_url, sqlite_path_problem, unavailable
from cafta.adapters.storage.locations import default_database_url
from cafta.core.errors import InvalidInput, NotFound

__all__ = [
    "READ_ONLY_OPTION",
    "busy_timeout_s",
    "create_engine_for",
    "default_database_url",
    "in_memory",
    "parse_database_url",
    "require_database",
    "shown_as_typed",
    "sqlite_file",
    "writer_lock_timeout_s",
]

READ_ONLY_OPTION = "cafta_read_only"
"""Execution option: this connection only reads, so SQLite need not take the write lock."""

BUSY_TIMEOUT_MS = 5000
WRITER_LOCK_TIMEOUT_S = 30.0
"""How long a SQLite writer waits for other processes' writers (the file lock of
:mod:`.writer_lock`) before ``storage.busy``. Long, as a PostgreSQL session waits for a lock:
the writers of every process queue there, so a writer waits for all the transactions ahead of
it, not for one."""
POOL_SIZE = 10
"""Connections kept open per engine (a SQLite file's too): a server with more requests in
flight than that opens and closes overflow connections (``max_overflow``) per request, which
costs more than the request's own statements (each SQLite connection is configured on connect,
a PostgreSQL one is a new backend process). Ten covers the 8 concurrent clients of
``bench/clearance.py`` with room for token and trust-list look-ups."""
CONNECT_TIMEOUT_S = 10
_BUSY_TIMEOUTS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_WRITER_LOCK_TIMEOUTS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_OWN_PARAMETERS = ("synchronous", "writer_lock_timeout")
_DRIVER_PARAMETERS = ("timeout", "detect_types", "isolation_level", "check_same_thread",
                      "cached_statements", "uri")  # fmt: skip
"""What SQLAlchemy's pysqlite dialect reads from a SQLite URL's query; with ``uri=true`` the
others go to SQLite itself, which judges them."""
_URL_FORMS = (
    "Use sqlite:///path/to/cafta.db or postgresql://user:password@host:5432/database "
    "(--database or CAFTA_DATABASE_URL)."
)


_USERINFO = re.compile(
    r"^(?P<scheme>[^/@]*://)?(?P<user>[^:@]*):(?P<password>.*)@(?P<rest>[^@]*)$", re.DOTALL
)
_SECRET_PARAMETER = re.compile(r"(?i)\b((?:ssl)?password=)[^&]*")


def shown_as_typed(url: str) -> str:
    """A URL that cannot be parsed, as the user typed it except for what may be a password:
    the part between the first ``:`` of the user information and its ``@``, and the value of a
    ``password=`` parameter. Control characters are escaped, so it stays on one line."""
    match = _USERINFO.match(url)
    if match is not None:
        url = f"{match['scheme'] or ''}{match['user']}:***@{match['rest']}"
    url = _SECRET_PARAMETER.sub(r"\1***", url)
    return url if url.isprintable() else url.encode("unicode_escape").decode("ascii")


def parse_database_url(url: str) -> URL:
    """The URL parsed, with PostgreSQL URLs set to the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            f"'{shown_as_typed(url)}' is not a database URL",
            code="storage.invalid_url",
            hint=_URL_FORMS,
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        _check_sqlite_parameters(parsed)
        return parsed
    raise InvalidInput(
        f"cafta does not run on '{parsed.drivername}' databases",
        code="storage.unsupported_database",
        hint=_URL_FORMS,
    )


def _check_sqlite_parameters(parsed: URL) -> None:
    """Refuse a parameter nothing reads (SQLAlchemy would warn and ignore it: a mistyped
    ``?synchronus=FULL`` would leave the database less safe than asked, silently)."""
    if str(parsed.query.get("uri", "")).lower() in ("true", "1"):
        return
    for name in parsed.query:
        if name not in _OWN_PARAMETERS + _DRIVER_PARAMETERS:
            raise InvalidInput(
                f"a SQLite database URL takes no parameter '{name}'",
                code="storage.invalid_url",
                hint="cafta reads ?synchronous= and ?writer_lock_timeout= (docs/operations.md).",
            )


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL (``None`` for in-memory and other databases)."""
    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser()


def in_memory(url: str | URL) -> bool:
    """Whether ``url`` is a SQLite database in memory (``sqlite://``, ``sqlite:///:memory:``,
    a ``file:`` URI with ``mode=memory``), gone when its last connection closes."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or (
        database.startswith("file:") and "mode=memory" in database
    )


def require_database(url: str | URL) -> None:
    """Raise :class:`NotFound` (``storage.not_found``) if ``url`` names a SQLite file that does
    not exist: a mistyped path is said, not made into a new, empty database; and
    :class:`InvalidInput` if it names a directory or a file that is not a SQLite database
    (:func:`~.failures.sqlite_path_problem`). PostgreSQL and in-memory databases pass (a server
    says itself whether the database exists)."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    path = sqlite_file(parsed)
    problem = sqlite_path_problem(parsed) if path is not None else None
    if problem is not None:
        raise problem
    if path is not None and not path.is_file():
        raise NotFound(
            f"there is no database at {path}: run 'cafta db upgrade --database "
            f"{redact_url(parsed)}' first",
            code="storage.not_found",
            details={"path": str(path)},
        )


def busy_timeout_s(engine: Engine) -> float:
    """How long a writer of ``engine`` waits for the SQLite write lock, in seconds."""
    return _BUSY_TIMEOUTS.get(engine, BUSY_TIMEOUT_MS / 1000)


def writer_lock_timeout_s(engine: Engine) -> float:
    """How long a writer of ``engine`` waits for other processes' writers, in seconds."""
    return _WRITER_LOCK_TIMEOUTS.get(engine, WRITER_LOCK_TIMEOUT_S)


def create_engine_for(
    url: str,
    *,
    pool_size: int = POOL_SIZE,
    max_overflow: int = 10,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    writer_lock_timeout_s: float = WRITER_LOCK_TIMEOUT_S,
    create: bool = True,
) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL); nothing is connected until first use.

    ``create=False`` refuses a SQLite file that does not exist (:func:`require_database`)
    instead of creating it and its directory on first connection.

    ``pool_size`` connections are kept open (for a SQLite file too), ``max_overflow`` more are
    opened when that many are busy and closed again when given back. The two timeouts are
    SQLite's (a URL's ``?writer_lock_timeout=SECONDS`` wins over ``writer_lock_timeout_s``)."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not create:
            require_database(parsed)
        return _sqlite_engine(
            parsed, busy_timeout_ms, writer_lock_timeout_s, pool_size, max_overflow, create=create
        )
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args=connect_args,
    )


def _sqlite_engine(
    parsed: URL,
    busy_timeout_ms: int,
    lock_timeout_s: float,
    pool_size: int,
    max_overflow: int,
    *,
    create: bool,
) -> Engine:
    synchronous = str(parsed.query.get("synchronous", "NORMAL")).upper()
    if synchronous not in _SYNCHRONOUS:
        raise InvalidInput(
            f"synchronous={synchronous} is not a SQLite synchronous mode",
            code="storage.invalid_url",
            hint="Use ?synchronous=NORMAL (the default) or ?synchronous=FULL.",
        )
    if "writer_lock_timeout" in parsed.query:
        lock_timeout_s = _seconds(parsed.query["writer_lock_timeout"], "writer_lock_timeout")
    parsed = parsed.difference_update_query(["synchronous", "writer_lock_timeout"])
    path = sqlite_file(parsed)
    problem = sqlite_path_problem(parsed) if path is not None else None
    if problem is not None:
        raise problem
    if path is not None and create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unavailable(parsed, f"cannot create {path.parent}: {error.strerror}") from None
    # A file's connections are pooled like PostgreSQL's (an in-memory database keeps its own
    # pool: one connection per thread).
    pooling = {"pool_size": pool_size, "max_overflow": max_overflow} if path is not None else {}
    engine = create_engine(parsed, **pooling)
    _BUSY_TIMEOUTS[engine] = busy_timeout_ms / 1000
    _WRITER_LOCK_TIMEOUTS[engine] = lock_timeout_s
    pragmas = [f"PRAGMA synchronous = {synchronous}", "PRAGMA foreign_keys = ON"]
    checkpointer: Checkpointer | None = None
    if path is not None:
        # Checkpoints run in the background (see .checkpoints), not inside a request's commit;
        # disposing of the engine stops them and closes their connection.
        pragmas.append("PRAGMA wal_autocheckpoint = 0")
        checkpointer = Checkpointer(path, busy_timeout_ms=busy_timeout_ms)
        checkpointer.start(engine)
        event.listen(engine, "engine_disposed", _stopper(checkpointer))

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        if checkpointer is not None:
            checkpointer.resume()  # after a dispose(), the engine is in use again
        # Transactions are begun by the "begin" listener below, not by the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            _use_wal(cursor, busy_timeout_ms / 1000)
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        statement = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        # On the driver's connection: SQLAlchemy's execution machinery costs more than the
        # statement. A failure is wrapped as that machinery would have wrapped it.
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection being begun has its driver's
        try:
            driver.execute(statement)
        except sqlite3.Error as error:
            raise DBAPIError.instance(statement, (), error, sqlite3.Error) from error

    return engine


def _stopper(checkpointer: Checkpointer) -> Callable[[Engine], None]:
    def stop(_engine: Engine) -> None:
        checkpointer.stop()

    return stop


def _seconds(text: str | tuple[str, ...], name: str) -> float:
    value = text[-1] if isinstance(text, tuple) else text
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidInput(
            f"{name}={value} is not a number of seconds",
            code="storage.invalid_url",
            hint=f"Use e.g. ?{name}=30 (the default) or leave it out.",
        )
    return seconds


def _use_wal(cursor: Any, patience_s: float) -> None:
    """Switch the file to WAL once; the mode is stored in the file and kept after that.

    The switch needs the file to itself and SQLite does not wait for that (the busy timeout
    does not apply), so when several connections open a new file at once, the ones that find
    it locked look again shortly: usually another one has switched it meanwhile.
    """
    deadline = time.monotonic() + patience_s
    while True:
        try:
            mode = str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            if mode in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
