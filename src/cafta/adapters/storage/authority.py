"""Whether a broker holds an importer's authority, asked before each of its lodgings.

:class:`StoredAuthority` answers :class:`cafta.services.ports.AuthorityLookup` from the
``representations`` table, outside any unit of work, and keeps each "yes" for ``ttl``
seconds: a broker lodging a burst for one importer costs one query per ``ttl``. A "no" is never
kept, so an authority granted works at once; one withdrawn in another process is honoured for
at most ``ttl`` seconds more (the bound a revoked API token has, :mod:`.token_source`), and at
once in the process that withdrew it (:meth:`StoredAuthority.forget`, which the register's
service calls after each change).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine

from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.core.expiring import ExpiringCache
from cafta.services.ports import AuthorityLookup

__all__ = ["StoredAuthority"]


class StoredAuthority:
    """:class:`cafta.services.ports.AuthorityLookup` on the node's database, with the
    authorities found kept for ``ttl`` seconds; safe to call from several threads."""

    def __init__(
        self,
        engine: Engine,
        ttl: float = 30.0,
        *,
        size: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._known: ExpiringCache[tuple[str, str, date], bool] = ExpiringCache(
            ttl, size, monotonic
        )
        self._lock = threading.Lock()
        self._generation = 0
        """Bumped by :meth:`forget`: an answer read before a change in this process is not
        kept after it."""

    def in_force(self, importer_key: str, broker_key: str, on: date) -> bool:
        key = (importer_key, broker_key, on)
        if self._known.get(key):
            return True
        asked = self._known.now()
        generation = self._generation
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            found = uow.representations.list(importer_key, broker_key)
        granted = any(r.in_force(on) for r in found)
        with self._lock:
            if not granted:
                self._known.drop(key)
            elif generation == self._generation:  # no withdrawal here since the read
                self._known.put(key, True, asked)
        return granted

    def forget(self) -> None:
        """Empty the cache: the next question of every pair reads the table, and an answer
        being read now is not kept."""
        with self._lock:
            self._generation += 1
            self._known.clear()


def _conforms(engine: Engine) -> AuthorityLookup:
    """Never called: makes mypy check the class against the port."""
    return StoredAuthority(engine)
