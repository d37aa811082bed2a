"""The writer lock: SQLite writers take turns here before ``BEGIN IMMEDIATE``.

SQLite has one write lock per database file. A writer that finds it taken waits in SQLite's busy
handler, which sleeps between tries (1, 2, 5, ... up to 100 ms) and so wakes long after the
holder has committed. Writers therefore queue here first, and only the one at the head of the
queue begins its transaction:

- threads of one process wait on a thread lock shared by every engine of that process on the
  same file (an in-memory database has one per engine), giving up after the busy timeout;
- processes wait on an OS file lock (``flock``) on ``<database>.lock`` beside the database file,
  taken by the thread that holds the thread lock: the kernel wakes the next process as soon as
  the holder releases it, and releases it when the holder's process dies (a crash, SIGKILL). A
  process waits there as a PostgreSQL session waits for a row lock, but not forever: after the
  writer lock timeout it gives up. ``flock`` itself cannot time out, so a writer that finds the
  file locked waits for it on a thread of its own (:class:`_KernelWait`), still woken by the
  kernel, and stops waiting when the timeout runs out.

Either wait running out raises :class:`WaitedTooLong` (``storage.busy`` in :func:`take_turn`).
Once a writer has its turn, SQLite's busy handler waits only for what does not queue here: a
program that does not take this lock, a checkpoint.

The lock orders writers; it protects nothing by itself: SQLite's own lock still guards every
write, so a writer that does not take this lock (another program, the ``sqlite3`` shell, a
platform without ``fcntl``, a lock file that cannot be created) is still safe, and waits, or is
waited for, through the busy handler as before. Readers never take it. Migrations take it too
(:mod:`.schema`), so a schema change never starts while another process writes.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType

from sqlalchemy.engine import Engine

from cafta.adapters.storage.engine import busy_timeout_s, sqlite_file, writer_lock_timeout_s
from cafta.adapters.storage.failures import busy

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the thread lock only
    fcntl = None

__all__ = [
    "WaitedTooLong",
    "WriterLock",
    "lock_file_for",
    "take_turn",
    "writer_lock",
    "writer_turn",
]


_PAUSES = (0.00005, 0.0001, 0.0002, 0.0004)
"""Pauses between looks at a file lock that another process holds (0.75 ms in all), before the
wait moves to a thread blocked in the kernel. Most waits end within them (a write transaction
lasts about a millisecond) and so cost no thread; looking again for longer would be unfair: the
holder may take the lock again between two looks, and a waiter was seen to miss its turn for
over 200 ms that way (2 processes writing in a loop)."""


def lock_file_for(database: Path) -> Path:
    """The lock file of a SQLite database file: ``cafta.db`` → ``cafta.db.lock``."""
    return database.with_name(database.name + ".lock")


def _open(lock_file: Path) -> int:
    return os.open(lock_file, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)


def _try_flock(fd: int) -> bool | None:
    """Take the file lock without waiting: ``True``; ``False`` when another process's writer
    has it; ``None`` when the file system has no ``flock``."""
    assert fcntl is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True


class WaitedTooLong(Exception):
    """A writer's wait for its turn ran out: ``by`` held it past ``timeout``."""

    def __init__(self, by: str, timeout: str) -> None:
        super().__init__(f"locked by {by} past {timeout}")
        self.by = by
        self.timeout = timeout


class WriterLock:
    """Writers of one SQLite database: a thread lock, then the OS lock on ``lock_file``."""

    __slots__ = ("__weakref__", "_extra", "_fd", "_finalizer", "_held", "_threads", "lock_file")

    def __init__(self, lock_file: Path | None) -> None:
        self.lock_file = lock_file if fcntl is not None else None
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._held: int | None = None  # the descriptor whose file lock this process holds
        self._finalizer: weakref.finalize[[int], WriterLock] | None = None
        self._extra: set[int] = set()  # descriptors of waits still open (closed in a fork)

    def acquire(self, timeout: float, file_timeout: float) -> None:
        """Wait for this process's other writers (up to ``timeout`` s), then for other
        processes' (up to ``file_timeout`` s); :class:`WaitedTooLong` if either runs out."""
        if not self._threads.acquire(timeout=timeout):
            raise WaitedTooLong(
                "another writer of this process", f"the busy timeout ({timeout:g} s)"
            )
        try:
            if not self._lock_file(file_timeout):
                raise WaitedTooLong(
                    f"another process's writer ({self.lock_file})",
                    f"the writer lock timeout ({file_timeout:g} s)",
                )
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            held, self._held = self._held, None
            if held is not None and fcntl is not None:
                fcntl.flock(held, fcntl.LOCK_UN)
                if held != self._fd:
                    self._extra.discard(held)
                    os.close(held)
        finally:
            self._threads.release()

    def _lock_file(self, timeout: float) -> bool:
        """Take the file lock within ``timeout`` s (``True``), or not (``False``)."""
        if self.lock_file is None or fcntl is None:
            return True
        if self._fd is None:
            try:
                fd = _open(self.lock_file)
            except OSError:
                # A directory this process may not create it in: SQLite's lock alone, as before.
                self.lock_file = None
                return True
            self._fd = fd
            self._finalizer = weakref.finalize(self, os.close, fd)
        started = time.monotonic()
        for pause in (*_PAUSES, None):
            taken = _try_flock(self._fd)
            if taken is None:
                # A file system without flock (ENOLCK): SQLite's lock alone, as before.
                self.lock_file = None
                return True
            if taken:
                self._held = self._fd
                return True
            if pause is None or time.monotonic() - started + pause > timeout:
                break
            time.sleep(pause)
        remaining = timeout - (time.monotonic() - started)
        if remaining <= 0:
            return False
        try:
            wait = _KernelWait(_open(self.lock_file), self._extra)
            if not wait.had_it_within(remaining):
                return False
        except OSError:
            self.lock_file = None
            return True
        self._held = wait.fd
        return True

    def _forget_file(self) -> None:
        """In a forked child: drop the inherited descriptors (the parent's lock stays its own)."""
        if self._finalizer is not None:
            self._finalizer()  # closes the copy; a lock the parent holds is not released
        for fd in list(self._extra):
            with suppress(OSError):
                os.close(fd)
        self._fd, self._finalizer, self._held = None, None, None
        self._extra.clear()


