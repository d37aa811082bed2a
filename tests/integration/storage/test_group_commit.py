"""Group commit on SQLite and PostgreSQL: writes of concurrent callers share a transaction,
each caller gets its own outcome, and the audit chain stays whole."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cafta import bootstrap
from cafta.adapters.storage.audit import verify_audit_chain
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.core.errors import Conflict
from cafta.services.clearance import Lodge
from cafta.services.ports import DeclarationFilter, DeclarationRecord, Principal, Role, UnitOfWork
from cafta.services.writes import GroupCommit

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "declarations"
DURIAN = json.loads((EXAMPLES / "durian-youyiguan.json").read_text(encoding="utf-8"))


def _lodging(record: DeclarationRecord) -> Callable[[UnitOfWork], str]:
    def work(uow: UnitOfWork) -> str:
        uow.declarations.add(record)
        uow.outbox.add("DeclarationLodged", record.id, {"id": record.id}, AT)
        uow.audit.append(AT, "test", "declaration.lodge", record.id, {"id": record.id})
        return record.id

    return work


def _first_write_waits(writer: GroupCommit, gate: threading.Event) -> Callable[[UnitOfWork], str]:
    def work(uow: UnitOfWork) -> str:
        gate.wait(10)
        return "first"

    return work


def _queued(writer: GroupCommit, count: int) -> bool:
    return len(writer._queue) >= count


def test_writes_that_queue_behind_a_commit_go_together_in_the_next(
    engine: Engine, uow_factory: SqlUnitOfWorkFactory,
    make_declaration: Callable[..., DeclarationRecord],
) -> None:  # fmt: skip
    writer = GroupCommit(uow_factory)
    gate = threading.Event()
    records = [make_declaration(f"CD-GROUP-{n}") for n in range(5)]
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(writer.write, _first_write_waits(writer, gate))
        while not writer._leader.locked():
            threading.Event().wait(0.001)
        rest = [pool.submit(writer.write, _lodging(r)) for r in records]
        while not _queued(writer, 5):  # all five wait behind the first transaction
            threading.Event().wait(0.001)
        gate.set()
        assert first.result(10) == "first"
        assert [f.result(10) for f in rest] == [r.id for r in records]
    assert writer.groups == 1  # the five went in one transaction
    with uow_factory(read_only=True) as uow:
        assert uow.declarations.count(DeclarationFilter()) == 5
    check = verify_audit_chain(engine)
    assert check.ok and check.entries == 5, check.problems


def test_a_failing_write_leaves_the_others_of_its_group_committed(
    engine: Engine, uow_factory: SqlUnitOfWorkFactory,
    make_declaration: Callable[..., DeclarationRecord],
) -> None:  # fmt: skip
    writer = GroupCommit(uow_factory)
    gate = threading.Event()
    a, b = make_declaration("CD-A"), make_declaration("CD-B")
    with ThreadPoolExecutor(5) as pool:
        first = pool.submit(writer.write, _first_write_waits(writer, gate))
        while not writer._leader.locked():
            threading.Event().wait(0.001)
        futures = [pool.submit(writer.write, _lodging(a))]
        while not _queued(writer, 1):
            threading.Event().wait(0.001)
        futures.append(pool.submit(writer.write, _lodging(a)))  # the same id again
        while not _queued(writer, 2):
            threading.Event().wait(0.001)
        futures.append(pool.submit(writer.write, _lodging(b)))
        while not _queued(writer, 3):
            threading.Event().wait(0.001)
        gate.set()
        first.result(10)
        assert futures[0].result(10) == "CD-A"
        with pytest.raises(Conflict):
            futures[1].result(10)
        assert futures[2].result(10) == "CD-B"
    assert writer.groups == 0  # the group failed and each write ran alone
    with uow_factory(read_only=True) as uow:
        assert {r.id for r in uow.declarations.list(DeclarationFilter())} == {"CD-A", "CD-B"}
    check = verify_audit_chain(engine)
    assert check.ok and check.entries == 2, check.problems


def test_a_node_under_concurrent_lodging_stores_every_declaration_once(
    database_url: str,
) -> None:
    services = bootstrap.build(Settings.from_env({}), clock=FixedClock(AT))
    node = bootstrap.open_node(services, database_url, risk_seed=3)
    try:
        principal = Principal(Role.TRADER, "Guangxi Fresh Fruit Trading Co.")
        start = threading.Barrier(8)

        def client(n: int) -> list[str]:
            start.wait(10)
            ids = []
            for k in range(15):
                key = f"client-{n}-{k % 12}"  # the last three are retries of earlier keys
                ids.append(node.clearance.lodge(Lodge(DURIAN, principal, key)).declaration.id)
            return ids

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(client, range(8)))
        distinct = {i for ids in answers for i in ids}
        assert len(distinct) == 8 * 12
        for ids in answers:
            assert ids[12:] == ids[:3]  # a retry answers with the first declaration
        with node.uow(read_only=True) as uow:
            assert uow.declarations.count(DeclarationFilter()) == 8 * 12
        check = verify_audit_chain(node.engine)
        assert check.ok and check.entries == 8 * 12, check.problems
    finally:
        node.close()
