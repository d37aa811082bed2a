"""Writers: a transaction per write, and group commit (its concurrency is tested on real
databases in tests/integration/storage/test_group_commit.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from cafta.core.errors import CaftaError, Conflict
from cafta.services.ports import UnitOfWork
from cafta.services.writes import GroupCommit, OneByOne, _Queued

from .fakes import FakeUnitOfWork, Memory

AT = datetime(2026, 6, 1, tzinfo=UTC)


def _factory(memory: Memory) -> Any:
    return lambda read_only=False: FakeUnitOfWork(memory)


def _audit(entity: str) -> Callable[[UnitOfWork], str]:
    def work(uow: UnitOfWork) -> str:
        return uow.audit.append(AT, "test", "note", entity, {}).hash

    return work


def test_one_by_one_commits_each_write_or_nothing_of_it() -> None:
    memory = Memory()
    writer = OneByOne(_factory(memory))
    writer.write(_audit("a"))

    def half_then_fail(uow: UnitOfWork) -> None:
        uow.audit.append(AT, "test", "note", "b", {})
        raise Conflict("changed meanwhile", code="declaration.version")

    with pytest.raises(Conflict):
        writer.write(half_then_fail)
    assert memory.commits == 1 and [e.entity for e in memory.audit] == ["a"]


def test_alone_a_write_is_its_own_transaction() -> None:
    memory = Memory()
    writer = GroupCommit(_factory(memory))
    hashes = [writer.write(_audit(e)) for e in "abc"]
    assert memory.commits == 3 and writer.groups == 0
    assert hashes == [e.hash for e in memory.audit]


def test_writes_queued_together_commit_once_and_each_gets_its_result() -> None:
    memory = Memory()
    writer = GroupCommit(_factory(memory), batch=2)
    others = [_Queued(_audit(e)) for e in "ab"]  # queued by callers waiting for their turn
    writer._queue.extend(others)
    mine = writer.write(_audit("c"))
    # At most two per transaction: a and b went first, then c alone.
    assert memory.commits == 2 and writer.groups == 1
    assert [o.result for o in others] + [mine] == [e.hash for e in memory.audit]
    assert [e.entity for e in memory.audit] == ["a", "b", "c"]


def test_an_interrupted_leader_answers_the_writes_it_carried() -> None:
    memory = Memory()
    writer = GroupCommit(_factory(memory))
    other: _Queued[object] = _Queued(_audit("a"))
    writer._queue.append(other)

    def interrupted(uow: UnitOfWork) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        writer.write(interrupted)
    assert other.done and isinstance(other.error, CaftaError)
    assert other.error.code == "storage.unavailable"
    assert memory.commits == 0 and writer._queue == []


class _BusyUnitOfWork(FakeUnitOfWork):
    def commit(self) -> None:
        raise CaftaError("the database is busy", code="storage.busy")


def test_a_transaction_that_fails_fails_every_write_of_its_group_once() -> None:
    memory, runs = Memory(), []

    def counted(entity: str) -> Callable[[UnitOfWork], str]:
        def work(uow: UnitOfWork) -> str:
            runs.append(entity)
            return _audit(entity)(uow)

        return work

    writer = GroupCommit(lambda read_only=False: _BusyUnitOfWork(memory))
    other: _Queued[object] = _Queued(counted("a"))
    writer._queue.append(other)
    with pytest.raises(CaftaError) as caught:
        writer.write(counted("b"))
    assert caught.value.code == "storage.busy" and other.error is caught.value
    assert runs == ["a", "b"]  # not run again alone: that would only wait as long again
    assert memory.commits == 0 and writer.groups == 0
