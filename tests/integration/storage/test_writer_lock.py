"""SQLite writers of several processes take turns on a file lock beside the database.

Two processes lodging into one file at once all commit, without ``database is locked``, and the
audit chain they build together is valid; the lock file lives beside the database (none for an
in-memory one); a writer killed while holding the lock does not keep it; a writer waits for
another process's writer up to the writer lock timeout, not the busy timeout, and then gives up
with ``storage.busy``; migrations take the lock too.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from cafta.adapters.storage.audit import verify_audit_chain
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.schema import current_revision, head_revision, upgrade
from cafta.adapters.storage.tables import declarations
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.adapters.storage.writer_lock import lock_file_for, writer_lock
from cafta.core.errors import CaftaError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the file lock needs fcntl")

ROOT = Path(__file__).resolve().parents[3]

# Run in spawned processes with exec (a builtin, so it needs no importable test module): wait
# for the other process, then write, and report what failed.
_LODGE = """
from cafta import bootstrap
from cafta.services.clearance import Lodge
from cafta.services.ports import Principal, Role

node = bootstrap.open_node(bootstrap.build(), url, risk_seed=1)
failures = []
try:
    barrier.wait(60)
    for n in range(count):
        importer = f"Importer {tag}{n} Co."
        document = {**template, "importer": {"name": importer, "country": "CN"},
                    "declarant": {"name": importer, "country": "CN"}}
        try:
            node.clearance.lodge(Lodge(document, Principal(Role.TRADER, importer)))
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
finally:
    node.close()
results.put((tag, failures))
"""

_APPEND = """
from datetime import UTC, datetime
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory

# A busy timeout of 1 ms: a writer left to SQLite's busy handler would fail at once.
engine = create_engine_for(url, busy_timeout_ms=1)
uow = SqlUnitOfWorkFactory(engine)
failures = []
barrier.wait(60)
for n in range(count):
    try:
        with uow() as unit:
            unit.audit.append(datetime.now(UTC), tag, "test.append", f"{tag}{n}", {"n": n})
            unit.outbox.add("test.append", f"{tag}{n}", {"n": n}, datetime.now(UTC))
            unit.commit()
    except Exception as error:
        failures.append(f"{type(error).__name__}: {error}")
engine.dispose()
results.put((tag, failures))
"""


def _open_and_close(engine: Engine, *, read_only: bool = False) -> None:
    """Open a unit of work and roll it back at once: these tests check the opening (the
    writer's wait for its turn, or a read that takes no lock)."""
    unit = SqlUnitOfWorkFactory(engine)(read_only=read_only)
    with unit:
        unit.rollback()


def _in_two_processes(code: str, **names: Any) -> dict[str, list[str]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(
            target=exec,
            args=(code, {**names, "tag": tag, "barrier": barrier, "results": results}),
        )
        for tag in ("A", "B")
    ]
    for process in processes:
        process.start()
    try:
        reported = dict(results.get(timeout=120) for _ in processes)
    finally:
        for process in processes:
            process.join(30)
    assert [p.exitcode for p in processes] == [0, 0]
    return reported


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "cafta.db"
    upgrade(f"sqlite:///{path}")
    return path


def test_two_processes_lodging_into_one_file_all_commit_with_a_valid_chain(
    sqlite_path: Path,
) -> None:
    template = json.loads((ROOT / "examples/declarations/durian-youyiguan.json").read_text())
    del template["items"][0]["preference"]  # no claim: no certificate to check
    url = f"sqlite:///{sqlite_path}"
    reported = _in_two_processes(_LODGE, url=url, count=50, template=template)
    assert reported == {"A": [], "B": []}
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(declarations)).scalar()
        assert stored == 100
        verified = verify_audit_chain(engine)
        assert verified.ok, verified.as_dict()
        assert verified.entries == 100
    finally:
        engine.dispose()
    assert lock_file_for(sqlite_path).exists()


def test_writers_of_two_processes_wait_for_each_other_not_for_the_busy_timeout(
    sqlite_path: Path,
) -> None:
    """With a 1 ms busy timeout, only the file lock can keep these writers from failing."""
    url = f"sqlite:///{sqlite_path}"
    reported = _in_two_processes(_APPEND, url=url, count=300)
    assert reported == {"A": [], "B": []}
    engine = create_engine_for(url)
    try:
        verified = verify_audit_chain(engine)
        assert verified.ok, verified.as_dict()
        assert verified.entries == 600
    finally:
        engine.dispose()


def test_the_lock_file_is_beside_the_database_and_made_by_the_first_writer(
    tmp_path: Path,
) -> None:
    database = tmp_path / "db" / "cafta.db"  # not migrated: a migration is a writer too
    lock_file = database.parent / "cafta.db.lock"
    assert lock_file_for(database) == lock_file
    engine = create_engine_for(f"sqlite:///{database}")
    other = create_engine_for(f"sqlite:///{database}")
    try:
        assert writer_lock(engine).lock_file == lock_file.resolve()
        assert writer_lock(other) is writer_lock(engine)  # one lock per file in a process
        _open_and_close(engine, read_only=True)
        assert database.exists()
        assert not lock_file.exists()  # readers never take it
        with SqlUnitOfWorkFactory(engine)() as unit:
            assert lock_file.exists()
            unit.commit()
    finally:
        engine.dispose()
        other.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_has_no_lock_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = create_engine_for(url)
    try:
        assert writer_lock(engine).lock_file is None
        assert writer_lock(create_engine_for(url)) is not writer_lock(engine)
        with SqlUnitOfWorkFactory(engine)() as unit:
            unit.commit()
    finally:
        engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_a_writer_without_the_file_lock_is_still_waited_for_by_sqlite(sqlite_path: Path) -> None:
    """Another program (here the sqlite3 module) holding the write lock: storage.busy after
    the busy timeout, as before."""
    other = sqlite3.connect(sqlite_path, isolation_level=None)
    engine = create_engine_for(f"sqlite:///{sqlite_path}", busy_timeout_ms=50)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(CaftaError) as caught:
            _open_and_close(engine)
        assert caught.value.code == "storage.busy"
    finally:
        other.close()
        engine.dispose()


