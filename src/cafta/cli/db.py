"""``cafta db``: the database's tables; ``cafta audit``: the audit log's hash chain.

``cafta db upgrade`` creates or upgrades the tables (``cafta serve`` does it on start, so this
is for operators who migrate ahead of a deployment); ``cafta audit verify`` recomputes every
audit entry's hash and exits 1, with one line per problem, if the log was edited, entries were
removed, or its head row disagrees with its end. The database is ``--database``, else
``CAFTA_DATABASE_URL``, else ``cafta.db`` in the working directory.

The storage adapter is imported inside the commands: SQLAlchemy and Alembic take a good part
of a second to import, which every other ``cafta`` command would otherwise pay at start.

Only ``cafta db upgrade``, ``cafta serve`` and ``cafta demo seed`` create a SQLite database (and
its folder); every other command opens the node with :func:`open_node`, which stops with one
line, exit 2, on a SQLite file that does not exist, so a mistyped ``--database`` leaves nothing
behind.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cafta import bootstrap
from cafta.cli.output import console, emit_json
from cafta.config import Settings
from cafta.core.errors import InvalidInput

__all__ = ["audit_app", "db_app", "open_node", "stored"]

_URL_HELP = (
    "Database URL: sqlite:///path/cafta.db or postgresql://user:password@host:5432/db "
    "(default: CAFTA_DATABASE_URL, else cafta.db in the working directory)."
)

Database = Annotated[
    str | None, typer.Option("--database", help=_URL_HELP, show_default=False, metavar="URL")
]

db_app = typer.Typer(
    no_args_is_help=True,
    help="The database: create or upgrade its tables (cafta serve does it on start).",
)
audit_app = typer.Typer(
    no_args_is_help=True,
    help="The audit log: check that no entry was edited or removed.",
)


def _url(database: str | None) -> str:
    return stored(bootstrap.database_url(Settings.from_env(), database))


def stored(url: str) -> str:
    """``url``, unless it is a database in memory: a command's database is gone when the
    command ends, so what it wrote would be lost and what it reads is empty (exit 2)."""
    from cafta.adapters.storage.engine import in_memory  # noqa: PLC0415 - loads SQLAlchemy

    if in_memory(url):
        raise InvalidInput(
            "an in-memory database is gone when the command ends",
            code="storage.in_memory",
            hint="Name a database file, e.g. --database sqlite:///cafta.db, or a PostgreSQL "
            "database.",
        )
    return url


def open_node(
    services: bootstrap.Services,
    database: str | None,
    *,
    upgrade: bool = False,
    create: bool = False,
) -> bootstrap.Node:
    """The node over ``--database`` (else the settings' database), its tables upgraded when
    ``upgrade``. Unless ``create``, a SQLite file that does not exist is refused
    (``storage.not_found``: run 'cafta db upgrade') before anything is created."""
    url = stored(bootstrap.database_url(services.settings, database))
    if not create:
        from cafta.adapters.storage.engine import require_database  # noqa: PLC0415

        require_database(url)
    return bootstrap.open_node(services, url, upgrade=upgrade)


@db_app.command("upgrade")
def upgrade_command(database: Database = None) -> None:
    """Create the tables, or bring them to this version of cafta (safe to repeat)."""
    from cafta.adapters.storage.failures import redact_url  # noqa: PLC0415
    from cafta.adapters.storage.schema import current_revision, upgrade  # noqa: PLC0415

    url = _url(database)
    upgrade(url)
    console.print(f"{redact_url(url)}: at revision {current_revision(url)}", markup=False)


@audit_app.command("verify")
def verify_command(
    database: Database = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
) -> int:
    """Recompute the audit log's hash chain; exit 1 with one line per problem if broken."""
    from cafta.adapters.storage.audit import verify_audit_chain  # noqa: PLC0415
    from cafta.adapters.storage.engine import create_engine_for  # noqa: PLC0415

    engine = create_engine_for(_url(database), pool_size=1, max_overflow=0, create=False)
    try:
        result = verify_audit_chain(engine)
    finally:
        engine.dispose()
    if as_json:
        emit_json(result.as_dict())
    elif result.ok:
        console.print(f"audit log intact: {result.entries} entries", markup=False)
    else:
        for problem in result.problems:
            console.print(problem, markup=False)
    return 0 if result.ok else 1
