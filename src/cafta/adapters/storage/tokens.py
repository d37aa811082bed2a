"""API tokens: only a hash of each token is stored, with the role and party it acts for.

Listing and revoking go by the token's id; neither ever reads the hash out of the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from cafta.adapters.storage.columns import utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import tokens
from cafta.core.errors import CaftaError, Conflict
from cafta.services.ports import Principal, Role, TokenRecord

__all__ = ["SqlTokenStore"]


class SqlTokenStore:
    """:class:`cafta.services.ports.TokenStore` over one transaction."""

    def __init__(self, db: StorageConnection) -> None:
        self._db = db

    def add(self, token_id: str, token_hash: str, principal: Principal, at: datetime) -> None:
        values = {
            "token_id": token_id,
            "token_hash": token_hash,
            "role": principal.role.value,
            "party": principal.party,
            "created_at": utc(at, "created_at"),
        }
        if not insert_new(self._db, tokens, values):
            raise Conflict(
                f"token {token_id} (or a token with the same hash) already exists",
                code="token.exists",
                hint="Issue a new token with a new id.",
            )

    def find(self, token_hash: str) -> Principal | None:
        row = self._db.execute(
            select(tokens.c.token_id, tokens.c.role, tokens.c.party).where(
                tokens.c.token_hash == token_hash
            )
        ).one_or_none()
        if row is None:
            return None
        return Principal(role=_role(row), party=row.party, token_id=row.token_id)

    def list(self, role: Role | None = None, party: str | None = None) -> Sequence[TokenRecord]:
        query = select(*_LISTED).order_by(tokens.c.created_at, tokens.c.token_id)
        if role is not None:
            query = query.where(tokens.c.role == role.value)
        if party is not None:
            query = query.where(tokens.c.party == party)
        return [_record(row) for row in self._db.execute(query)]

    def revoke(self, token_id: str) -> TokenRecord | None:
        row = self._db.execute(select(*_LISTED).where(tokens.c.token_id == token_id)).one_or_none()
        if row is None:
            return None
        self._db.execute(delete(tokens).where(tokens.c.token_id == token_id))
        return _record(row)


_LISTED = (tokens.c.token_id, tokens.c.role, tokens.c.party, tokens.c.created_at)


def _role(row: Any) -> Role:
    try:
        return Role(row.role)
    except ValueError:
        raise CaftaError(
            f"token {row.token_id} has the unknown role '{row.role}'",
            code="token.invalid_role",
            hint=f"Roles are {', '.join(r.value for r in Role)}; re-issue the token.",
        ) from None


def _record(row: Any) -> TokenRecord:
    return TokenRecord(row.token_id, _role(row), row.party, row.created_at)
