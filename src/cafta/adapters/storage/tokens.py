"""API tokens: only a hash of each token is stored, with the role and party it acts for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cafta.adapters.storage.columns import utc
from cafta.adapters.storage.connection import StorageConnection
from cafta.adapters.storage.inserts import insert_new
from cafta.adapters.storage.tables import tokens
from cafta.core.errors import CaftaError, Conflict
from cafta.services.ports import Principal, Role

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
        try:
            role = Role(row.role)
        except ValueError:
            raise CaftaError(
                f"token {row.token_id} has the unknown role '{row.role}'",
                code="token.invalid_role",
                hint=f"Roles are {', '.join(r.value for r in Role)}; re-issue the token.",
            ) from None
        return Principal(role=role, party=row.party, token_id=row.token_id)
