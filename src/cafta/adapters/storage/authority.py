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
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine

from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
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
        self._ttl = ttl
        self._size = size
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._known: OrderedDict[tuple[str, str, date], float] = OrderedDict()

    def in_force(self, importer_key: str, broker_key: str, on: date) -> bool:
        key = (importer_key, broker_key, on)
        now = self._monotonic()
        with self._lock:
            seen = self._known.get(key)
            if seen is not None and now - seen < self._ttl:
                return True
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            found = uow.representations.list(importer_key, broker_key)
        granted = any(r.in_force(on) for r in found)
        with self._lock:
            if granted:
                self._known[key] = now
                self._known.move_to_end(key)
                while len(self._known) > self._size:
                    self._known.popitem(last=False)
            else:
                self._known.pop(key, None)
        return granted

    def forget(self) -> None:
        """Empty the cache: the next question of every pair reads the table."""
        with self._lock:
            self._known.clear()


def _conforms(engine: Engine) -> AuthorityLookup:
    """Never called: makes mypy check the class against the port."""
    return StoredAuthority(engine)
