"""The worker threads the API's handlers run the synchronous services in (database, engines).

A hop with ``anyio.to_thread.run_sync`` costs about 100 µs of CPU here: a cancel scope, the
capacity limiter, run-variable look-ups and a ``queue.Queue`` (a lock and a condition in
Python) on the way in, a checkpoint on the way out. :class:`WorkerThreads` makes the same hop
with a :class:`~concurrent.futures.ThreadPoolExecutor` and an asyncio future the thread
completes, for about a third of that; on a lodging it is one hop in every request.

What matters of ``run_sync`` is kept:

* a call, once made, runs to its end and commits even if the request's task is cancelled (a
  client that goes away does not stop a lodging): no cancellation reaches the executor's work
  item. Unlike anyio, the cancelled task does not wait for the thread; the thread finishes on
  its own, and the application's shutdown (:meth:`WorkerThreads.close`) waits for it;
* the number of threads is bounded: :data:`MAX_THREADS`, anyio's default limit; further calls
  wait in the executor's queue;
* the caller's context variables are visible in the thread, as anyio copies them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import Context, copy_context
from typing import Any, TypeVar, TypeVarTuple

__all__ = ["MAX_THREADS", "WorkerThreads"]

MAX_THREADS = 40
"""As many as anyio's default capacity limiter allows."""

R = TypeVar("R")
Ts = TypeVarTuple("Ts")


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return  # the request's task was cancelled; the work is done all the same
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _call(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    context: Context,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    """In the worker thread: the call, and its outcome handed back to the event loop."""
    try:
        result = context.run(fn, *args)
    except BaseException as error:  # re-raised in the awaiting task, as anyio does
        loop.call_soon_threadsafe(_settle, future, None, error)
    else:
        loop.call_soon_threadsafe(_settle, future, result, None)


class WorkerThreads:
    """A bounded pool of threads, started on first use (nothing runs at import or when the
    application is built) and stopped, after the calls in flight, by :meth:`close`."""

    def __init__(self, max_threads: int = MAX_THREADS) -> None:
        self._max_threads = max_threads
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _started(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    self._max_threads, thread_name_prefix="cafta-api"
                )
            return self._executor

    async def run(self, fn: Callable[[*Ts], R], *args: *Ts) -> R:
        """``fn(*args)`` in a worker thread; its result, or its exception raised here."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        executor = self._executor or self._started()
        executor.submit(_call, loop, future, copy_context(), fn, args)
        return await future

    def close(self) -> None:
        """Wait for the calls in flight, then stop the threads; a later :meth:`run` starts new
        ones (an application's lifespan may be entered again, as tests do)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
