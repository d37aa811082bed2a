"""The outbox relay: committed events are delivered once each in order; a failing sink loses
nothing; a slow sink holds no transaction, so it blocks no writer of any process; a relay killed
after delivering is redelivered when its lease ends; relays delivering at once never deliver the
same message; ``cafta outbox relay`` writes JSON lines."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import cli

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.cli import outbox as outbox_cli
from cafta.cli.main import run
from cafta.core.clock import FixedClock
from cafta.services.ports import OutboxMessage
from cafta.services.relay import LEASE, relay_once

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


class Blocking:
    """A sink that waits, while delivering, until the test lets it go (a full pipe, a partner
    node that does not answer)."""

    def __init__(self) -> None:
        self.delivering = threading.Event()
        self.go_on = threading.Event()
        self.seen: list[OutboxMessage] = []

    def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        self.delivering.set()
        assert self.go_on.wait(30), "the test never let the sink go on"
        self.seen.extend(messages)


_WRITE_IN_ANOTHER_PROCESS = """
import sys
from datetime import UTC, datetime
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
engine = create_engine_for(sys.argv[1], busy_timeout_ms=100, writer_lock_timeout_s=5)
with SqlUnitOfWorkFactory(engine)() as uow:
    uow.outbox.add("GoodsReleased", "from another process", {}, datetime.now(UTC))
    uow.commit()
"""


def test_a_slow_sink_holds_no_transaction_and_blocks_no_writer(
    uow_factory: SqlUnitOfWorkFactory, database_url: str, make_declaration: Any
) -> None:
    _queue(uow_factory, 2)
    sink = Blocking()
    relayed: list[int] = []
    relay = threading.Thread(
        target=lambda: relayed.append(relay_once(uow_factory, sink, FixedClock(NOW)))
    )
    relay.start()
    try:
        assert sink.delivering.wait(30)
        # A writer of this process (on SQLite it shares the writer lock with the relay's
        # engine) that would give up after 50 ms ...
        hasty = create_engine_for(database_url, busy_timeout_ms=50, writer_lock_timeout_s=0.05)
        try:
            with SqlUnitOfWorkFactory(hasty)() as uow:
                uow.declarations.add(make_declaration())
                # ... and the claim was committed: the lease keeps the messages from others.
                assert uow.outbox.claim(10, NOW, NOW + LEASE) == []
                uow.commit()
        finally:
            hasty.dispose()
        # A writer of another process (on SQLite it queues on the file lock).
        wrote = subprocess.run(
            [sys.executable, "-c", _WRITE_IN_ANOTHER_PROCESS, database_url],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert wrote.returncode == 0, wrote.stderr
        assert relay.is_alive()  # still delivering all along
    finally:
        sink.go_on.set()
        relay.join(30)
    assert relayed == [2]
    assert [m.key for m in sink.seen] == ["CD-0", "CD-1"]
    after = FixedClock(NOW + 2 * LEASE)  # past the lease: only the new message is left
    rest = Collecting()
    assert relay_once(uow_factory, rest, after) == 1
    assert [m.key for m in rest.seen] == ["from another process"]


_DIE_AFTER_DELIVERING = """
import os, signal, sys
from datetime import datetime
from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.core.clock import FixedClock
from cafta.services.relay import relay_once

