"""``cafta serve --pin-cpus``: each process on a CPU no other holds, with all its threads.

Every pinning happens in a child process, so the test run itself is never bound to a CPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cafta.adapters.cpus import lock_directory

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="CPU affinity is pinned on Linux only"
)

ALLOWED = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []

_PIN = """\
import json, os, sys, threading
from pathlib import Path
from cafta.adapters.cpus import pin_to_free_cpu

stop = threading.Event()
before = threading.Thread(target=stop.wait)  # a thread that runs before the pinning
before.start()
cpu = pin_to_free_cpu(Path(sys.argv[1]))
again = pin_to_free_cpu(Path(sys.argv[1]))
after = threading.Thread(target=stop.wait)  # and one started after it
after.start()
threads = {t: sorted(os.sched_getaffinity(int(t))) for t in os.listdir("/proc/self/task")}
print(json.dumps({"cpu": cpu, "again": again, "threads": threads}), flush=True)
if len(sys.argv) > 2:
    sys.stdin.readline()  # hold the CPU until told to go
stop.set()
"""


def _start(directory: Path, hold: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _PIN, str(directory), *(["hold"] if hold else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _report(process: subprocess.Popen[str]) -> dict[str, object]:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, "the child printed nothing"
    return dict(json.loads(line))


def _release(process: subprocess.Popen[str]) -> None:
    """Let the child go (a holder waits for a line) and close its pipes."""
    process.communicate("go\n", timeout=30)


def test_a_process_is_pinned_with_every_thread_before_and_after(tmp_path: Path) -> None:
    process = _start(tmp_path)
    report = _report(process)
    _release(process)
    cpu = report["cpu"]
    assert cpu in ALLOWED
    assert report["again"] == cpu  # asking again gives the CPU it holds
    threads = report["threads"]
    assert isinstance(threads, dict) and len(threads) == 3
    assert all(affinity == [cpu] for affinity in threads.values())


def test_processes_take_distinct_cpus_and_one_too_many_runs_unpinned(tmp_path: Path) -> None:
    holders = [_start(tmp_path, hold=True) for _ in ALLOWED]
    try:
        taken = [_report(p)["cpu"] for p in holders]
        assert sorted(taken) == ALLOWED  # type: ignore[type-var]
        extra = _start(tmp_path)
        report = _report(extra)
        _release(extra)
        assert report["cpu"] is None
        threads = report["threads"]
        assert isinstance(threads, dict)
        assert all(affinity == ALLOWED for affinity in threads.values())
        # A holder that ends frees its CPU at once (the OS drops its lock), for the next one.
        _release(holders[0])
        successor = _start(tmp_path)
        assert _report(successor)["cpu"] == taken[0]
        _release(successor)
    finally:
        for holder in holders:
            if holder.poll() is None:
                _release(holder)


def test_the_lock_directory_is_per_user_unless_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAFTA_CPU_LOCK_DIR", raising=False)
    assert lock_directory().name == f"cafta-cpus-{os.getuid()}"
    monkeypatch.setenv("CAFTA_CPU_LOCK_DIR", "/somewhere/else")
    assert lock_directory() == Path("/somewhere/else")