class _KernelWait:
    """One wait for the file lock, blocked in the kernel on a thread of its own.

    The writer waits for the thread, up to its timeout; if that runs out the thread waits on
    and lets the lock go as soon as it has it. The wait uses a descriptor of its own (a new
    ``open``, so a lock of its own in the kernel's eyes): a wait given up never shares its lock
    with a later writer of this process.
    """

    __slots__ = ("_abandoned", "_done", "_error", "_open", "_state", "fd")

    def __init__(self, fd: int, still_open: set[int]) -> None:
        self.fd = fd
        self._open = still_open
        self._state = threading.Lock()
        self._done = threading.Event()
        self._abandoned = False
        self._error: OSError | None = None
        still_open.add(fd)
        try:
            threading.Thread(target=self._wait, name="sqlite-writer-lock", daemon=True).start()
        except BaseException:
            self._close()
            raise

    def had_it_within(self, timeout: float) -> bool:
        """Whether the lock was had within ``timeout`` s; if not, the wait is given up."""
        self._done.wait(timeout)
        with self._state:
            if not self._done.is_set():
                self._abandoned = True
                return False
        if self._error is not None:
            self._close()
            raise self._error
        return True

    def _wait(self) -> None:
        assert fcntl is not None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError as error:
            self._error = error
        with self._state:
            self._done.set()
            if not self._abandoned:
                return  # the writer has it now
        self._close()

    def _close(self) -> None:
        assert fcntl is not None
        self._open.discard(self.fd)
        with suppress(OSError):
            fcntl.flock(self.fd, fcntl.LOCK_UN)  # even if a fork's child still has a copy
        os.close(self.fd)


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()
_BY_FILE: weakref.WeakValueDictionary[Path, WriterLock] = weakref.WeakValueDictionary()
_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> WriterLock:
    """The writer lock of ``engine``'s SQLite database (shared by this process's engines on the
    same file)."""
    with _GUARD:
        lock = _BY_ENGINE.get(engine)
        if lock is None:
            path = sqlite_file(engine.url)
            if path is None:
                lock = WriterLock(None)
            else:
                path = path.resolve()
                lock = _BY_FILE.get(path)
                if lock is None:
                    lock = _BY_FILE[path] = WriterLock(lock_file_for(path))
            _BY_ENGINE[engine] = lock
        return lock


def take_turn(engine: Engine) -> WriterLock:
    """Wait for a writer's turn on ``engine``'s SQLite database, within the engine's busy and
    writer lock timeouts, else ``storage.busy``; release the lock when the transaction ends."""
    lock = writer_lock(engine)
    try:
        lock.acquire(busy_timeout_s(engine), writer_lock_timeout_s(engine))
    except WaitedTooLong as waited:
        raise busy(engine.url, waited.by, waited.timeout) from None
    return lock


@contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """Hold a writer's turn for the block (on SQLite; on PostgreSQL nothing is taken)."""
    if engine.dialect.name != "sqlite":
        yield
        return
    lock = take_turn(engine)
    try:
        yield
    finally:
        lock.release()


def _after_fork_in_child() -> None:
    # A child starts with no writer in flight: fresh locks (a thread of the parent may have held
    # one), and no copy of the parent's descriptors, which would keep the parent's file lock
    # alive after the parent died.
    for lock in list(_BY_FILE.values()):
        lock._forget_file()
    _BY_ENGINE.clear()
    _BY_FILE.clear()
    _GUARD.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_GUARD.acquire, after_in_parent=_GUARD.release, after_in_child=_after_fork_in_child
    )