class DieAfterDelivering:
    def deliver(self, messages):
        print(" ".join(m.key for m in messages), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # before the relay marks them sent

uow = SqlUnitOfWorkFactory(create_engine_for(sys.argv[1]))
relay_once(uow, DieAfterDelivering(), FixedClock(datetime.fromisoformat(sys.argv[2])), limit=2)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_relay_killed_after_delivering_is_redelivered_when_its_lease_ends(
    uow_factory: SqlUnitOfWorkFactory, database_url: str
) -> None:
    _queue(uow_factory, 3)
    killed = subprocess.run(
        [sys.executable, "-c", _DIE_AFTER_DELIVERING, database_url, NOW.isoformat()],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert killed.stdout.split() == ["CD-0", "CD-1"]
    sink = Collecting()
    just_before = FixedClock(NOW + LEASE - timedelta(seconds=1))
    assert relay_once(uow_factory, sink, just_before) == 1  # the lease holds the first two
    assert relay_once(uow_factory, sink, FixedClock(NOW + LEASE)) == 2
    assert [m.key for m in sink.seen] == ["CD-2", "CD-0", "CD-1"]
    assert relay_once(uow_factory, sink, FixedClock(NOW + 3 * LEASE)) == 0


class Meeting:
    """A sink that delivers only while the other relay is delivering too."""

    def __init__(self, meeting: threading.Barrier) -> None:
        self.meeting = meeting
        self.seen: list[OutboxMessage] = []

    def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        self.meeting.wait()
        self.seen.extend(messages)


def test_relays_delivering_at_once_never_deliver_the_same_message(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    _queue(uow_factory, 5)
    meeting = threading.Barrier(2, timeout=30)
    sinks = [Meeting(meeting), Meeting(meeting)]
    counts: list[int] = []
    relays = [
        threading.Thread(
            target=lambda sink=sink: counts.append(
                relay_once(uow_factory, sink, FixedClock(NOW), limit=3)
            )
        )
        for sink in sinks
    ]
    for relay in relays:
        relay.start()
    for relay in relays:
        relay.join(60)
    assert not meeting.broken  # both were delivering at the same time
    assert sorted(counts) == [2, 3]
    keys = [m.key for sink in sinks for m in sink.seen]
    assert sorted(keys) == [f"CD-{n}" for n in range(5)]  # each once
    assert relay_once(uow_factory, Collecting(), FixedClock(NOW + 2 * LEASE)) == 0


def _relay_into_pipe(database_url: str, monkeypatch: pytest.MonkeyPatch,
                     limit: int) -> tuple[int, bytes]:  # fmt: skip
    """``cafta outbox relay --once | head -c LIMIT`` in process: standard output is a pipe
    whose reader reads ``limit`` bytes, then closes it (unless it reads everything)."""
    read_end, write_end = os.pipe()
    stdout = os.fdopen(write_end, "w", encoding="utf-8")
    got: list[bytes] = []

    def head() -> None:
        data = b""
        while len(data) < limit and (chunk := os.read(read_end, limit - len(data))):
            data += chunk
        got.append(data)
        os.close(read_end)

    reader = threading.Thread(target=head)
    reader.start()
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        code = run(["outbox", "relay", "--database", database_url, "--once"])
    finally:
        monkeypatch.undo()
        with contextlib.suppress(OSError):
            stdout.close()
        reader.join(10)
    return code, got[0]


@pytest.mark.skipif(sys.platform != "linux", reason="reads a pipe's fill (Linux)")
def test_a_reader_that_stops_early_leaves_the_batch_in_the_outbox(
    uow_factory: SqlUnitOfWorkFactory, database_url: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """`cafta outbox relay --once | head -c 100`: the three events fit in the pipe's buffer,
    so writing them succeeds, but the reader took only 100 bytes: none is marked sent."""
    _queue(uow_factory, 3)
    code, read = _relay_into_pipe(database_url, monkeypatch, 100)
    assert len(read) == 100
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: standard output was closed after 0 event(s) were delivered")
    assert err.count("\n") == 1
    code, out, _ = cli(capsys, "outbox", "list", "--database", database_url, "--json")
    assert code == 0
    listed = json.loads(out)
    assert listed["waiting"] == 3
    assert [(e["key"], e["state"]) for e in listed["events"]] == [
        ("CD-0", "waiting"), ("CD-1", "waiting"), ("CD-2", "waiting")]  # fmt: skip
    # A reader that reads it all gets every event; then nothing waits.
    code, read = _relay_into_pipe(database_url, monkeypatch, 1_000_000)
    assert code == 0
    assert [json.loads(line)["key"] for line in read.decode().splitlines()] == [
        "CD-0", "CD-1", "CD-2"]  # fmt: skip
    assert "3 event(s) delivered" in capsys.readouterr().err
    code, out, _ = cli(capsys, "outbox", "list", "--database", database_url)
    assert (code, out) == (0, "no events waiting\n")


def test_the_outbox_can_be_looked_at_without_delivering(
    uow_factory: SqlUnitOfWorkFactory, database_url: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "120")
    _queue(uow_factory, 3)
    # A relay that claimed the first event and is still delivering it.
    with uow_factory() as uow:
        uow.outbox.claim(1, datetime.now(UTC), datetime.now(UTC) + timedelta(hours=1))
        uow.commit()
    for _ in range(2):  # looking changes nothing
        code, out, err = cli(capsys, "outbox", "list", "--database", database_url, "--json")
        assert code == 0, err
        listed = json.loads(out)
        assert listed["waiting"] == 3
        first, second, _ = listed["events"]
        assert (first["key"], first["state"], first["topic"]) == (
            "CD-0", "being_relayed", "GoodsReleased")  # fmt: skip
        assert first["lease_ends"] is not None and first["payload"] == {"n": 0}
        assert (second["state"], second["lease_ends"]) == ("waiting", None)
    code, out, _ = cli(capsys, "outbox", "list", "--database", database_url, "--limit", "2")
    assert code == 0
    assert "CD-0" in out and "being relayed (lease ends" in out and "CD-1" in out
    assert "CD-2" not in out and out.endswith("the oldest 2 of 3; --limit shows more\n")


@pytest.mark.parametrize("where", ["a directory", "a missing folder"])
def test_a_target_that_cannot_be_opened_is_one_line(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, where: str,
) -> None:  # fmt: skip
    opened: list[str] = []
    real_open = outbox_cli.open_node

    def open_node(*args: Any, **kwargs: Any) -> Any:
        opened.append("node")
        return real_open(*args, **kwargs)

    monkeypatch.setattr(outbox_cli, "open_node", open_node)
    target = tmp_path if where == "a directory" else tmp_path / "missing" / "events.jsonl"
    code, out, err = cli(capsys, "outbox", "relay", "--database", database_url, "--once",
                         "--to", target)  # fmt: skip
    assert (code, out) == (2, "")
    said = "is a directory" if where == "a directory" else "there is no folder"
    assert err.startswith(f"error: --to: {target} ") and said in err
    assert err.count("\n") == 1 and "unexpected" not in err
    assert opened == []  # stopped before the node was opened


def test_a_relay_stopped_with_ctrl_c_says_what_it_delivered(
    uow_factory: SqlUnitOfWorkFactory, database_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A relay that runs until stopped (no --once) ends on Ctrl-C with exit 0 and a count."""
    _queue(uow_factory, 3)
    calls: list[int] = []

    def relay_then_ctrl_c(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return relay_once(*args, **kwargs)

    monkeypatch.setattr("cafta.services.relay.relay_once", relay_then_ctrl_c)
    target = tmp_path / "events.jsonl"
    code, out, err = cli(capsys, "outbox", "relay", "--database", database_url, "--to", target)
    assert (code, out) == (0, "")
    assert err == "stopped: 3 event(s) delivered\n"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3
