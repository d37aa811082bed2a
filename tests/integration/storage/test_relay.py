"""The outbox relay: committed events are delivered once each in order; a failing sink loses
nothing; ``cafta outbox relay`` writes JSON lines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.cli.main import run
from cafta.core.clock import FixedClock
from cafta.services.ports import OutboxMessage
from cafta.services.relay import relay_once

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


class Collecting:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[OutboxMessage] = []

    def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        if self.fail:
            raise ConnectionError("partner node unreachable")
        self.seen.extend(messages)


def _queue(factory: SqlUnitOfWorkFactory, count: int) -> None:
    with factory() as uow:
        for n in range(count):
            uow.outbox.add("GoodsReleased", f"CD-{n}", {"n": n}, NOW)
        uow.commit()


def test_messages_are_delivered_in_order_once_each(uow_factory: SqlUnitOfWorkFactory) -> None:
    _queue(uow_factory, 5)
    sink = Collecting()
    clock = FixedClock(NOW)
    assert relay_once(uow_factory, sink, clock, limit=3) == 3
    assert relay_once(uow_factory, sink, clock, limit=3) == 2
    assert relay_once(uow_factory, sink, clock, limit=3) == 0
    assert [m.payload["n"] for m in sink.seen] == [0, 1, 2, 3, 4]


def test_a_failing_sink_loses_nothing(uow_factory: SqlUnitOfWorkFactory) -> None:
    _queue(uow_factory, 2)
    with pytest.raises(ConnectionError):
        relay_once(uow_factory, Collecting(fail=True), FixedClock(NOW))
    sink = Collecting()
    assert relay_once(uow_factory, sink, FixedClock(NOW)) == 2


def test_the_relay_command_writes_json_lines(
    uow_factory: SqlUnitOfWorkFactory, database_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _queue(uow_factory, 3)
    target = tmp_path / "events.jsonl"
    code = run(["outbox", "relay", "--database", database_url, "--once", "--to", str(target)])
    assert code == 0
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["key"] for line in lines] == ["CD-0", "CD-1", "CD-2"]
    assert len({line["id"] for line in lines}) == 3
    assert "3 event(s) delivered" in capsys.readouterr().err
