"""API tokens: opaque bearer secrets, of which only a hash is ever stored.

A token reads ``cafta_<43 url-safe characters>`` (32 random bytes). Whoever holds it acts as
the :class:`~cafta.services.ports.Principal` it was issued for; the store keeps the SHA-256 of
the token (hex) and a short token id for listing and revoking, so a stolen database does not
yield usable tokens. Tokens are high-entropy random values, so a fast unsalted hash is enough:
no password-style stretching is needed to resist guessing.

:class:`InMemoryTokenStore` implements the :class:`~cafta.services.ports.TokenStore` port for
tests and the in-process demo; the storage adapter provides the persistent one.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime

from cafta.core.errors import Conflict, InvalidInput
from cafta.core.names import checked_name, is_visible
from cafta.services.ports import Principal, Role, TokenStore

__all__ = ["TOKEN_PREFIX", "InMemoryTokenStore", "hash_token", "issue_token", "new_token"]

TOKEN_PREFIX = "cafta_"
_TOKEN_BYTES = 32
_ID_BYTES = 6


def hash_token(token: str) -> str:
    """The SHA-256 of the token's UTF-8 bytes, as 64 lower-case hex digits."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str, str]:
    """A fresh ``(token_id, token, token_hash)``; show the token once, store only the hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)
    token_id = "tok_" + secrets.token_hex(_ID_BYTES)
    return token_id, token, hash_token(token)


def issue_token(store: TokenStore, role: Role, party: str, at: datetime) -> str:
    """Create a token for ``role`` acting for ``party``, record its hash, and return it."""
    if not is_visible(party):
        raise InvalidInput(
            "a token needs the party it acts for",
            code="token.missing_party",
            hint="Name the trader, broker or office, e.g. --party CNQIN.",
        )
    party = checked_name(party, "the token's party", "token.invalid_party")
    token_id, token, token_hash = new_token()
    store.add(token_id, token_hash, Principal(role, party, token_id), at)
    return token


class InMemoryTokenStore:
    """Token hashes in a dictionary: for tests and the in-process demo (not persistent)."""

    def __init__(self) -> None:
        self._by_hash: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def add(self, token_id: str, token_hash: str, principal: Principal, at: datetime) -> None:
        """Record a token hash; the same hash twice is a ``Conflict``. (``at`` is kept by the
        persistent store only.)"""
        del at
        with self._lock:
            if token_hash in self._by_hash:
                raise Conflict("this token is already recorded", code="token.duplicate")
            self._by_hash[token_hash] = Principal(principal.role, principal.party, token_id)

    def find(self, token_hash: str) -> Principal | None:
        return self._by_hash.get(token_hash)

    def find_cached(self, token_hash: str) -> Principal | None:
        """The same as :meth:`find`: a dictionary look-up never blocks."""
        return self._by_hash.get(token_hash)

    def __len__(self) -> int:
        return len(self._by_hash)
