"""Engines and failures: SQLite settings, URL handling, and errors an operator can act on."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from cafta.adapters.storage.engine import POOL_SIZE, create_engine_for, default_database_url
from cafta.adapters.storage.failures import redact_url
from cafta.adapters.storage.schema import upgrade
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.core.errors import CaftaError, InvalidInput


def _pragmas(url: str) -> tuple[object, ...]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            return tuple(
                connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            )
    finally:
        engine.dispose()


def test_sqlite_connections_use_wal_and_wait_for_the_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'dir' / 'cafta.db'}"
    assert _pragmas(url) == ("wal", 1, 1, 5000)
    assert (tmp_path / "new" / "dir").is_dir()
    assert _pragmas(url + "?synchronous=FULL") == ("wal", 2, 1, 5000)


def test_a_sqlite_file_keeps_a_pool_of_connections(tmp_path: Path) -> None:
    """A busy server must not open and close a connection per request (POOL_SIZE)."""
    engine = create_engine_for(f"sqlite:///{tmp_path / 'pool.db'}")
    try:
        assert engine.pool.size() == POOL_SIZE  # type: ignore[attr-defined]
        held = [engine.connect() for _ in range(POOL_SIZE + 2)]  # overflow allowed too
        for connection in held:
            connection.close()
        assert engine.pool.checkedin() == POOL_SIZE  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_bad_synchronous_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        create_engine_for(f"sqlite:///{tmp_path / 'x.db'}?synchronous=SOMETIMES")


def test_postgresql_urls_use_psycopg_3() -> None:
    for url in ("postgresql://u:p@db.example/cafta", "postgresql+psycopg://u:p@db.example/cafta"):
        engine = create_engine_for(url)
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
        engine.dispose()


@pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db", "postgresql+psycopg2://u@h/d"])
def test_urls_cafta_cannot_use_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_engine_for(url)
    assert caught.value.code in ("storage.invalid_url", "storage.unsupported_database")


def test_the_default_database_is_cafta_db_in_the_working_directory(tmp_path: Path) -> None:
    assert default_database_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/cafta.db"


def test_urls_are_shown_without_passwords() -> None:
    shown = redact_url("postgresql://cafta:s3cret@db.example:5432/cafta?password=other")
    assert "s3cret" not in shown and "other" not in shown
    assert shown.startswith("postgresql://cafta:***@db.example:5432/cafta")


def test_an_unreachable_database_is_storage_unavailable_without_the_password() -> None:
    engine = create_engine_for("postgresql://cafta:s3cret@127.0.0.1:9/cafta?connect_timeout=2")
    try:
        with pytest.raises(CaftaError) as caught, SqlUnitOfWorkFactory(engine)():
            pass
    finally:
        engine.dispose()
    assert caught.value.code == "storage.unavailable"
    assert "s3cret" not in str(caught.value)
    assert "postgresql+psycopg://cafta:***@127.0.0.1:9/cafta" in str(caught.value)


def test_a_database_without_tables_says_to_run_db_upgrade(backend) -> None:
    engine = create_engine_for(backend.empty_url())
    try:
        with pytest.raises(CaftaError) as caught, SqlUnitOfWorkFactory(engine)() as uow:
            uow.declarations.get("D1")
    finally:
        engine.dispose()
    assert caught.value.code == "storage.not_migrated"
    assert "cafta db upgrade" in str(caught.value)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cafta.db'}"
    upgrade(url)
    return url


def test_on_sqlite_a_second_writer_waits_for_the_first(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    uow_factory = SqlUnitOfWorkFactory(engine)
    order: list[str] = []
    with uow_factory() as first:
        first.outbox.add("T", "first", {}, _now())

        def second_writer() -> None:
            with uow_factory() as second:
                order.append("second began")
                second.outbox.add("T", "second", {}, _now())
                second.commit()

        racer = threading.Thread(target=second_writer)
        racer.start()
        time.sleep(0.2)
        order.append("first commits")
        first.commit()
    racer.join(5)
    assert order == ["first commits", "second began"]
    with uow_factory() as uow:
        claimed = uow.outbox.claim(10, _now(), _now() + timedelta(minutes=1))
        assert [m.key for m in claimed] == ["first", "second"]
    engine.dispose()


def test_on_sqlite_a_lock_held_too_long_is_storage_busy(sqlite_url: str) -> None:
    patient = create_engine_for(sqlite_url)
    hasty = create_engine_for(sqlite_url, busy_timeout_ms=50)
    try:
        with (
            SqlUnitOfWorkFactory(patient)(),
            pytest.raises(CaftaError) as caught,
            SqlUnitOfWorkFactory(hasty)(),
        ):
            pass
        assert caught.value.code == "storage.busy"
    finally:
        patient.dispose()
        hasty.dispose()


_KILLED_AFTER_COMMIT = """
import os, signal, sys
from datetime import UTC, datetime
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
uow = SqlUnitOfWorkFactory(create_engine_for(sys.argv[1]))()
with uow:
    uow.outbox.add("GoodsReleased", "D1", {"lane": "green"}, datetime.now(UTC))
    uow.commit()
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="needs SIGKILL")
def test_a_commit_survives_the_process_being_killed(sqlite_url: str) -> None:
    url = sqlite_url
    done = subprocess.run([sys.executable, "-c", _KILLED_AFTER_COMMIT, url], check=False)
    assert done.returncode == -9
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT key FROM outbox")).scalars().all() == ["D1"]
    finally:
        engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


