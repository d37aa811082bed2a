"""How a command's writes reach the database: one transaction each, or several grouped.

A handler hands its writes to a :class:`Writer` as a function of an open unit of work (the
function writes and does not commit) and gets its result back only once they are committed.

- :class:`OneByOne` opens a transaction per write: simple, and what tests and the CLI use.
- :class:`GroupCommit` lets writes that arrive together share one transaction (group commit,
  as databases do with their own log). The first caller in becomes the leader: it takes every
  write queued so far (itself included, at most ``batch`` of them), runs them one after the
  other in one transaction and commits once; the callers whose writes it carried return as soon
  as it is done, each with its own result. A leader does not wait for company: with one caller
  at a time every write is its own transaction, and under load the writes that queued while one
  transaction was committing go together in the next. This saves each write the transaction's
  fixed costs (taking SQLite's writer lock or PostgreSQL's audit lock, ``BEGIN``, reading the
  audit head, ``COMMIT``) and, with several processes on one SQLite file, most of their turns
  at the lock.

If any write of a group fails (an idempotency key taken meanwhile, a declaration changed by
someone else), the group's transaction is rolled back and each of its writes runs again in a
transaction of its own, so each caller gets exactly its own outcome and nothing one caller
wrote depends on another's. If the transaction itself fails (the database busy past its
timeout, or unreachable), every write of the group is answered with that error at once. A
write must therefore be safe to run twice after a rollback, which plain inserts and updates
are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from cafta.core.errors import CaftaError
from cafta.services.ports import UnitOfWork, UnitOfWorkFactory

__all__ = ["GroupCommit", "OneByOne", "Writer"]

T = TypeVar("T")


class Writer(Protocol):
    def write(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work`` in a transaction and commit it; its result, or its exception."""


@dataclass
class OneByOne:
    """A transaction per write."""

    uow: UnitOfWorkFactory

    def write(self, work: Callable[[UnitOfWork], T]) -> T:
        with self.uow() as unit:
            result = work(unit)
            unit.commit()
        return result


@dataclass
class _Queued(Generic[T]):
    work: Callable[[UnitOfWork], T]
    done: bool = False
    result: T | None = None
    error: BaseException | None = None


@dataclass
class GroupCommit:
    """Writes of concurrent callers, committed together (see the module's text)."""

    uow: UnitOfWorkFactory
    batch: int = 32
    """The most writes one transaction carries."""
    groups: int = field(default=0, init=False)
    """Transactions committed with more than one write (for tests and the benchmark)."""
    _queue: list[_Queued[object]] = field(default_factory=list, init=False, repr=False)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _leader: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def write(self, work: Callable[[UnitOfWork], T]) -> T:
        mine: _Queued[T] = _Queued(work)
        with self._queue_lock:
            self._queue.append(mine)  # type: ignore[arg-type]
        with self._leader:
            while not mine.done:  # a leader carries at most ``batch``: mine may be further back
                with self._queue_lock:
                    group, self._queue = self._queue[: self.batch], self._queue[self.batch :]
                self._run(group)
        if mine.error is not None:
            raise mine.error
        return mine.result  # type: ignore[return-value]

    def _run(self, group: list[_Queued[object]]) -> None:
        try:
            if len(group) > 1 and self._together(group):
                return
            for queued in group:
                try:
                    with self.uow() as unit:
                        queued.result = queued.work(unit)
                        unit.commit()
                except Exception as error:  # handed to the caller whose write it is
                    queued.error = error
                queued.done = True
        finally:
            # The leader interrupted (KeyboardInterrupt, SystemExit): the writes it had taken
            # and not run are answered with an error, never left waiting.
            for queued in group:
                if not queued.done:
                    queued.error = CaftaError(
                        "the write was interrupted before it was committed",
                        code="storage.unavailable",
                        hint="Retry with the same Idempotency-Key.",
                    )
                    queued.done = True

    def _together(self, group: list[_Queued[object]]) -> bool:
        """Commit the whole group in one transaction (``True``). If one of its writes fails,
        nothing is kept and each is to run alone (``False``). If the transaction itself
        fails (the database busy or unreachable), every write of the group gets that error
        (``True``): running each alone would only wait as long again, once per write."""
        try:
            with self.uow() as unit:
                results = []
                for queued in group:
                    try:
                        results.append(queued.work(unit))
                    except Exception:  # its own failure: each write is tried again alone
                        return False
                unit.commit()
        except Exception as error:  # the transaction's failure, shared by every write
            for queued in group:
                queued.error, queued.done = error, True
            return True
        self.groups += 1
        for queued, result in zip(group, results, strict=True):
            queued.result, queued.done = result, True
        return True
