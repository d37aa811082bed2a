"""Schema migrations run from code: ``upgrade``, ``current_revision`` and ``head_revision``.

The Alembic configuration is built here (``script_location`` is the ``migrations`` directory
next to this file), so an installed ``cafta`` migrates its database without an ``alembic.ini``.
:func:`upgrade` is idempotent and safe when several processes start at once: on PostgreSQL it
holds a transaction-scoped advisory lock while it migrates (the schema changes and the
``alembic_version`` row commit together, and a process that waited finds the work done); on
SQLite it first takes the writer lock that every writer takes (:mod:`.writer_lock`: a migration
waits for the writers of every ``cafta`` process, and they wait for it), then begins with
``BEGIN IMMEDIATE``, which serialises migrators the same way.

A database at a revision this version does not ship (a newer ``cafta`` migrated it, and this
older one was started over it) is refused with ``storage.newer_than_code`` before anything is
changed: the older code cannot know what the newer schema means.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from cafta.adapters.storage.engine import READ_ONLY_OPTION, create_engine_for, sqlite_file
from cafta.adapters.storage.failures import storage_error
from cafta.adapters.storage.writer_lock import writer_turn
from cafta.core.errors import Conflict

__all__ = [
    "MIGRATION_LOCK_KEY",
    "current_revision",
    "head_revision",
    "newer_than_code",
    "upgrade",
    "upgrade_engine",
]

MIGRATION_LOCK_KEY = 0x4341_4654_4D49_4752
"""PostgreSQL advisory lock held while migrating (the bytes of ``CAFTMIGR``)."""

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of ``cafta``."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head


def newer_than_code(revision: str) -> Conflict:
    """The database is at ``revision``, which this version of ``cafta`` does not ship."""
    return Conflict(
        f"the database is at revision {revision}, newer than this cafta knows "
        f"({head_revision()}): run the newer version, or restore a backup made before the "
        "upgrade",
        code="storage.newer_than_code",
        details={"revision": revision, "head": head_revision()},
    )


def _refuse_unknown_revisions(connection: Connection) -> None:
    """Stop before migrating a database at a revision none of the shipped migrations has."""
    script = ScriptDirectory.from_config(_config())
    known = {migration.revision for migration in script.walk_revisions()}
    for revision in MigrationContext.configure(connection).get_current_heads():
        if revision not in known:
            raise newer_than_code(revision)


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest schema (nothing to do if it is there)."""
    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine) -> None:
    """:func:`upgrade` with an engine the caller already has."""
    config = _config()
    try:
        with writer_turn(engine), engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
            _refuse_unknown_revisions(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as error:
        raise storage_error(error, engine.url) from error


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at; ``None`` if it was never migrated."""
    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    try:
        path = sqlite_file(engine.url)
        if path is not None and not path.exists():
            return None  # do not create an empty database file just to look at it
        try:
            with engine.connect() as connection:
                reading = connection.execution_options(**{READ_ONLY_OPTION: True})
                return MigrationContext.configure(reading).get_current_revision()
        except DBAPIError as error:
            raise storage_error(error, engine.url, connecting=True) from error
    finally:
        engine.dispose()
