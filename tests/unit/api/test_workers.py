"""The API's worker threads: results and errors come back, a cancelled request's call still runs
to its end, the threads are bounded, and context variables reach the thread."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from cafta.api.workers import WorkerThreads

_CALLER: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="none")
T = TypeVar("T")


def run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` in a thread of its own, as a server's event loop would be: the
    browser tests keep Playwright's loop running in the main thread for the whole session, and
    ``asyncio.run`` refuses to start inside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


def test_a_call_answers_with_its_result_from_another_thread() -> None:
    workers = WorkerThreads()

    async def main() -> tuple[int, str]:
        return await workers.run(lambda a, b: (a + b, threading.current_thread().name), 2, 3)

    try:
        total, thread = run(main)
    finally:
        workers.close()
    assert total == 5
    assert thread.startswith("cafta-api") and thread != threading.current_thread().name


def test_an_error_is_raised_in_the_awaiting_task() -> None:
    workers = WorkerThreads()

    def fail() -> None:
        raise LookupError("no such declaration")

    async def main() -> None:
        await workers.run(fail)

    try:
        with pytest.raises(LookupError, match="no such declaration"):
            run(main)
    finally:
        workers.close()


def test_a_cancelled_request_does_not_stop_its_call() -> None:
    """A client that goes away must not stop a lodging half-way: the call runs to its end."""
    workers = WorkerThreads()
    started, finished = threading.Event(), threading.Event()

    def lodge() -> None:
        started.set()
        time.sleep(0.2)
        finished.set()

    async def main() -> None:
        task = asyncio.create_task(workers.run(lodge))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(main)
    workers.close()  # waits for the call in flight
    assert finished.is_set()


def test_the_threads_are_bounded() -> None:
    workers = WorkerThreads(max_threads=2)
    lock = threading.Lock()
    running = peak = 0

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    async def main() -> None:
        await asyncio.gather(*(workers.run(work) for _ in range(10)))

    try:
        run(main)
    finally:
        workers.close()
    assert peak == 2


def test_the_callers_context_variables_reach_the_thread() -> None:
    workers = WorkerThreads()

    async def main() -> str:
        _CALLER.set("request 7")
        return await workers.run(_CALLER.get)

    try:
        assert run(main) == "request 7"
    finally:
        workers.close()


def test_the_threads_start_again_after_close() -> None:
    """An application's lifespan may be entered more than once (test clients do)."""
    workers = WorkerThreads()

    async def main() -> int:
        return await workers.run(int, "4")

    assert run(main) == 4
    workers.close()
    assert run(main) == 4
    workers.close()
