"""The transactional outbox: events written with the change they announce, relayed later.

A message is inserted in the unit of work's transaction, so it exists only if the change
commits. A relay claims unsent messages oldest first in a short transaction of its own and
leases them (``claimed_until``): no other claim takes them until the lease ends, so the relay
can deliver them after committing, outside any transaction, and mark them sent in another one
(:mod:`cafta.services.relay`). On PostgreSQL the claim locks the rows it reads with ``FOR UPDATE
SKIP LOCKED``, so relays claiming at the same moment take disjoint messages and never wait for
each other; on SQLite every write transaction holds the write lock from its start (``BEGIN
IMMEDIATE``), so claims are serialised anyway and a plain select is enough. A lease's end is
also its owner's token: :meth:`SqlOutbox.release` lets go only of messages still leased until
exactly then (a later claim of an expired lease always sets a later end).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update

from cafta.adapters.storage.columns import from_json_text, to_document_text, utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.driver import DriverStatement
from cafta.adapters.storage.tables import outbox
from cafta.core.errors import InvalidInput
from cafta.services.ports import OutboxMessage

__all__ = ["SqlOutbox"]


_INSERT = DriverStatement(insert(outbox))


class SqlOutbox:
    """:class:`cafta.services.ports.Outbox` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add(self, topic: str, key: str, payload: Mapping[str, Any], at: datetime) -> None:
        self.add_many([(topic, key, payload, at)])

    def add_many(self, messages: Sequence[tuple[str, str, Mapping[str, Any], datetime]]) -> None:
        if not messages:
            return
        rows = [
            {"topic": topic, "key": key, "payload": to_document_text(payload, f"{topic} message"),
             "created_at": utc(at, "created_at")}
            for topic, key, payload, at in messages
        ]  # fmt: skip
        # One statement compiled once, run on the driver for every row (.driver): building
        # ``.values(...)`` per call, or SQLAlchemy's execution, costs more than the insert.
        self._db.execute_on_driver(_INSERT, rows)

    def claim(self, limit: int, at: datetime, until: datetime) -> Sequence[OutboxMessage]:
        """Unsent messages, oldest first, not leased at ``at``; leased until ``until``."""
        if limit < 0:
            raise InvalidInput(f"cannot claim {limit} messages", code="outbox.invalid_limit")
        if until <= at:
            raise InvalidInput(
                f"a lease until {until.isoformat()} ends before it starts ({at.isoformat()})",
                code="outbox.invalid_lease",
            )
        free = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= utc(at, "at"))
        query = (
            select(outbox)
            .where(outbox.c.sent_at.is_(None), free)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        if self._db.is_postgresql:
            query = query.with_for_update(skip_locked=True)
        messages = [
            OutboxMessage(
                id=row.id,
                topic=row.topic,
                key=row.key,
                payload=from_json_text(row.payload),
                created_at=row.created_at,
            )
            for row in self._db.execute(query)
        ]
        if messages:
            self._db.execute(
                update(outbox)
                .where(outbox.c.id.in_([m.id for m in messages]))
                .values(claimed_until=utc(until, "until"))
            )
        return messages

    def release(self, ids: Sequence[int], until: datetime) -> None:
        if not ids:
            return
        self._db.execute(
            update(outbox)
            .where(
                outbox.c.id.in_(list(ids)),
                outbox.c.sent_at.is_(None),
                outbox.c.claimed_until == utc(until, "until"),
            )
            .values(claimed_until=None)
        )

    def mark_sent(self, ids: Sequence[int], at: datetime) -> None:
        if not ids:
            return
        self._db.execute(
            update(outbox)
            .where(outbox.c.id.in_(list(ids)), outbox.c.sent_at.is_(None))
            .values(sent_at=utc(at, "sent_at"))
        )
