"""The audit log: a hash chain of who did what, and :func:`verify_audit_chain` that checks it.

Entry ``n`` stores ``hash = sha256(prev_hash + canonical JSON of {seq, at, actor, action,
entity, payload})`` (hex; ``at`` in ISO 8601 UTC), where ``prev_hash`` is entry ``n - 1``'s hash
and the first entry's is 64 zeros. Editing an entry breaks its hash; deleting one leaves a gap
in ``seq``; re-hashing an edited entry breaks the next entry's link. Deleting entries from the
*end* leaves a shorter, valid chain, so the ``audit_head`` row (last seq and hash) is updated in
the same transaction as every append and the verification compares it with the last entry.

Appends are serialised across processes, so ``seq`` has no gaps and no two entries share a
predecessor: on PostgreSQL with a transaction-scoped advisory lock taken before the head is
read; on SQLite by the write lock every transaction takes when it begins (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, bindparam, func, insert, select, update
from sqlalchemy.engine import Engine

from cafta.adapters.storage.columns import (
    from_json_text,
    to_canonical_json,
    to_json_text,
    utc,
)
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.driver import DriverStatement
from cafta.adapters.storage.tables import audit_head, audit_log
from cafta.services.ports import AuditEntry

__all__ = [
    "AUDIT_LOCK_KEY",
    "GENESIS_HASH",
    "AuditVerification",
    "SqlAuditLog",
    "entry_hash",
    "verify_audit_chain",
]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry."""

AUDIT_LOCK_KEY = 0x4341_4654_4155_4454
"""PostgreSQL advisory lock held while appending (the bytes of ``CAFTAUDT``)."""

_HEAD_ID = 1
_PAGE = 1000


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    payload: Mapping[str, Any],
) -> str:
    content = {
        "seq": seq,
        "at": utc(at).isoformat(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "payload": payload,
    }
    return hashlib.sha256((prev_hash + to_json_text(content)).encode("utf-8")).hexdigest()


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _entry_hash_of_text(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    payload_text: str,
) -> str:
    """:func:`entry_hash` for a payload already in canonical JSON text (as stored), without
    encoding it again: the canonical text of the content is put together around it, with the
    keys in the sorted order :func:`~.columns.to_json_text` writes them in. The result is the
    same digest (tests check it); ``payload_text`` must be canonical, i.e. what
    ``to_json_text(from_json_text(payload_text))`` gives."""
    content = (
        f'{{"action":{_text(action)},"actor":{_text(actor)},"at":{_text(utc(at).isoformat())},'
        f'"entity":{_text(entity)},"payload":{payload_text},"seq":{int(seq)}}}'
    )
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        payload=from_json_text(row.payload),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


_INSERT_ENTRY = DriverStatement(insert(audit_log))
_READ_HEAD = DriverStatement(
    select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == _HEAD_ID)
)
_APPEND_LOCK = DriverStatement(select(func.pg_advisory_xact_lock(AUDIT_LOCK_KEY)))
_MOVE_HEAD = DriverStatement(
    update(audit_head)
    .where(audit_head.c.id == _HEAD_ID)
    .values(last_seq=bindparam("seq"), last_hash=bindparam("digest"))
)
"""The head is read, and the entry and the head written, on the driver (:mod:`.driver`): every
change does."""