_KILLED_HOLDING_THE_LOCK = """
import os, signal, sys
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
with SqlUnitOfWorkFactory(create_engine_for(sys.argv[1]))():
    print("holding", flush=True)
    sys.stdin.readline()
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(os, "kill"), reason="needs SIGKILL")
def test_a_writer_killed_holding_the_lock_releases_it(sqlite_path: Path) -> None:
    url = f"sqlite:///{sqlite_path}"
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_HOLDING_THE_LOCK, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdin is not None
        assert child.stdout.readline() == "holding\n"
        import fcntl  # noqa: PLC0415

        with open(lock_file_for(sqlite_path)) as probe:  # held by the child now
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            child.stdin.write("die\n")
            child.stdin.flush()
            assert child.wait(30) == -9
    engine = create_engine_for(url, busy_timeout_ms=50)
    try:
        started = time.monotonic()
        with SqlUnitOfWorkFactory(engine)() as unit:
            unit.commit()
        assert time.monotonic() - started < 1
    finally:
        engine.dispose()


_HOLD_UNTIL_TOLD = """
import sys
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
with SqlUnitOfWorkFactory(create_engine_for(sys.argv[1]))():
    print("holding", flush=True)
    sys.stdin.readline()
"""


class Holder:
    """Another process in a write transaction (holding the file lock) until :meth:`let_go`."""

    def __init__(self, url: str) -> None:
        self.child = subprocess.Popen(
            [sys.executable, "-c", _HOLD_UNTIL_TOLD, url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.child.stdout is not None
        assert self.child.stdout.readline() == "holding\n"

    def let_go(self) -> None:
        if self.child.poll() is None:
            assert self.child.stdin is not None
            self.child.stdin.write("done\n")
            self.child.stdin.flush()
        assert self.child.wait(30) == 0

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *args: object) -> None:
        try:
            self.let_go()
        finally:
            self.child.__exit__(*args)


def _file_lock_is_free(path: Path) -> bool:
    import fcntl  # noqa: PLC0415

    with open(lock_file_for(path)) as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def test_a_writer_gives_up_when_another_process_holds_the_lock_past_the_lock_timeout(
    sqlite_path: Path,
) -> None:
    url = f"sqlite:///{sqlite_path}"
    engine = create_engine_for(url, writer_lock_timeout_s=0.2)
    try:
        with Holder(url) as holder:
            started = time.monotonic()
            with pytest.raises(CaftaError) as caught:
                _open_and_close(engine)
            waited = time.monotonic() - started
            assert caught.value.code == "storage.busy"
            assert "another process" in caught.value.message
            assert "writer lock timeout (0.2 s)" in caught.value.message
            assert 0.2 <= waited < 5
            holder.let_go()
        # The wait given up lets the lock go as soon as it gets it: the next writer is not
        # kept waiting by it.
        deadline = time.monotonic() + 5
        while not _file_lock_is_free(sqlite_path):
            assert time.monotonic() < deadline, "an abandoned wait kept the file lock"
            time.sleep(0.01)
        with SqlUnitOfWorkFactory(engine)() as unit:
            unit.commit()
    finally:
        engine.dispose()


def test_a_writer_waiting_for_another_process_goes_as_soon_as_it_lets_go(
    sqlite_path: Path,
) -> None:
    """The wait is bounded by the lock timeout (30 s by default), not the busy timeout."""
    url = f"sqlite:///{sqlite_path}"
    engine = create_engine_for(url, busy_timeout_ms=1)
    waited: list[float] = []

    def write() -> None:
        started = time.monotonic()
        with SqlUnitOfWorkFactory(engine)() as unit:
            waited.append(time.monotonic() - started)
            unit.commit()

    try:
        with Holder(url) as holder:
            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(0.5)
            assert writer.is_alive()
            let_go_at = time.monotonic()
            holder.let_go()
            writer.join(10)
            assert not writer.is_alive()
        assert len(waited) == 1
        assert waited[0] >= 0.5
        assert time.monotonic() - let_go_at < 5
    finally:
        engine.dispose()


@pytest.mark.parametrize("value", ["soon", "-1", "inf"])
def test_the_lock_timeout_in_the_url_must_be_seconds(sqlite_path: Path, value: str) -> None:
    with pytest.raises(CaftaError) as caught:
        create_engine_for(f"sqlite:///{sqlite_path}?writer_lock_timeout={value}")
    assert caught.value.code == "storage.invalid_url"


def test_a_migration_waits_for_the_writers_of_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "db" / "cafta.db"
    url = f"sqlite:///{path}"
    failures: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(url)
        except BaseException as error:  # reported below
            failures.append(error)

    with Holder(url) as holder:
        # With a short lock timeout it gives up, with the busy error and nothing done ...
        with pytest.raises(CaftaError) as caught:
            upgrade(f"{url}?writer_lock_timeout=0.2")
        assert caught.value.code == "storage.busy"
        assert current_revision(url) is None
        # ... with the default one it waits for the other process's transaction to end.
        migrator = threading.Thread(target=migrate)
        migrator.start()
        time.sleep(0.5)
        assert migrator.is_alive()
        assert current_revision(url) is None
        holder.let_go()
        migrator.join(30)
    assert failures == []
    assert current_revision(url) == head_revision()
