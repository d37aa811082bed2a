"""In-memory stores for the service tests (cosmicpython's fakes): the ports, without a database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from cafta.clearance.declaration import Declaration, LaneChoice
from cafta.clearance.lifecycle import Lane
from cafta.clearance.representation import Representation
from cafta.core.errors import Conflict
from cafta.services.ports import (
    AuditEntry,
    DeclarationFilter,
    DeclarationRecord,
    InspectionLabel,
    OutboxMessage,
    Principal,
)


@dataclass
class Memory:
    """Everything committed so far."""

    declarations: dict[str, DeclarationRecord] = field(default_factory=dict)
    keys: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    outbox: list[OutboxMessage] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    labels: list[InspectionLabel] = field(default_factory=list)
    tokens: dict[str, Principal] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)
    """Certificate reference → the declaration holding it."""
    released: set[str] = field(default_factory=set)
    """References let go of in the pending transaction."""
    representations: dict[str, Representation] = field(default_factory=dict)
    commits: int = 0


class _Declarations:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, record: DeclarationRecord) -> None:
        if record.id in self.uow.pending.declarations or record.id in self.uow.memory.declarations:
            raise Conflict("exists", code="declaration.exists")
        self.uow.pending.declarations[record.id] = record

    def get(self, declaration_id: str) -> DeclarationRecord | None:
        return self.uow.pending.declarations.get(
            declaration_id
        ) or self.uow.memory.declarations.get(declaration_id)

    def update(self, record: DeclarationRecord, expected_version: int) -> None:
        current = self.get(record.id)
        if current is None or current.version != expected_version:
            raise Conflict("changed", code="declaration.version")
        self.uow.pending.declarations[record.id] = record

    def _matching(self, where: DeclarationFilter) -> list[DeclarationRecord]:
        return [r for r in self.uow.memory.declarations.values()
                if (where.office is None or r.office == where.office)
                and (where.status is None or r.status == where.status)
                and (where.lane is None or r.lane == where.lane)
                and (where.party is None or where.party in (r.importer, r.declarant))]  # fmt: skip

    def list(self, where: DeclarationFilter) -> Sequence[DeclarationRecord]:
        rows = self._matching(where)
        rows.sort(key=lambda r: (r.lodged_at, r.id), reverse=True)
        return rows[where.offset : where.offset + where.limit]

    def count(self, where: DeclarationFilter) -> int:
        return len(self._matching(where))

    def lodged(self, start: datetime, end: datetime, office: str | None = None,
               limit: int | None = None) -> Sequence[DeclarationRecord]:  # fmt: skip
        rows = [r for r in self.uow.memory.declarations.values()
                if start <= r.lodged_at < end and office in (None, r.office)]  # fmt: skip
        rows.sort(key=lambda r: r.id)
        rows.sort(key=lambda r: r.lodged_at, reverse=True)
        return rows[:limit]


class _Keys:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def find(self, scope: str, key: str) -> tuple[str, str] | None:
        return self.uow.pending.keys.get((scope, key)) or self.uow.memory.keys.get((scope, key))

    def remember(self, scope: str, key: str, request_hash: str, declaration_id: str) -> None:
        if self.find(scope, key) is not None:
            raise Conflict("key exists", code="idempotency.exists")
        self.uow.pending.keys[scope, key] = (request_hash, declaration_id)


class _Outbox:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, topic: str, key: str, payload: Mapping[str, Any], at: datetime) -> None:
        number = len(self.uow.memory.outbox) + len(self.uow.pending.outbox) + 1
        self.uow.pending.outbox.append(OutboxMessage(number, topic, key, payload, at))

    def add_many(self, messages: Sequence[tuple[str, str, Mapping[str, Any], datetime]]) -> None:
        for topic, key, payload, at in messages:
            self.add(topic, key, payload, at)

    def claim(self, limit: int, at: datetime, until: datetime) -> Sequence[OutboxMessage]:
        return self.uow.memory.outbox[:limit]  # no leases: the service tests run no relay

    def release(self, ids: Sequence[int], until: datetime) -> None:
        """Nothing to release: the fakes keep no leases."""

    def mark_sent(self, ids: Sequence[int], at: datetime) -> None:
        self.uow.memory.outbox = [m for m in self.uow.memory.outbox if m.id not in ids]


class _Audit:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def append(self, at: datetime, actor: str, action: str, entity: str,
               payload: Mapping[str, Any]) -> AuditEntry:  # fmt: skip
        entries = self.uow.memory.audit + self.uow.pending.audit
        prev = entries[-1].hash if entries else "0" * 64
        text = json.dumps([len(entries) + 1, at.isoformat(), actor, action, entity, payload],
                          sort_keys=True, default=str)  # fmt: skip
        entry = AuditEntry(len(entries) + 1, at, actor, action, entity, payload, prev,
                           hashlib.sha256((prev + text).encode()).hexdigest())  # fmt: skip
        self.uow.pending.audit.append(entry)
        return entry

    def entries(self, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditEntry]:
        return [e for e in self.uow.memory.audit if e.seq > after_seq][:limit]


class _Labels:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, label: InspectionLabel) -> None:
        self.uow.pending.labels.append(label)

    def all(self, office: str | None = None) -> Sequence[InspectionLabel]:
        return [lab for lab in self.uow.memory.labels if office in (None, lab.office)]


class _Tokens:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def add(self, token_id: str, token_hash: str, principal: Principal, at: datetime) -> None:
        self.uow.pending.tokens[token_hash] = principal

    def find(self, token_hash: str) -> Principal | None:
        return self.uow.memory.tokens.get(token_hash)


class _Claims:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def _current(self) -> dict[str, str]:
        held = {k: v for k, v in self.uow.memory.claims.items()
                if k not in self.uow.pending.released}  # fmt: skip
        return {**held, **self.uow.pending.claims}

    def holders(self, reference: str) -> Sequence[str]:
        holder = self._current().get(reference)
        return [] if holder is None else [holder]

    def hold(self, declaration_id: str, references: Iterable[str], at: datetime) -> None:
        wanted = set(references)
        for reference, holder in self._current().items():
            if holder == declaration_id and reference not in wanted:
                self.uow.pending.claims.pop(reference, None)
                self.uow.pending.released.add(reference)
        for reference in wanted:
            holder = self._current().get(reference)
            if holder not in (None, declaration_id):
                raise Conflict(f"{reference} held by {holder}", code="certificate.already_claimed")
            self.uow.pending.claims[reference] = declaration_id
            self.uow.pending.released.discard(reference)


class _Representations:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def _all(self) -> dict[str, Representation]:
        return {**self.uow.memory.representations, **self.uow.pending.representations}

    def add(self, representation: Representation) -> None:
        if representation.id in self._all():
            raise Conflict("exists", code="representation.duplicate")
        self.uow.pending.representations[representation.id] = representation

    def get(self, representation_id: str) -> Representation | None:
        return self._all().get(representation_id)

    def save_revocation(self, representation: Representation) -> None:
        self.uow.pending.representations[representation.id] = representation

    def lock_pair(self, importer_key: str, broker_key: str) -> None:
        """One fake transaction at a time: nothing to lock."""

    def list(self, importer_key: str | None = None, broker_key: str | None = None,
             include_revoked: bool = False, *, limit: int | None = None,
             offset: int = 0) -> Sequence[Representation]:  # fmt: skip
        found = [r for r in self._all().values()
                 if importer_key in (None, r.importer_key) and broker_key in (None, r.broker_key)
                 and (include_revoked or not r.revoked)]  # fmt: skip
        ordered = sorted(found, key=lambda r: (r.granted_at, r.id))[offset:]
        return ordered if limit is None else ordered[:limit]

    def count(self, importer_key: str | None = None, broker_key: str | None = None,
              include_revoked: bool = False) -> int:  # fmt: skip
        return len(self.list(importer_key, broker_key, include_revoked))


class FakeUnitOfWork:
    def __init__(self, memory: Memory) -> None:
        self.memory = memory
        self.pending = Memory()
        self.declarations = _Declarations(self)
        self.idempotency = _Keys(self)
        self.outbox = _Outbox(self)
        self.audit = _Audit(self)
        self.labels = _Labels(self)
        self.tokens = _Tokens(self)
        self.certificate_claims = _Claims(self)
        self.representations = _Representations(self)

    def __enter__(self) -> FakeUnitOfWork:
        self.pending = Memory()
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()

    def commit(self) -> None:
        m, p = self.memory, self.pending
        m.declarations.update(p.declarations)
        m.keys.update(p.keys)
        m.outbox.extend(p.outbox)
        m.audit.extend(p.audit)
        m.labels.extend(p.labels)
        m.tokens.update(p.tokens)
        for reference in p.released:
            m.claims.pop(reference, None)
        m.claims.update(p.claims)
        m.representations.update(p.representations)
        m.commits += 1
        self.pending = Memory()

    def rollback(self) -> None:
        self.pending = Memory()


class FixedLanes:
    """A lane selector that gives the lane asked for (the risk engine is tested on its own)."""

    def __init__(self, lane: Lane = Lane.GREEN) -> None:
        self.lane = lane

    def select(self, declaration: Declaration) -> LaneChoice:
        return LaneChoice(self.lane, "0.10", "test", (f"{self.lane.value}: chosen by the test",))


def with_lane(record: DeclarationRecord, **changes: Any) -> DeclarationRecord:
    return replace(record, **changes)


def authorise(memory: Memory, importer: str, broker: str, since: date = date(2020, 1, 1)) -> None:
    """Record in ``memory`` that ``importer`` lets ``broker`` declare for it from ``since``."""
    at = datetime(since.year, since.month, since.day, tzinfo=UTC)
    granted = Representation.grant(f"rep_{len(memory.representations):012x}", importer, broker,
                                   by=importer, at=at)  # fmt: skip
    memory.representations[granted.id] = granted


class EveryAuthority:
    """An authority look-up that finds every broker authorised: for tests about something else."""

    def in_force(self, importer_key: str, broker_key: str, on: date) -> bool:
        return True
