"""The ``certificate_claims`` table: which declaration holds each Form E.

A declaration granted the ACFTA rate on a certificate holds its reference (the primary key) until
it is cancelled or rejected (:class:`cafta.services.ports.CertificateClaims`). A reference held by
another declaration is not taken over: the insert does nothing, and the store raises a
``Conflict``; within a transaction on PostgreSQL that leaves the transaction usable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select

from cafta.adapters.storage.columns import utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import certificate_claims
from cafta.core.errors import Conflict

__all__ = ["SqlCertificateClaims"]

_TABLE = certificate_claims.c


class SqlCertificateClaims:
    """The ``certificate_claims`` table, over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def holders(self, reference: str) -> Sequence[str]:
        rows = self._db.execute(
            select(_TABLE.declaration_id).where(_TABLE.reference == reference)
        ).all()
        return [str(row.declaration_id) for row in rows]

    def hold(self, declaration_id: str, references: Iterable[str], at: datetime) -> None:
        wanted = sorted(set(references))
        held = {
            str(row.reference)
            for row in self._db.execute(
                select(_TABLE.reference).where(_TABLE.declaration_id == declaration_id)
            ).all()
        }
        gone = held.difference(wanted)
        if gone:
            self._db.execute(
                delete(certificate_claims).where(
                    _TABLE.declaration_id == declaration_id, _TABLE.reference.in_(sorted(gone))
                )
            )
        when = utc(at, "claimed_at")
        for reference in wanted:
            if reference in held:
                continue
            row = {"reference": reference, "declaration_id": declaration_id, "claimed_at": when}
            if not insert_new(self._db, certificate_claims, row):
                # The holder is not named: it may be another party's declaration.
                raise Conflict(
                    f"Form E {reference} is held by another declaration",
                    code="certificate.already_claimed",
                    hint="Both declarations claimed it at the same moment: send yours again; "
                    "its claim will be checked against the other's.",
                    details={"reference": reference},
                )
