"""The JSON Lines sink: a batch written to a pipe counts as delivered once it has been read,
and a reader that goes away before reading it all fails the delivery."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import pytest

from cafta.adapters.sinks import JsonLinesSink
from cafta.services.ports import OutboxMessage

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads a pipe's fill (Linux)")

AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
MESSAGES = [OutboxMessage(n, "GoodsReleased", f"CD-{n}", {"n": n}, AT) for n in range(1, 4)]


@pytest.fixture
def pipe() -> Iterator[tuple[int, TextIO]]:
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "w", encoding="utf-8")
    try:
        yield read_end, stream
    finally:
        with contextlib.suppress(BrokenPipeError):  # what is left unread, flushed on closing
            stream.close()
        with contextlib.suppress(OSError):  # the test may have closed it
            os.close(read_end)


def _reader(fd: int, limit: int, got: list[bytes]) -> threading.Thread:
    def read() -> None:
        got.append(os.read(fd, limit))
        if limit < 100_000:
            os.close(fd)  # a reader that stops early: `| head -c LIMIT`

    thread = threading.Thread(target=read)
    thread.start()
    return thread


def test_a_batch_is_delivered_once_the_reader_has_read_it(pipe: tuple[int, TextIO]) -> None:
    read_end, stream = pipe
    got: list[bytes] = []
    reader = _reader(read_end, 1_000_000, got)
    JsonLinesSink(stream).deliver(MESSAGES)
    reader.join(5)
    lines = [json.loads(line) for line in got[0].decode().splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3]


def test_a_reader_that_stops_early_fails_the_delivery(pipe: tuple[int, TextIO]) -> None:
    """`cafta outbox relay | head -c 30`: the batch fits in the pipe's buffer, so writing it
    succeeds, but it was not all read."""
    read_end, stream = pipe
    got: list[bytes] = []
    reader = _reader(read_end, 30, got)
    with pytest.raises(BrokenPipeError):
        JsonLinesSink(stream).deliver(MESSAGES)
    reader.join(5)
    assert len(got[0]) == 30


def test_a_reader_already_gone_fails_the_delivery(pipe: tuple[int, TextIO]) -> None:
    read_end, stream = pipe
    os.close(read_end)
    with pytest.raises(BrokenPipeError):
        JsonLinesSink(stream).deliver(MESSAGES)


def test_a_file_is_delivered_when_synced(tmp_path: Path) -> None:
    target = tmp_path / "events.jsonl"
    with target.open("a", encoding="utf-8") as stream:
        JsonLinesSink(stream, durable=True).deliver(MESSAGES)
    assert [json.loads(line)["key"] for line in target.read_text().splitlines()] == [
        "CD-1", "CD-2", "CD-3"]  # fmt: skip
