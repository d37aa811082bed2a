"""The database tables (SQLAlchemy Core), as created by ``migrations/versions``.

Every table the ports need, plus two of the adapter's own: ``audit_head`` (one row: the last
audit entry's sequence number and hash, updated with every append, so that entries deleted
from the end of the log are noticed) and ``trusted_keys`` (issuing authorities' public keys
imported from trust lists). Documents and payloads are JSON text, amounts inside them decimal
strings; no column holds a float. ``tests/integration/storage`` checks that the hand-written
migrations build exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from cafta.adapters.storage.columns import UtcDateTime

__all__ = [
    "audit_head",
    "audit_log",
    "certificate_claims",
    "declarations",
    "idempotency_keys",
    "inspection_labels",
    "metadata",
    "outbox",
    "representations",
    "tokens",
    "trusted_keys",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def _serial() -> BigInteger:
    """A 64-bit id; on SQLite plain INTEGER, so that it is the rowid."""
    return BigInteger().with_variant(Integer(), "sqlite")


declarations = Table(
    "declarations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("office", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("lane", Text, nullable=True),
    Column("importer", Text, nullable=False),
    Column("declarant", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("lodged_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("document", Text, nullable=False),
    Index(None, "office", "status", "lane"),
    Index(None, "importer"),
    Index(None, "declarant"),
    Index(None, "lodged_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("declaration_id", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("scope", "key"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", _serial(), primary_key=True, autoincrement=True),
    Column("topic", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    # A relay's lease: claimed messages are not claimed again before then (migration 0003).
    Column("claimed_until", UtcDateTime, nullable=True),
    sqlite_autoincrement=True,
)
Index(
    "ix_outbox_unsent",
    outbox.c.id,
    postgresql_where=outbox.c.sent_at.is_(None),
    sqlite_where=outbox.c.sent_at.is_(None),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", _serial(), primary_key=True, autoincrement=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("entity", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", _serial(), nullable=False),
    Column("last_hash", Text, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

inspection_labels = Table(
    "inspection_labels",
    metadata,
    Column("id", _serial(), primary_key=True, autoincrement=True),
    Column("declaration_id", Text, nullable=False),
    Column("office", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("officer", Text, nullable=False),
    Column("found", Boolean, nullable=False),
    Column("what", Text, nullable=True),
    Column("revenue_recovered", Text, nullable=True),
    Column("currency", Text, nullable=True),
    Column("features", Text, nullable=False),
    Index(None, "office", "recorded_at"),
    Index(None, "declaration_id"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_id", Text, primary_key=True),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("role", Text, nullable=False),
    Column("party", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

trusted_keys = Table(
    "trusted_keys",
    metadata,
    Column("kid", Text, primary_key=True),
    Column("authority", Text, nullable=False),
    Column("country", Text, nullable=False),
    Column("authority_name", Text, nullable=True),
    Column("public_key", Text, nullable=False),
    Column("valid_from", Date, nullable=True),
    Column("valid_to", Date, nullable=True),
    Column("party", Text, nullable=True),
    Column("added_at", UtcDateTime, nullable=False),
)

certificate_claims = Table(
    "certificate_claims",
    metadata,
    Column("reference", Text, primary_key=True),
    Column("declaration_id", Text, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Index(None, "declaration_id"),
)
"""The Form E each live declaration is granted the preference on: one holder per reference."""

representations = Table(
    "representations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("importer", Text, nullable=False),
    Column("importer_key", Text, nullable=False),
    Column("broker", Text, nullable=False),
    Column("broker_key", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=True),
    Column("reference", Text, nullable=True),
    Column("granted_by", Text, nullable=False),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoked_by", Text, nullable=True),
    Index(None, "importer_key", "broker_key"),
    Index(None, "broker_key"),
)
"""Importers' authorities for customs brokers to declare their goods (migration 0005)."""

received_certificates = Table(
    "received_certificates",
    metadata,
    Column("reference", Text, primary_key=True),
    Column("envelope", Text, nullable=False),
    Column("authority", Text, nullable=False),
    Column("exporting_party", Text, nullable=False),
    Column("importing_party", Text, nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)
