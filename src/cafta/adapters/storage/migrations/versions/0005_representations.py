"""Representations: importers' authorities for customs brokers to declare their goods.

One row per authority (``cafta.clearance.representation``): the importer and the broker, each
with its party key (the name with case and spacing folded, as the declarations' ``importer``
and ``declarant`` columns hold it), the days it runs, the written authority's reference, who
recorded it and when, and its withdrawal. Rows are never deleted: a withdrawn authority keeps
saying who declared for whom before.

No row is made for the declarations already stored: a broker that lodged for an importer before
the upgrade holds no authority from it after, until the importer (or an administrator, from the
written authority) records one (``docs/operations.md``).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "representations",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("importer", sa.Text(), nullable=False),
        sa.Column("importer_key", sa.Text(), nullable=False),
        sa.Column("broker", sa.Text(), nullable=False),
        sa.Column("broker_key", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_representations"),
    )
    op.create_index(
        "ix_representations_importer_key_broker_key",
        "representations",
        ["importer_key", "broker_key"],
    )
    op.create_index("ix_representations_broker_key", "representations", ["broker_key"])


def downgrade() -> None:
    op.drop_index("ix_representations_broker_key", table_name="representations")
    op.drop_index("ix_representations_importer_key_broker_key", table_name="representations")
    op.drop_table("representations")
