"""Outbox leases: a relay claims messages until a time, then delivers them outside any transaction.

``claimed_until`` is set when a relay claims a message; no other relay claims it before then, and
after then (the relay died, or took too long) any relay may claim it again. NULL: never claimed,
or released.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "claimed_until")