def test_an_unreachable_server_during_an_upgrade_is_named_as_such() -> None:
    from cafta.adapters.storage.schema import upgrade  # noqa: PLC0415
    from cafta.core.errors import CaftaError  # noqa: PLC0415

    with pytest.raises(CaftaError) as caught:
        upgrade("postgresql://nobody@127.0.0.1:1/nothing")  # port 1: refused at once
    assert caught.value.code == "storage.unavailable"
    assert "cannot be reached" in caught.value.message


def test_a_column_a_later_migration_adds_says_to_run_db_upgrade(backend) -> None:
    """An older schema (0002 had no outbox lease column) was an "unexpected failure"."""
    # A database of its own: on PostgreSQL the tests' migrated schema is shared, and the later
    # tests would find the column missing.
    url = backend.empty_url()
    upgrade(url)
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE outbox DROP COLUMN claimed_until"))
        with pytest.raises(CaftaError) as caught, SqlUnitOfWorkFactory(engine)() as uow:
            uow.outbox.claim(10, datetime.now(UTC), datetime.now(UTC) + timedelta(minutes=1))
    finally:
        engine.dispose()
    assert caught.value.code == "storage.not_migrated"
    assert "cafta db upgrade" in str(caught.value)


def test_a_host_that_does_not_resolve_is_unreachable_during_an_upgrade() -> None:
    from cafta.adapters.storage.schema import upgrade  # noqa: PLC0415

    with pytest.raises(CaftaError) as caught:
        upgrade("postgresql://nobody:pw@nohost.invalid/nothing?connect_timeout=2")
    assert caught.value.code == "storage.unavailable"
    assert "pw" not in caught.value.message.replace("nohost", "")


def test_disposing_of_the_engine_closes_every_connection_and_sqlite_removes_its_wal(
    sqlite_url: str,
) -> None:
    """The background checkpointer kept a connection open until the process ended, so even a
    clean shutdown left cafta.db-wal and cafta.db-shm behind."""
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    engine = create_engine_for(sqlite_url)
    try:
        with SqlUnitOfWorkFactory(engine)() as uow:
            uow.idempotency.remember("trader:CN:1", "key-1", "hash-a", "D1")
            uow.commit()
        time.sleep(0.8)  # the checkpointer has opened its connection
        assert wal.exists() and shm.exists()
        engine.dispose()
        assert not wal.exists() and not shm.exists()
        # The engine still works after dispose(), checkpoints included.
        with SqlUnitOfWorkFactory(engine)() as uow:
            assert uow.idempotency.find("trader:CN:1", "key-1") == ("hash-a", "D1")
            uow.idempotency.remember("trader:CN:1", "key-2", "hash-b", "D2")
            uow.commit()
        time.sleep(0.8)
        assert wal.exists()
    finally:
        engine.dispose()
    assert not wal.exists() and not shm.exists()


def test_the_upgrade_hint_can_be_pasted() -> None:
    """It showed postgresql+psycopg://user:***@..., which --database does not take as is."""
    import sqlite3  # noqa: PLC0415

    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from cafta.adapters.storage.failures import storage_error  # noqa: PLC0415

    cause = DBAPIError("SELECT 1", {}, sqlite3.OperationalError("no such table: outbox"))
    error = storage_error(cause, "postgresql+psycopg://cafta:s3cret@db.internal:5432/cafta")
    assert error.code == "storage.not_migrated"
    assert error.hint == (
        "Run 'cafta db upgrade --database postgresql://cafta:PASSWORD@db.internal:5432/cafta' "
        "(cafta serve does it on start), with the password in place of PASSWORD."
    )
    assert "s3cret" not in str(error)
