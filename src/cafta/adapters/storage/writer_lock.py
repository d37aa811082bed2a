"""The writer lock: SQLite writers take turns here before ``BEGIN IMMEDIATE``.

SQLite has one write lock per database file. A writer that finds it taken waits in SQLite's busy
handler, which sleeps between tries (1, 2, 5, ... up to 100 ms) and so wakes long after the
holder has committed. Writers therefore queue here first, and only the one at the head of the
queue begins its transaction:

- threads of one process wait on a thread lock shared by every engine of that process on the
  same file (an in-memory database has one per engine), giving up with ``storage.busy`` after
  ``timeout`` seconds;
- processes wait on an OS file lock (``flock``) on ``<database>.lock`` beside the database file,
  taken by the thread that holds the thread lock: the kernel wakes the next process as soon as
  the holder releases it, and releases it when the holder's process dies (a crash, SIGKILL). A
  process that waits there waits as long as the other process's write transaction lasts, as a
  PostgreSQL session waits for a row or advisory lock.

The lock orders writers; it protects nothing by itself: SQLite's own lock still guards every
write, so a writer that does not take this lock (another program, the ``sqlite3`` shell, a
platform without ``fcntl``, a lock file that cannot be created) is still safe, and waits, or is
waited for, through the busy handler as before. Readers never take it.
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from types import ModuleType

from sqlalchemy.engine import Engine

from cafta.adapters.storage.engine import sqlite_file

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the thread lock only
    fcntl = None

__all__ = ["WriterLock", "lock_file_for", "writer_lock"]


def lock_file_for(database: Path) -> Path:
    """The lock file of a SQLite database file: ``cafta.db`` → ``cafta.db.lock``."""
    return database.with_name(database.name + ".lock")


class WriterLock:
    """Writers of one SQLite database: a thread lock, then the OS lock on ``lock_file``."""

    __slots__ = ("__weakref__", "_fd", "_finalizer", "_held", "_threads", "lock_file")

    def __init__(self, lock_file: Path | None) -> None:
        self.lock_file = lock_file if fcntl is not None else None
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._held: int | None = None  # the descriptor whose file lock this process holds
        self._finalizer: weakref.finalize[[int], WriterLock] | None = None

    def acquire(self, timeout: float) -> bool:
        """Wait for this process's other writers (up to ``timeout`` s, else ``False``), then for
        other processes'."""
        if not self._threads.acquire(timeout=timeout):
            return False
        try:
            self._lock_file()
        except BaseException:
            self._threads.release()
            raise
        return True

    def release(self) -> None:
        try:
            held, self._held = self._held, None
            if held is not None and fcntl is not None:
                fcntl.flock(held, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _lock_file(self) -> None:
        if self.lock_file is None or fcntl is None:
            return
        if self._fd is None:
            try:
                fd = os.open(self.lock_file, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
            except OSError:
                # A directory this process may not create it in: SQLite's lock alone, as before.
                self.lock_file = None
                return
            self._fd = fd
            self._finalizer = weakref.finalize(self, os.close, fd)
        try:
            # Blocks in the kernel while another process holds it (no polling, no sleeping).
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            # A file system without flock (ENOLCK): SQLite's lock alone, as before.
            self.lock_file = None
            return
        self._held = self._fd

    def _forget_file(self) -> None:
        """In a forked child: drop the inherited descriptor (the parent's lock stays its own)."""
        if self._finalizer is not None:
            self._finalizer()  # closes the copy; a lock the parent holds is not released
        self._fd, self._finalizer, self._held = None, None, None


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
