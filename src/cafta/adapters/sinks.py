"""Where relayed events go: a JSON Lines stream (a file, or standard output for a pipe).

Each line is one message: ``{"id", "topic", "key", "created_at", "payload"}``. A consumer that
reads the stream deduplicates by ``id`` (delivery is at least once, see
:mod:`cafta.services.relay`). Delivery to other customs nodes over HTTP will be another sink
behind the same port.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TextIO

from cafta.services.ports import OutboxMessage

__all__ = ["JsonLinesSink"]


class JsonLinesSink:
    def __init__(self, stream: TextIO, *, durable: bool = False) -> None:
        self._stream = stream
        self._durable = durable

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
