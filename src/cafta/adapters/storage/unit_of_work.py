"""The unit of work: one connection and one transaction shared by every store.

``with factory() as uow:`` checks out a connection and begins a transaction (``BEGIN
IMMEDIATE`` on SQLite, so the write lock is taken up front); ``uow.commit()`` makes everything
written through the stores durable together (declaration, idempotency key, outbox message and
audit entry); leaving the block without committing rolls back. Make a new unit
(``factory()``) for each transaction and never share one between threads. On SQLite, writing
units queue on the writer lock before they begin (:mod:`.writer_lock`: threads of this process,
then other processes on a file lock beside the database); do not open a second unit while one
is open in the same thread: it waits for the first's turn and fails with ``storage.busy`` after
the busy timeout.

Durability: on PostgreSQL a commit is durable as configured on the server. On SQLite (WAL,
``synchronous=NORMAL``) a commit survives the process being killed (SIGKILL, a crash); a power
loss may lose the last commits unless the URL asks for ``?synchronous=FULL``.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from cafta.adapters.storage.audit import SqlAuditLog
from cafta.adapters.storage.claims import SqlCertificateClaims
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.declarations import SqlDeclarationStore
from cafta.adapters.storage.idempotency import SqlIdempotencyStore
from cafta.adapters.storage.labels import SqlLabelStore
from cafta.adapters.storage.outbox import SqlOutbox
from cafta.adapters.storage.received import ReceivedCertificateStore
from cafta.adapters.storage.representations import SqlRepresentationStore
from cafta.adapters.storage.tokens import SqlTokenStore
from cafta.adapters.storage.trusted_keys import TrustedKeyStore
from cafta.core.errors import CaftaError
from cafta.services.ports import (
    AuditLog,
    CertificateClaims,
    DeclarationStore,
    IdempotencyStore,
    LabelStore,
    Outbox,
    RepresentationStore,
    TokenStore,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]


class SqlUnitOfWork:
    """:class:`cafta.services.ports.UnitOfWork` over one SQLAlchemy connection."""

    declarations: DeclarationStore
    idempotency: IdempotencyStore
    outbox: Outbox
    audit: AuditLog
    labels: LabelStore
    tokens: TokenStore
    trusted_keys: TrustedKeyStore
    received: ReceivedCertificateStore
    certificate_claims: CertificateClaims
    representations: RepresentationStore

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.db = StorageConnection(engine, read_only=read_only)
        self.declarations = SqlDeclarationStore(self.db)
        self.idempotency = SqlIdempotencyStore(self.db)
        self.outbox = SqlOutbox(self.db)
        self._audit = SqlAuditLog(self.db)
        self.audit = self._audit
        self.labels = SqlLabelStore(self.db)
        self.tokens = SqlTokenStore(self.db)
        self.trusted_keys = TrustedKeyStore(self.db)
        self.received = ReceivedCertificateStore(self.db)
        self.certificate_claims = SqlCertificateClaims(self.db)
        self.representations = SqlRepresentationStore(self.db)

    def __enter__(self) -> SqlUnitOfWork:
        self.db.open()
        return self

    def __exit__(self, *args: object) -> None:
        # Closing rolls back whatever was not committed.
        failed = bool(args) and args[0] is not None
        try:
            self.db.close()
        except CaftaError:
            if not failed:
                raise  # otherwise the block's own exception is the one worth seeing

    def commit(self) -> None:
        self._audit.end_of_transaction()
        self.db.commit()

    def rollback(self) -> None:
        self._audit.end_of_transaction()
        self.db.rollback()


class SqlUnitOfWorkFactory:
    """Makes a new :class:`SqlUnitOfWork` per call (``UnitOfWorkFactory``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only=read_only)


def _conforms(engine: Engine) -> tuple[UnitOfWork, UnitOfWorkFactory]:
    """Never called: makes mypy check the classes against the ports."""
    return SqlUnitOfWork(engine), SqlUnitOfWorkFactory(engine)
