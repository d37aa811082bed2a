"""Each server process on a CPU of its own: ``cafta serve --pin-cpus``.

A ``cafta serve`` worker is one Python process: its event loop and its worker threads take
turns at one interpreter lock, so it never uses much more than one CPU. Left to the scheduler,
its threads still wake each other on whichever CPU is free, and on a virtual machine a wake-up
across CPUs is dear: on the project's two-CPU benchmark machine, pinning the one-worker server
to one CPU cut its CPU per declaration from 3.5 to 2.5 ms and per bare insert from 1.0 to
0.5 ms (``docs/performance.md``). :func:`pin_to_free_cpu` gives the calling process a CPU no
other pinned process of this user on this machine holds, and binds every one of its threads
(and so the threads they start) to it.

Which CPUs are taken is kept by the operating system, not by a file's contents: a process holds
an exclusive ``flock`` on ``cpu-<n>.lock`` in :func:`lock_directory` for as long as it lives, so
a worker that exits or is killed frees its CPU at once, and a restarted one finds it free.
Processes that find every CPU taken (more workers than CPUs) stay unpinned, as without the
option. Pinning suits a machine that does little else: a pinned process cannot move away from
a CPU that something else keeps busy (a database server on the same machine, for instance).
Linux only; elsewhere nothing is pinned.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["lock_directory", "pin_to_free_cpu"]

_HELD: dict[int, int] = {}
"""The CPU this process holds, with its lock's descriptor (kept open, and so held, until the
process exits)."""


def lock_directory() -> Path:
    """Where the CPU locks are: ``CAFTA_CPU_LOCK_DIR`` if set (servers that should not share
    CPUs with each other's accounting, as the benchmark's, which runs several at once), else one
    directory per user, shared by every ``cafta serve`` of that user."""
    named = os.environ.get("CAFTA_CPU_LOCK_DIR")
    if named:
        return Path(named)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"cafta-cpus-{uid}"


def _take(directory: Path, cpu: int) -> int | None:
    """The descriptor of ``cpu``'s lock, now held by this process; ``None`` if another has it."""
    import fcntl  # noqa: PLC0415 - POSIX only; the caller checks the platform

    fd = os.open(directory / f"cpu-{cpu}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _threads() -> list[int]:
    """The ids of this process's threads (Linux: ``/proc/self/task``)."""
    try:
        return [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return [0]  # the calling thread only


def pin_to_free_cpu(directory: Path | None = None) -> int | None:
    """Bind this process to a CPU that no other pinned process holds, and return it (the one
    it holds already, if it does); ``None`` when none is free or the system cannot bind a
    process to a CPU: the process then runs as before."""
    if _HELD:
        return next(iter(_HELD))
    if not hasattr(os, "sched_setaffinity") or os.name != "posix":
        return None
    where = directory or lock_directory()
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        allowed = sorted(os.sched_getaffinity(0))
    except OSError:
        return None
    for cpu in allowed:
        fd = _take(where, cpu)
        if fd is None:
            continue
        try:
            for thread in _threads():
                try:
                    os.sched_setaffinity(thread, {cpu})
                except ProcessLookupError:  # the thread has ended meanwhile
                    continue
        except OSError:  # not allowed here (a container's limits): run as before
            for thread in _threads():
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(thread, allowed)
            os.close(fd)
            return None
        _HELD[cpu] = fd
        return cpu
    return None
