"""Ports: what the application services need from storage, independent of any database.

The storage adapter (``cafta.adapters.storage``) implements these protocols with SQLAlchemy on
SQLite or PostgreSQL; tests use in-memory fakes. A :class:`UnitOfWork` is one transaction:
everything written through it is committed together or not at all, which is what makes the
outbox, the audit log and the idempotency keys trustworthy.

Records are plain data. A declaration is stored as its document (the aggregate's own JSON-safe
snapshot, amounts as exact decimal strings) plus the columns queries filter on; the aggregate
converts itself to and from that document, so storage never needs to know its shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from cafta.clearance.representation import Representation

__all__ = [
    "AuditEntry",
    "AuditLog",
    "AuthorityLookup",
    "CertificateClaims",
    "DeclarationFilter",
    "DeclarationRecord",
    "DeclarationStore",
    "IdempotencyStore",
    "InspectionLabel",
    "KeyLookup",
    "LabelStore",
    "Outbox",
    "OutboxMessage",
    "Principal",
    "RepresentationStore",
    "Role",
    "TokenRecord",
    "TokenStore",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


@dataclass(frozen=True, slots=True)
class DeclarationRecord:
    """A declaration as stored: the filter columns and the aggregate's document."""

    id: str
    office: str
    """UN/LOCODE of the customs office, e.g. ``CNYYG``."""
    status: str
    lane: str | None
    importer: str
    """The importer's party key (see :class:`Principal.party`): who may read it, with declarant."""
    declarant: str
    version: int
    """Incremented on every change; an update names the version it read (optimistic locking)."""
    lodged_at: datetime
    updated_at: datetime
    document: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DeclarationFilter:
    office: str | None = None
    status: str | None = None
    lane: str | None = None
    party: str | None = None
    """Only declarations whose importer or declarant is this party."""
    limit: int = 100
    offset: int = 0


class DeclarationStore(Protocol):
    def add(self, record: DeclarationRecord) -> None:
        """Insert a new declaration (its version is 1); a duplicate id is a ``Conflict``."""

    def get(self, declaration_id: str) -> DeclarationRecord | None: ...

    def update(self, record: DeclarationRecord, expected_version: int) -> None:
        """Replace the stored declaration if its version is still ``expected_version``;
        otherwise raise ``cafta.core.errors.Conflict`` with code ``declaration.version``.
        ``record.version`` must be ``expected_version + 1``."""

    def list(self, where: DeclarationFilter) -> Sequence[DeclarationRecord]:
        """Newest first (``lodged_at`` descending, then ``id``)."""

    def count(self, where: DeclarationFilter) -> int:
        """How many declarations match ``where`` (its ``limit`` and ``offset`` ignored)."""

    def lodged(
        self, start: datetime, end: datetime, office: str | None = None, limit: int | None = None
    ) -> Sequence[DeclarationRecord]:
        """Every declaration lodged from ``start`` (included) to ``end`` (excluded), at
        ``office`` when one is given, newest first (``lodged_at`` descending, then ``id``); at
        most ``limit`` of them (``None``: no limit). For reports over a period (the dashboard),
        which :meth:`list`'s pages do not suit."""


class IdempotencyStore(Protocol):
    def find(self, scope: str, key: str) -> tuple[str, str] | None:
        """(hash of the request first seen with this key, id of the declaration it made)."""

    def remember(self, scope: str, key: str, request_hash: str, declaration_id: str) -> None:
        """Record a key; the same (scope, key) twice is a ``Conflict``."""


class KeyLookup(Protocol):
    def find(self, scope: str, key: str) -> tuple[str, str] | None:
        """:meth:`IdempotencyStore.find` on its own, outside any unit of work: every lodging
        with a key asks before it runs the pipeline, and the answer is almost always "not
        seen", which needs no transaction (one statement reads committed data)."""


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    topic: str
    """The event's name, e.g. ``GoodsReleased``."""
    key: str
    """The aggregate it is about (a declaration id)."""
    payload: Mapping[str, Any]
    created_at: datetime


