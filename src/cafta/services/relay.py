"""The outbox relay: events that leave the process, delivered at least once.

Handlers write each event to the outbox in the transaction that made it (:mod:`.clearance`), so
an event exists exactly when its change was committed. The relay then works in three steps, so
that no transaction stays open while a :class:`Sink` delivers (a slow sink, a full pipe or a
partner node that does not answer would otherwise hold the database's write lock on SQLite, and
stall every writer of every process, for as long as it takes):

1. claim: in a short transaction, take up to ``limit`` unsent messages, oldest first, and lease
   them until now + ``lease`` (:meth:`cafta.services.ports.Outbox.claim`); commit. No other
   relay claims them while the lease holds (on PostgreSQL claims running at the same moment
   skip each other's rows), so several relays never deliver the same message at once;
2. deliver them, outside any transaction;
3. mark them sent, in another short transaction.

If the sink fails, the lease is released at once and the messages are claimed again by the
next call. If the process dies between claiming and marking (or marking fails), the messages
stay leased until the lease ends and are then delivered again, by this relay or another; so is
a delivery that outlasts its lease. Delivery is therefore at least once: consumers deduplicate
by message id, which is why every delivered message carries it. Messages are claimed in order,
but a redelivered batch arrives after the messages delivered while its lease held; consumers
that need the order sort by id. Times come from the injected clock; the lease should be much
longer than a delivery takes, and than the clocks of relays on different hosts differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Protocol

from cafta.core.clock import Clock
from cafta.core.errors import CaftaError
from cafta.services.ports import OutboxMessage, UnitOfWorkFactory

__all__ = ["LEASE", "Sink", "relay_once"]

LEASE = timedelta(seconds=60)
"""How long claimed messages are kept from other relays while this one delivers them."""


class Sink(Protocol):
    def deliver(self, messages: Sequence[OutboxMessage]) -> None:
        """Deliver every message or raise; a partial delivery must raise too."""


def relay_once(
    uow: UnitOfWorkFactory, sink: Sink, clock: Clock, limit: int = 100, lease: timedelta = LEASE
) -> int:
    """Deliver up to ``limit`` waiting messages; the number delivered."""
    with uow() as work:
        claimed_at = clock.now()
        until = claimed_at + lease
        messages = work.outbox.claim(limit, claimed_at, until)
        if not messages:
            return 0
        work.commit()
    ids = [m.id for m in messages]
    try:
        sink.deliver(messages)
    except BaseException:
        # Let the next claim take them now rather than when the lease ends; if even that
        # fails, the lease ends anyway.
        with suppress(CaftaError):
            _release(uow, ids, until)
        raise
    with uow() as work:
        work.outbox.mark_sent(ids, clock.now())
        work.commit()
    return len(messages)


def _release(uow: UnitOfWorkFactory, ids: Sequence[int], until: datetime) -> None:
    with uow() as work:
        work.outbox.release(ids, until)
        work.commit()
