"""Migrations: from an empty database to head, repeatable, concurrent, and matching the tables."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.schema import current_revision, head_revision, upgrade
from cafta.adapters.storage.tables import metadata


def test_upgrade_from_empty_reaches_head_and_repeating_it_changes_nothing(backend) -> None:
    url = backend.empty_url()
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == head_revision() == "0004"
    upgrade(url)
    assert current_revision(url) == head_revision()
    engine = create_engine_for(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == {table.name for table in metadata.sorted_tables} | {"alembic_version"}


def test_the_migrations_build_exactly_the_tables_the_code_uses(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_two_processes_upgrading_at_once_both_succeed(backend) -> None:
    url = backend.empty_url()
    failures: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(url)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert current_revision(url) == head_revision()


def test_looking_at_a_missing_sqlite_file_does_not_create_it(tmp_path) -> None:
    path = tmp_path / "nowhere" / "cafta.db"
    assert current_revision(f"sqlite:///{path}") is None
    assert not path.exists()
    upgrade(f"sqlite:///{path}")
    assert make_url(f"sqlite:///{path}").database == str(path)
    assert path.is_file()
