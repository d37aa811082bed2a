"""The node's trust list, read from the ``trusted_keys`` table and kept for a few seconds.

``cafta keys trust-import`` writes trusted issuing-authority keys to the database; every
process serving the node reads them through a :class:`StoredTrust`, which rebuilds the
:class:`~cafta.certificates.trust.TrustList` at most every ``ttl`` seconds, so a key imported
(or given an end date) reaches every server within that time without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy.engine import Engine

from cafta.adapters.storage.trusted_keys import TrustedKeyRecord
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.certificates.envelope import b64url_decode, b64url_encode
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList

__all__ = ["StoredTrust", "records_of", "trust_list_of"]


def trust_list_of(records: Iterable[TrustedKeyRecord]) -> TrustList:
    """The trust list the stored keys make (not tied to one importing party)."""
    authorities: dict[str, IssuingAuthority] = {}
    keys = []
    for record in records:
        authority = authorities.setdefault(
            record.authority,
            IssuingAuthority(record.authority, record.country, record.authority_name),
        )
        public_key = b64url_decode(record.public_key, "public key")
        keys.append(TrustedKey(authority, public_key, record.valid_from, record.valid_to))
    return TrustList(tuple(authorities.values()), tuple(keys))


def records_of(trust: TrustList) -> list[TrustedKeyRecord]:
    """The rows a trust list file adds to the table."""
    return [
        TrustedKeyRecord(
            kid=key.kid,
            authority=key.authority.id,
            country=key.authority.country,
            public_key=b64url_encode(key.public_key),
            authority_name=key.authority.name,
            valid_from=key.valid_from,
            valid_to=key.valid_to,
            party=trust.party,
        )
        for key in trust.keys
    ]


class StoredTrust:
    """A callable giving the current trust list, re-read from the database every ``ttl`` s."""

    def __init__(
        self, engine: Engine, ttl: float = 5.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._engine = engine
        self._ttl = ttl
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cached: TrustList | None = None
        self._read_at = 0.0

    def __call__(self) -> TrustList:
        with self._lock:
            now = self._monotonic()
            if self._cached is None or now - self._read_at >= self._ttl:
                with SqlUnitOfWork(self._engine, read_only=True) as uow:
                    self._cached = trust_list_of(uow.trusted_keys.all())
                self._read_at = now
            return self._cached
