"""The outbox relay: events that leave the process, delivered at least once, in order.

Handlers write each event to the outbox in the transaction that made it (:mod:`.clearance`), so
an event exists exactly when its change was committed. The relay claims unsent messages (on
PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so several relays share the work without taking the
same message), hands them to a :class:`Sink`, and marks them sent in the same transaction. If
the sink fails, nothing is marked and the messages are claimed again later; if the process dies
after delivering but before committing, they are delivered again. Consumers therefore
deduplicate by message id, which is why every delivered message carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cafta.core.clock import Clock
from cafta.services.ports import OutboxMessage, UnitOfWorkFactory

__all__ = ["Sink", "relay_once"]


class Sink(Protocol):
    def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        """Deliver every message or raise; a partial delivery must raise too."""


def relay_once(uow: UnitOfWorkFactory, sink: Sink, clock: Clock, limit: int = 100) -> int:
    """Deliver up to ``limit`` waiting messages; the number delivered."""
    with uow() as work:
        messages = work.outbox.claim(limit, clock.now())
        if not messages:
            return 0
        sink.deliver(messages)
        work.outbox.mark_sent([m.id for m in messages], clock.now())
        work.commit()
    return len(messages)