class Outbox(Protocol):
    def add(self, topic: str, key: str, payload: Mapping[str, Any], at: datetime) -> None:
        """Queue a message in the current transaction: it leaves only if the transaction
        commits."""

    def add_many(self, messages: Sequence[tuple[str, str, Mapping[str, Any], datetime]]) -> None:
        """Queue several ``(topic, key, payload, at)`` messages at once, in order."""

    def claim(self, limit: int, at: datetime, until: datetime) -> Sequence[OutboxMessage]:
        """Up to ``limit`` unsent messages, oldest first, that no lease holds at ``at``; each is
        leased until ``until`` when this transaction commits: no claim takes it before then
        (several relays never take the same one), any claim may after (its relay died or is
        late). Claims running at once skip each other's messages (``FOR UPDATE SKIP LOCKED`` on
        PostgreSQL) rather than wait."""

    def release(self, ids: Sequence[int], until: datetime) -> None:
        """End the lease that ``claim(..., until)`` took on these messages, so the next claim
        takes them (not sent, and still leased until exactly ``until``; others are left)."""

    def mark_sent(self, ids: Sequence[int], at: datetime) -> None:
        """Record these messages as delivered: no claim takes them again."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str


class AuditLog(Protocol):
    def append(
        self, at: datetime, actor: str, action: str, entity: str, payload: Mapping[str, Any]
    ) -> AuditEntry:
        """Append an entry chained to the previous one by hash (appends are serialised)."""

    def entries(self, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditEntry]: ...


@dataclass(frozen=True, slots=True)
class InspectionLabel:
    """An officer's inspection outcome: the label the risk model learns from."""

    declaration_id: str
    office: str
    recorded_at: datetime
    officer: str
    found: bool
    what: str | None = None
    revenue_recovered: str | None = None
    """Exact decimal text in ``currency``."""
    currency: str | None = None
    features: Mapping[str, Any] = field(default_factory=dict)
    """What the risk engine saw when it chose the lane (for training)."""


class LabelStore(Protocol):
    def add(self, label: InspectionLabel) -> None: ...

    def all(self, office: str | None = None) -> Sequence[InspectionLabel]: ...


class Role(StrEnum):
    TRADER = "trader"
    BROKER = "broker"
    OFFICER = "officer"
    GATE = "gate"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a role and the party (trader, broker or office) it acts for."""

    role: Role
    party: str
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A token as an operator lists it: never the token, never its hash."""

    token_id: str
    role: Role
    party: str
    created_at: datetime


class TokenStore(Protocol):
    def add(self, token_id: str, token_hash: str, principal: Principal, at: datetime) -> None: ...

    def find(self, token_hash: str) -> Principal | None: ...

    def list(self, role: Role | None = None, party: str | None = None) -> Sequence[TokenRecord]:
        """The tokens, oldest first, of ``role`` and ``party`` when given (exact match)."""
        ...

    def revoke(self, token_id: str) -> TokenRecord | None:
        """Remove the token ``token_id``; what it was, or ``None`` if there is no such token."""
        ...


class CertificateClaims(Protocol):
    """Which declaration holds each Form E: a certificate covers one consignment (ACFTA OCP:
    one reference number per consignment), so one live declaration at a time may be granted
    the preference on it. A declaration cancelled or rejected lets its certificates go."""

    def holders(self, reference: str) -> Sequence[str]:
        """The declarations holding the certificate ``reference`` (at most one, but for a
        race the store refused)."""
        ...

    def hold(self, declaration_id: str, references: Iterable[str], at: datetime) -> None:
        """Make ``references`` the certificates ``declaration_id`` holds (none: it lets go of
        all). Raises :class:`~cafta.core.errors.Conflict` (``certificate.already_claimed``)
        when another declaration holds one of them."""
        ...


class RepresentationStore(Protocol):
    """Importers' authorities for customs brokers (:mod:`cafta.clearance.representation`)."""

    def add(self, representation: Representation) -> None:
        """Record a new representation; an id recorded before is a ``Conflict``."""
        ...

    def get(self, representation_id: str) -> Representation | None: ...

    def save_revocation(self, representation: Representation) -> None:
        """Store the withdrawal (``revoked_at`` and ``revoked_by``) of a recorded one; a
        ``Conflict`` (``representation.revoked``) if it was withdrawn meanwhile."""
        ...

    def lock_pair(self, importer_key: str, broker_key: str) -> None:
        """Hold, until this transaction ends, the right to record authorities of this importer
        for this broker: two grants for the same pair at once are checked one after the
        other, so both cannot pass the overlap check."""
        ...

    def list(
        self,
        importer_key: str | None = None,
        broker_key: str | None = None,
        include_revoked: bool = False,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[Representation]:
        """The representations of this importer and broker (by party key) when given,
        oldest first (``granted_at``, then ``id``); withdrawn ones only if asked. A page of
        them with ``limit`` (at most that many, after skipping ``offset``); every one without."""
        ...

    def count(
        self,
        importer_key: str | None = None,
        broker_key: str | None = None,
        include_revoked: bool = False,
    ) -> int:
        """How many :meth:`list` finds without a ``limit``."""
        ...


class AuthorityLookup(Protocol):
    def in_force(self, importer_key: str, broker_key: str, on: date) -> bool:
        """Whether a representation of ``importer_key`` by ``broker_key`` is in force on
        ``on``: asked outside any unit of work before a broker's lodging runs its pipeline."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every store. ``with uow:`` begins; leaving the block without
    ``commit()`` rolls back."""

    declarations: DeclarationStore
    idempotency: IdempotencyStore
    outbox: Outbox
    audit: AuditLog
    labels: LabelStore
    tokens: TokenStore
    certificate_claims: CertificateClaims
    representations: RepresentationStore

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *args: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; ``read_only`` ones never write (on SQLite they take no write
        lock, so reads do not queue behind writes)."""
