"""Certificate claims: the declaration each Form E is granted on, one at a time.

A Form E covers one consignment (ACFTA OCP: one reference number per consignment). A declaration
granted the ACFTA rate on a certificate holds its reference here until it is cancelled or
rejected; the primary key keeps a second declaration from holding it at the same time.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_claims",
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("declaration_id", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name="pk_certificate_claims"),
    )
    op.create_index(
        "ix_certificate_claims_declaration_id", "certificate_claims", ["declaration_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_certificate_claims_declaration_id", table_name="certificate_claims")
    op.drop_table("certificate_claims")
