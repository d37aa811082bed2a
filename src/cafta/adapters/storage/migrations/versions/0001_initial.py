"""The first schema: declarations, idempotency keys, outbox, audit log and head, inspection
labels, API tokens and trusted keys.

Written by hand to match ``cafta.adapters.storage.tables`` (a test compares the two). Times are
``timestamp with time zone`` (text in UTC on SQLite); documents and payloads are JSON text.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def _serial() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("office", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("lane", sa.Text(), nullable=True),
        sa.Column("importer", sa.Text(), nullable=False),
        sa.Column("declarant", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("lodged_at"),
        _time("updated_at"),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_declarations"),
    )
    op.create_index(
        "ix_declarations_office_status_lane", "declarations", ["office", "status", "lane"]
    )
    op.create_index("ix_declarations_importer", "declarations", ["importer"])
    op.create_index("ix_declarations_declarant", "declarations", ["declarant"])
    op.create_index("ix_declarations_lodged_at", "declarations", ["lodged_at"])

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("declaration_id", sa.Text(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
    )

    op.create_table(
        "outbox",
        sa.Column("id", _serial(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _time("created_at"),
        _time("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL"),
    )

    op.create_table(
        "audit_log",
        sa.Column("seq", _serial(), autoincrement=False, nullable=False),
        _time("at"),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", _serial(), nullable=False),
        sa.Column("last_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
    )
    op.bulk_insert(audit_head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])

    op.create_table(
        "inspection_labels",
        sa.Column("id", _serial(), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.Text(), nullable=False),
        sa.Column("office", sa.Text(), nullable=False),
        _time("recorded_at"),
        sa.Column("officer", sa.Text(), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("what", sa.Text(), nullable=True),
        sa.Column("revenue_recovered", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("features", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_labels"),
    )
    op.create_index(
        "ix_inspection_labels_office_recorded_at", "inspection_labels", ["office", "recorded_at"]
    )
    op.create_index("ix_inspection_labels_declaration_id", "inspection_labels", ["declaration_id"])

    op.create_table(
        "tokens",
        sa.Column("token_id", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("party", sa.Text(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("token_id", name="pk_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
    )

    op.create_table(
        "trusted_keys",
        sa.Column("kid", sa.Text(), nullable=False),
        sa.Column("authority", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("authority_name", sa.Text(), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("party", sa.Text(), nullable=True),
        _time("added_at"),
        sa.PrimaryKeyConstraint("kid", name="pk_trusted_keys"),
    )


def downgrade() -> None:
    for table in (
        "trusted_keys",
        "tokens",
        "inspection_labels",
        "audit_head",
        "audit_log",
        "outbox",
        "idempotency_keys",
        "declarations",
    ):
        op.drop_table(table)
