"""Certificate claims: the declaration each Form E is granted on, one at a time.

A Form E covers one consignment (ACFTA OCP: one reference number per consignment). A declaration
granted the ACFTA rate on a certificate holds its reference here until it is cancelled or
rejected; the primary key keeps a second declaration from holding it at the same time.

The declarations already stored are entered too, oldest first, so that a certificate granted
before the upgrade is not granted again after it: each declaration neither cancelled nor
rejected whose claim was accepted (with or without discrepancies) holds the certificates its
verdict names. A declaration citing two certificates of which one was refused holds both (the
verdict keeps their references together); a later declaration citing one already held keeps
its verdict, as stored, but holds nothing.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


_GRANTED = ("accepted", "accepted_with_discrepancies")


def _backfill() -> None:
    declarations = sa.table(
        "declarations",
        sa.column("id", sa.Text()),
        sa.column("status", sa.Text()),
        sa.column("lodged_at"),  # copied as stored: both columns keep time the same way
        sa.column("document", sa.Text()),
    )
    claims = sa.table(
        "certificate_claims",
        sa.column("reference", sa.Text()),
        sa.column("declaration_id", sa.Text()),
        sa.column("claimed_at"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(declarations.c.id, declarations.c.lodged_at, declarations.c.document)
        .where(declarations.c.status.notin_(("cancelled", "rejected")))
        .order_by(declarations.c.lodged_at, declarations.c.id)
    )
    held: set[str] = set()
    for row in rows:
        preference = json.loads(row.document).get("preference") or {}
        if preference.get("outcome") not in _GRANTED or not preference.get("reference"):
            continue
        for reference in str(preference["reference"]).split(", "):
            if reference and reference not in held:
                held.add(reference)
                connection.execute(
                    claims.insert().values(
                        reference=reference, declaration_id=row.id, claimed_at=row.lodged_at
                    )
                )


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
    _backfill()


def downgrade() -> None:
    op.drop_index("ix_certificate_claims_declaration_id", table_name="certificate_claims")
    op.drop_table("certificate_claims")