class SqlAuditLog:
    """:class:`cafta.services.ports.AuditLog` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db
        self._head: tuple[int, str] | None = None
        """The head as this transaction left it after its last append (several appends in
        one transaction, as group commit makes them, read it and take the lock once)."""

    def end_of_transaction(self) -> None:
        """Forget the cached head: the next transaction reads it again under its lock."""
        self._head = None

    def append(
        self, at: datetime, actor: str, action: str, entity: str, payload: Mapping[str, Any]
    ) -> AuditEntry:
        at = utc(at, "audit time")
        # What is hashed is what the verification will read back (keys as text), in the
        # canonical text that is both stored and hashed.
        payload_text, stored_payload = to_canonical_json(payload, "audit payload")
        head_row_exists = True
        if self._head is not None:
            last_seq, prev_hash = self._head
        else:
            last_seq, prev_hash, head_row_exists = self._read_head()
        seq = last_seq + 1
        digest = _entry_hash_of_text(prev_hash, seq=seq, at=at, actor=actor, action=action,
                                     entity=entity, payload_text=payload_text)  # fmt: skip
        self._db.execute_on_driver(_INSERT_ENTRY, [{
            "seq": seq, "at": at, "actor": actor, "action": action, "entity": entity,
            "payload": payload_text, "prev_hash": prev_hash, "hash": digest,
        }])  # fmt: skip
        if head_row_exists:
            self._db.execute_on_driver(_MOVE_HEAD, [{"seq": seq, "digest": digest}])
        else:
            self._db.execute(insert(audit_head).values(id=_HEAD_ID, last_seq=seq, last_hash=digest))
        self._head = (seq, digest)
        return AuditEntry(seq, at, actor, action, entity, stored_payload, prev_hash, digest)

    def _read_head(self) -> tuple[int, str, bool]:
        """Take the append lock (PostgreSQL) and read the head: the last seq and hash, and
        whether the head row exists."""
        if self._db.is_postgresql:
            self._db.execute_on_driver(_APPEND_LOCK, [{}], fetch=True)
        head = self._db.execute_on_driver(_READ_HEAD, [{}], fetch=True)
        if head is not None:
            return int(head[0]), str(head[1]), True
        # Only if the row made by the migration was removed: continue from the last entry.
        last = self._db.execute(
            select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).one_or_none()
        return (last.seq, last.hash, False) if last else (0, GENESIS_HASH, False)

    def entries(self, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditEntry]:
        query = (
            select(audit_log)
            .where(audit_log.c.seq > after_seq)
            .order_by(audit_log.c.seq)
            .limit(limit)
        )
        return [_entry(row) for row in self._db.execute(query)]


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """The outcome of :func:`verify_audit_chain`: one line per problem found."""

    ok: bool
    entries: int
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "problems": list(self.problems)}


class _OpenUnitOfWork(Protocol):
    @property
    def db(self) -> StorageConnection: ...


def verify_audit_chain(source: Engine | _OpenUnitOfWork) -> AuditVerification:
    """Walk the whole log in ``seq`` order and check every hash, link and the head row.

    Given an engine, it reads one consistent snapshot (a read-only repeatable-read transaction
    on PostgreSQL, a deferred read transaction on SQLite) without blocking appends; given an
    open unit of work, it reads inside that unit's transaction.
    """
    if isinstance(source, Engine):
        db = StorageConnection(source, read_only=True)
        db.open()
        try:
            return _verify(db)
        finally:
            db.close()
    return _verify(source.db)


def _verify(db: StorageConnection) -> AuditVerification:
    problems: list[str] = []
    count, last_seq, last_hash = 0, 0, GENESIS_HASH
    while True:
        query = select(audit_log).order_by(audit_log.c.seq).limit(_PAGE)
        if count:  # the first page has no lower bound, so a forged entry 0 is read too
            query = query.where(audit_log.c.seq > last_seq)
        rows = db.execute(query).all()
        if not rows:
            break
        for row in rows:
            count += 1
            problems.extend(_check_entry(row, last_seq, last_hash))
            last_seq, last_hash = row.seq, row.hash
    head = db.execute(
        select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == _HEAD_ID)
    ).one_or_none()
    problems.extend(_check_head(head, count, last_seq, last_hash))
    return AuditVerification(ok=not problems, entries=count, problems=problems)


def _check_entry(row: Row[Any], last_seq: int, last_hash: str) -> list[str]:
    problems: list[str] = []
    expected = last_seq + 1
    if row.seq < expected:
        problems.append(f"entry {row.seq}: entries are numbered from 1 (inserted?)")
    elif row.seq > expected:
        missing = row.seq - 1
        problems.append(
            f"entry {expected} is missing (deleted?)"
            if missing == expected
            else f"entries {expected} to {missing} are missing (deleted?)"
        )
    elif row.prev_hash != (GENESIS_HASH if row.seq == 1 else last_hash):
        before = "the start of the chain (64 zeros)" if row.seq == 1 else f"entry {last_seq}"
        problems.append(f"entry {row.seq}: previous hash does not match {before}")
    try:
        payload = from_json_text(row.payload)
    except ValueError:
        problems.append(f"entry {row.seq}: payload is not JSON (edited?)")
        return problems
    digest = entry_hash(
        row.prev_hash,
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        payload=payload,
    )
    if digest != row.hash:
        problems.append(f"entry {row.seq}: hash does not match its content (edited?)")
    return problems


def _check_head(head: Row[Any] | None, count: int, last_seq: int, last_hash: str) -> list[str]:
    if head is None:
        if count == 0:
            return []
        return ["the audit head row is missing (deleted?): entries removed from the end of the "
                "log could not be noticed"]  # fmt: skip
    end = f"ends at entry {last_seq}" if count else "is empty"
    if head.last_seq > last_seq:
        return [
            f"the log {end} but its head says {head.last_seq}: entries were deleted from the end"
        ]
    if head.last_seq < last_seq:
        return [
            f"the log goes on to entry {last_seq} but its head says {head.last_seq}: entries "
            "were added without the audit log (or the head was edited)"
        ]
    if head.last_hash != last_hash:
        return [f"the head's hash does not match entry {last_seq} (edited?)"]
    return []
