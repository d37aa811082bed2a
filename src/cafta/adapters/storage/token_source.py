"""The API's token store on the node's database, with a short-lived cache of known tokens.

Every request to the API resolves its bearer token. :class:`StoredTokens` looks a token's hash
up in the ``tokens`` table (a read-only unit of work of its own, so a lookup never waits for a
writer on SQLite) and keeps what it found for ``ttl`` seconds in a bounded cache, so a client
sending many requests costs one query per ``ttl``. Only tokens found are cached: a token created
with ``cafta tokens create`` works at once, and an unknown one is asked for every time. A token
revoked (``cafta tokens revoke``, or removed from the table) keeps working for at most ``ttl``
seconds in a process that had it cached; a process that revokes it through :meth:`StoredTokens.
revoke` forgets it at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.engine import Engine

from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.core.expiring import ExpiringCache
from cafta.services.ports import Principal, Role, TokenRecord, TokenStore

__all__ = ["StoredTokens"]


class StoredTokens:
    """:class:`~cafta.services.ports.TokenStore` over an engine: each call is its own
    transaction, safe to call from several threads at once."""

    def __init__(
        self,
        engine: Engine,
        ttl: float = 30.0,
        *,
        size: int = 1024,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._known: ExpiringCache[str, Principal] = ExpiringCache(ttl, size, monotonic)

    def find_cached(self, token_hash: str) -> Principal | None:
        """The principal of a token hash if the cache holds it and it is still fresh; ``None``
        otherwise (unknown here: ask :meth:`find`). Never blocks on the database."""
        return self._known.get(token_hash)

    def find(self, token_hash: str) -> Principal | None:
        """The principal of a token hash: from the cache while it is fresh, else the table."""
        cached = self._known.get(token_hash)
        if cached is not None:
            return cached
        asked = self._known.now()
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            principal = uow.tokens.find(token_hash)
        if principal is None:
            self._known.drop(token_hash)
        else:
            self._known.put(token_hash, principal, asked)
        return principal

    def add(self, token_id: str, token_hash: str, principal: Principal, at: datetime) -> None:
        """Record a token (its hash) in a transaction of its own."""
        with SqlUnitOfWork(self._engine) as uow:
            uow.tokens.add(token_id, token_hash, principal, at)
            uow.commit()

    def list(self, role: Role | None = None, party: str | None = None) -> Sequence[TokenRecord]:
        """The tokens as the table holds them now (never from the cache)."""
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            return uow.tokens.list(role, party)

    def revoke(self, token_id: str) -> TokenRecord | None:
        """Remove a token in a transaction of its own, and from this process's cache."""
        with SqlUnitOfWork(self._engine) as uow:
            revoked = uow.tokens.revoke(token_id)
            uow.commit()
        if revoked is not None:
            self._known.drop_where(lambda principal: principal.token_id == token_id)
        return revoked

    def forget(self) -> None:
        """Empty the cache (the next lookup of every token reads the table)."""
        self._known.clear()


def _conforms(engine: Engine) -> TokenStore:
    """Never called: makes mypy check the class against the port."""
    return StoredTokens(engine)
