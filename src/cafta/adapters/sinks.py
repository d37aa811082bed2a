"""Where relayed events go: a JSON Lines stream (a file, or standard output for a pipe).

Each line is one message: ``{"id", "topic", "key", "created_at", "payload"}``. A consumer that
reads the stream deduplicates by ``id`` (delivery is at least once, see
:mod:`cafta.services.relay`). Delivery to other customs nodes over HTTP will be another sink
behind the same port.

A batch is delivered, and :meth:`JsonLinesSink.deliver` returns, once it is written and flushed
and: for a file (``durable``), synced to disk; for a pipe, read by the reader. A write into a
pipe only fills the kernel's buffer (64 KiB on Linux), so a reader that has gone, or goes before
reading it all (``| head -c 300``), would otherwise take the batch with it unseen. The sink
waits until the pipe is empty (``FIONREAD``, on the write end, counts the bytes not read yet),
and raises :class:`BrokenPipeError` if its reader closes first (``poll`` reports ``POLLERR``):
the relay then does not mark the batch sent. What the reader has read counts as delivered,
whatever it does with it; a consumer that must not lose an event reads the ``--to`` file
instead. Where the pipe's fill cannot be read (not Linux), a pipe is treated as any stream:
delivered once written.
"""

from __future__ import annotations

import array
import errno
import json
import os
import select
import stat
from collections.abc import Sequence
from typing import TextIO

from cafta.services.ports import OutboxMessage

__all__ = ["JsonLinesSink"]


_POLL_MS = 10
"""How often, at most, a sink waiting for its reader looks at the pipe again."""


def _unread(fd: int) -> int | None:
    """The bytes written to the pipe ``fd`` that its reader has not read (``None``: unknown)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
        import termios  # noqa: PLC0415

        count = array.array("i", [0])  # a C int, as the ioctl writes it
        fcntl.ioctl(fd, termios.FIONREAD, count)
    except (ImportError, OSError):
        return None
    return count[0]


def _pipe(stream: TextIO) -> int | None:
    """The file descriptor of ``stream`` if it is a pipe whose fill can be read."""
    try:
        fd = stream.fileno()
        is_pipe = stat.S_ISFIFO(os.fstat(fd).st_mode)
    except (AttributeError, OSError, ValueError):
        return None
    if not is_pipe or not hasattr(select, "poll") or _unread(fd) is None:
        return None
    return fd


def wait_until_read(fd: int, poll_ms: int = _POLL_MS) -> None:
    """Return once the reader of pipe ``fd`` has read every byte written to it; raise
    :class:`BrokenPipeError` if the reader closes its end first."""
    poller = select.poll()
    poller.register(fd, 0)  # no events asked: only POLLERR (no reader left) and POLLHUP come
    while _unread(fd):
        if poller.poll(poll_ms):
            raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe before reading it all")


class JsonLinesSink:
    def __init__(self, stream: TextIO, *, durable: bool = False) -> None:
        self._stream = stream
        self._durable = durable
        self._pipe = None if durable else _pipe(stream)

    def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        lines = [
            json.dumps(
                {
                    "id": m.id,
                    "topic": m.topic,
                    "key": m.key,
                    "created_at": m.created_at.isoformat(),
                    "payload": m.payload,
                },
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            )
            for m in messages
        ]
        self._stream.write("\n".join(lines) + "\n")
        self._stream.flush()
        if self._durable:
            os.fsync(self._stream.fileno())
        elif self._pipe is not None:
            wait_until_read(self._pipe)
