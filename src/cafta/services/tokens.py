"""API tokens: opaque bearer secrets, of which only a hash is ever stored.

A token reads ``cafta_<43 url-safe characters>`` (32 random bytes). Whoever holds it acts as
the :class:`~cafta.services.ports.Principal` it was issued for; the store keeps the SHA-256 of
the token (hex) and a short token id (``tok_<12 hex digits>``) for listing and revoking, so a
stolen database does not yield usable tokens. Tokens are high-entropy random values, so a fast
unsalted hash is enough: no password-style stretching is needed to resist guessing.

:func:`issue` makes a token and records it; :func:`revoke_token` removes one by its id (a server
that looked the token up in the last seconds may still honour it until its cache forgets it:
``cafta.adapters.storage.token_source``).

:class:`InMemoryTokenStore` implements the :class:`~cafta.services.ports.TokenStore` port for
tests and the in-process demo; the storage adapter provides the persistent one.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cafta.core.errors import Conflict, InvalidInput, NotFound
from cafta.core.names import checked_name, is_visible
from cafta.services.ports import AuditLog, Principal, Role, TokenRecord, TokenStore

__all__ = [
    "TOKEN_PREFIX",
    "InMemoryTokenStore",
    "IssuedToken",
    "hash_token",
    "issue",
    "issue_token",
    "new_token",
    "record_issue",
    "record_revocation",
    "revoke_token",
]

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


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just made: the secret (shown once) and the id it is listed and revoked by."""

    token_id: str
    token: str = field(repr=False)
    role: Role
    party: str


def issue(store: TokenStore, role: Role, party: str, at: datetime) -> IssuedToken:
    """Create a token for ``role`` acting for ``party`` and record its hash."""
    if not is_visible(party):
        raise InvalidInput(
            "a token needs the party it acts for",
            code="token.missing_party",
            hint="Name the trader, broker or office, e.g. --party CNQIN.",
        )
    party = checked_name(party, "the token's party", "token.invalid_party")
    token_id, token, token_hash = new_token()
    store.add(token_id, token_hash, Principal(role, party, token_id), at)
    return IssuedToken(token_id, token, role, party)


def issue_token(store: TokenStore, role: Role, party: str, at: datetime) -> str:
    """Create a token for ``role`` acting for ``party``, record its hash, and return it."""
    return issue(store, role, party, at).token


def revoke_token(store: TokenStore, token_id: str) -> TokenRecord:
    """Remove the token ``token_id`` and return what it was (``token.not_found`` if none)."""
    revoked = store.revoke(token_id.strip())
    if revoked is None:
        raise NotFound(
            f"there is no token {token_id.strip()!r}",
            code="token.not_found",
            hint="'cafta tokens list' shows the tokens' ids (tok_...).",
        )
    return revoked


def record_issue(audit: AuditLog, issued: IssuedToken, at: datetime, actor: str) -> None:
    """The audit entry for a token made (in the transaction that stores it): who may act as
    whom is part of the record, as the declarations are. Never the token, never its hash."""
    audit.append(at, actor, "token.create", issued.token_id,
                 {"role": issued.role.value, "party": issued.party})  # fmt: skip


def record_revocation(audit: AuditLog, revoked: TokenRecord, at: datetime, actor: str) -> None:
    """The audit entry for a token revoked (in the transaction that removes it)."""
    audit.append(at, actor, "token.revoke", revoked.token_id,
                 {"role": revoked.role.value, "party": revoked.party})  # fmt: skip


class InMemoryTokenStore:
    """Token hashes in a dictionary: for tests and the in-process demo (not persistent)."""

    def __init__(self) -> None:
        self._by_hash: dict[str, TokenRecord] = {}
        self._lock = threading.Lock()

    def add(self, token_id: str, token_hash: str, principal: Principal, at: datetime) -> None:
        """Record a token hash; the same hash or id twice is a ``Conflict``."""
        with self._lock:
            if token_hash in self._by_hash or any(
                r.token_id == token_id for r in self._by_hash.values()
            ):
                raise Conflict("this token is already recorded", code="token.duplicate")
            self._by_hash[token_hash] = TokenRecord(token_id, principal.role, principal.party, at)

    def find(self, token_hash: str) -> Principal | None:
        record = self._by_hash.get(token_hash)
        return None if record is None else Principal(record.role, record.party, record.token_id)

    def find_cached(self, token_hash: str) -> Principal | None:
        """The same as :meth:`find`: a dictionary look-up never blocks."""
        return self.find(token_hash)

    def list(self, role: Role | None = None, party: str | None = None) -> Sequence[TokenRecord]:
        with self._lock:
            records = list(self._by_hash.values())
        return sorted(
            (
                r
                for r in records
                if (role is None or r.role is role) and (party is None or r.party == party)
            ),
            key=lambda r: (r.created_at, r.token_id),
        )

    def revoke(self, token_id: str) -> TokenRecord | None:
        with self._lock:
            for token_hash, record in self._by_hash.items():
                if record.token_id == token_id:
                    del self._by_hash[token_hash]
                    return record
        return None

    def __len__(self) -> int:
        return len(self._by_hash)
