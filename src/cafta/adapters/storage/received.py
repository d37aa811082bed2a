"""Certificates of origin the node has received, by reference number.

A declaration may cite its Form E by reference instead of carrying the signed certificate; the
node then looks the certificate up here. A certificate is stored as received (the compact JWS),
with the columns needed to find and list it; storing the same certificate again is a no-op, and
another certificate under a reference already held is a ``Conflict``. The signature is checked
by whoever stores it (``cafta co receive``) and again when a declaration cites it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from cafta.adapters.storage.columns import utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import received_certificates
from cafta.core.errors import Conflict

__all__ = ["ReceivedCertificateStore"]


class ReceivedCertificateStore:
    """The ``received_certificates`` table, over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add(self, reference: str, envelope: str, *, authority: str, exporting_party: str,
            importing_party: str, issue_date: date, at: datetime) -> bool:  # fmt: skip
        """Store a certificate; False when the very same one was already stored."""
        values = {
            "reference": reference, "envelope": envelope, "authority": authority,
            "exporting_party": exporting_party, "importing_party": importing_party,
            "issue_date": issue_date, "received_at": utc(at, "received_at"),
        }  # fmt: skip
        if insert_new(self._db, received_certificates, values):
            return True
        if self.get(reference) == envelope:
            return False
        raise Conflict(
            f"another certificate is already stored under reference {reference}",
            code="certificate.reference_taken",
            hint="Check with the issuing authority: one reference names one certificate.",
        )

    def get(self, reference: str) -> str | None:
        row = self._db.execute(
            select(received_certificates.c.envelope).where(
                received_certificates.c.reference == reference
            )
        ).one_or_none()
        return None if row is None else str(row.envelope)
