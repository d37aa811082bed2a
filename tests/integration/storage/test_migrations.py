"""Migrations: from an empty database to head, repeatable, concurrent, and matching the tables."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.schema import (
    MIGRATIONS,
    current_revision,
    head_revision,
    upgrade,
    upgrade_engine,
)
from cafta.adapters.storage.tables import declarations, metadata
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory


def test_upgrade_from_empty_reaches_head_and_repeating_it_changes_nothing(backend) -> None:
    url = backend.empty_url()
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == head_revision() == "0006"
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


def _declaration(n: int, status: str, preference: dict[str, object] | None) -> dict[str, object]:
    at = datetime(2026, 6, 1, 2, n, tzinfo=UTC)
    document = {"id": f"D{n}", "status": status, "preference": preference}
    return {"id": f"D{n}", "office": "CNYYG", "status": status, "lane": "green",
            "importer": "importer", "declarant": "broker", "version": 1, "lodged_at": at,
            "updated_at": at, "document": json.dumps(document)}  # fmt: skip


def test_the_certificates_granted_before_0004_are_held_after_it(backend) -> None:
    """Without it, a Form E granted before the upgrade could be granted again after it."""
    url = backend.empty_url()
    engine = create_engine_for(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
            connection.execute(declarations.insert(), [
                _declaration(1, "released", {"outcome": "accepted", "reference": "E-A"}),
                _declaration(2, "released", {"outcome": "accepted_with_discrepancies",
                                             "reference": "E-B, E-C"}),
                _declaration(3, "cancelled", {"outcome": "accepted", "reference": "E-D"}),
                _declaration(4, "released", {"outcome": "rejected", "reference": "E-E"}),
                _declaration(5, "released", {"outcome": "accepted", "reference": "E-A"}),
                _declaration(6, "held_for_documents", None),
            ])  # fmt: skip
        upgrade_engine(engine)
        with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
            held = {ref: uow.certificate_claims.holders(ref) for ref in
                    ("E-A", "E-B", "E-C", "E-D", "E-E")}  # fmt: skip
    finally:
        engine.dispose()
    assert held == {"E-A": ["D1"], "E-B": ["D2"], "E-C": ["D2"], "E-D": [], "E-E": []}
