"""``cafta serve`` as an operator runs it: a separate process on a free port, over a new SQLite
database (``CAFTA_DATABASE_URL``), stopped with SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.config import Settings
from cafta.services.ports import Role
from cafta.services.tokens import issue_token

CAFTA = shutil.which("cafta", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(CAFTA is None, reason="the cafta console script is not installed")

STARTUP_S = 20.0
DOCS_API = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"cafta serve exited with {process.returncode}"
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"cafta serve did not answer /healthz within {STARTUP_S:.0f} s")


def test_serve_creates_the_database_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    assert CAFTA is not None
    url = f"sqlite:///{tmp_path / 'node' / 'cafta.db'}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CAFTA_HOME": str(tmp_path / "home"), "CAFTA_DATABASE_URL": url}
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [CAFTA, "serve", "--port", str(port)], env=env, stdout=stdout, stderr=stderr
        )
        try:
            _wait_until_healthy(process, base)
            # The server made the database; a token written to it now is honoured at once.
            node = bootstrap.open_node(bootstrap.build(Settings(home=tmp_path / "home")), url)
            try:
                token = issue_token(
                    StoredTokens(node.engine), Role.OFFICER, "CNYYG", datetime.now(UTC)
                )
            finally:
                node.close()
            headers = {"Authorization": f"Bearer {token}"}
            listed = httpx.get(f"{base}/api/v1/declarations", headers=headers, timeout=5.0)
            assert listed.status_code == 200, listed.text
            assert listed.json() == {"items": [], "limit": 50, "offset": 0, "total": 0}
            refused = httpx.get(f"{base}/api/v1/declarations", timeout=5.0)
            assert refused.status_code == 401
            # HEAD, as a load balancer probes: GET's status and headers, no body, and the
            # connection still good for the next request.
            with httpx.Client(base_url=base, timeout=5.0) as connection:
                probe = connection.head("/healthz")
                health = connection.get("/healthz")
                head = connection.head("/api/v1/declarations", headers=headers)
            assert (probe.status_code, probe.content) == (200, b"")
            assert probe.headers["content-length"] == str(len(health.content))
            assert health.json() == {"status": "ok"}
            assert (head.status_code, head.content) == (200, b"")
            assert head.headers["content-length"] == str(len(listed.content))
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    printed = out.read_text(encoding="utf-8")
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the status says how it ended.
    assert code == -signal.SIGTERM, err.read_text(encoding="utf-8")
    assert printed.splitlines() == _documented_banner(base, f"sqlite:///{tmp_path}/node/cafta.db")
    logged = err.read_text(encoding="utf-8")
    assert "Application shutdown complete" in logged and "Traceback" not in logged
    assert '"GET /healthz HTTP/1.1" 200' not in printed + logged, "no access log by default"
    # Every connection was closed: SQLite removed its -wal and -shm files.
    assert sorted(p.name for p in (tmp_path / "node").iterdir()) == ["cafta.db", "cafta.db.lock"]


def _documented_banner(base: str, database: str) -> list[str]:
    """The banner as docs/api.md ("Running it") shows it, for this address and database."""
    text = DOCS_API.read_text(encoding="utf-8")
    block = text[text.index("$ cafta serve\n") :].splitlines()[1:]
    lines = [line for line in block[: block.index("```")] if not line.startswith("INFO:")]
    shown = "\n".join(lines).replace("http://127.0.0.1:8000", base)
    return shown.replace("sqlite:////srv/cafta/cafta.db", database).splitlines()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU affinity: Linux only")
def test_pin_cpus_binds_each_worker_and_its_threads_to_a_cpu_of_its_own(tmp_path: Path) -> None:
    assert CAFTA is not None
    allowed = sorted(os.sched_getaffinity(0))
    workers = min(2, len(allowed))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CAFTA_HOME": str(tmp_path / "home"),
           "CAFTA_DATABASE_URL": f"sqlite:///{tmp_path / 'cafta.db'}",
           "CAFTA_CPU_LOCK_DIR": str(tmp_path / "cpu-locks")}  # fmt: skip
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [CAFTA, "serve", "--port", str(port), "--workers", str(workers), "--pin-cpus"],
            env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            _wait_until_healthy(process, base)
            deadline = time.monotonic() + STARTUP_S
            while time.monotonic() < deadline:  # every worker past its start, logged
                if err.read_text(encoding="utf-8").count("pinned to CPU") == workers:
                    break
                time.sleep(0.1)
            pinned = {}
            for child in _children(process.pid) if workers > 1 else [process.pid]:
                threads = [int(t) for t in os.listdir(f"/proc/{child}/task")]
                affinities = {tuple(sorted(os.sched_getaffinity(t))) for t in threads}
                if len(affinities) == 1 and len(next(iter(affinities))) == 1:
                    pinned[child] = next(iter(affinities))[0]
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    assert len(pinned) == workers, err.read_text(encoding="utf-8")
    assert sorted(pinned.values()) == allowed[:workers]
    assert "each on a CPU of its own" in out.read_text(encoding="utf-8")


def _no_server_starts(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """``cafta ARGV`` that must stop before serving: its status, standard output and error."""
    assert CAFTA is not None
    try:
        done = subprocess.run([CAFTA, *argv], env=env, capture_output=True, text=True,
                              timeout=STARTUP_S, check=False)  # fmt: skip
    except subprocess.TimeoutExpired as running:  # the old behaviour: workers started forever
        pytest.fail(f"cafta serve kept running: {running.stderr!r}")
    return done.returncode, done.stdout, done.stderr


def test_a_broken_risk_file_stops_serve_with_several_workers_before_the_banner(
    tmp_path: Path,
) -> None:
    """Each worker used to die with a traceback behind the banner, and be started again."""
    quotas = tmp_path / "badq.yaml"
    quotas.write_text("offices:\n  CNYYG:\n    red: banana\n", encoding="utf-8")
    env = {**os.environ, "CAFTA_HOME": str(tmp_path / "home"), "CAFTA_RISK_QUOTAS": str(quotas),
           "CAFTA_DATABASE_URL": f"sqlite:///{tmp_path / 'cafta.db'}"}  # fmt: skip
    code, out, err = _no_server_starts(["serve", "--port", str(_free_port()), "--workers", "2"],
                                       env)  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(f"error: CAFTA_RISK_QUOTAS: {quotas}: offices: ") and err.count("\n") == 1
    assert not (tmp_path / "cafta.db").exists()


def test_a_second_server_on_the_same_port_stops_before_the_banner_and_the_migration(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {**os.environ, "CAFTA_HOME": str(tmp_path / "home")}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as first:
        first.bind(("127.0.0.1", port))
        first.listen()
        code, out, err = _no_server_starts(
            ["serve", "--port", str(port), "--database", f"sqlite:///{tmp_path / 'second.db'}"],
            env,
        )
    assert (code, out) == (2, "")
    assert err == (f"error: port {port} on 127.0.0.1 is in use: Address already in use. Stop the "
                   "server that holds it, or choose another port with --port.\n")  # fmt: skip
    assert not (tmp_path / "second.db").exists()


def test_several_workers_end_by_sigterm_too_and_log_requests_when_asked(tmp_path: Path) -> None:
    """uvicorn's supervisor of several workers ended with 0 after SIGTERM."""
    assert CAFTA is not None
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CAFTA_HOME": str(tmp_path / "home"),
           "CAFTA_DATABASE_URL": f"sqlite:///{tmp_path / 'node' / 'cafta.db'}"}  # fmt: skip
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [CAFTA, "serve", "--port", str(port), "--workers", "2", "--access-log"],
            env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            _wait_until_healthy(process, base)
            assert httpx.get(f"{base}/api/v1/declarations", timeout=5.0).status_code == 401
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    logged = err.read_text(encoding="utf-8")
    assert code == -signal.SIGTERM, logged
    assert "Traceback" not in logged
    printed = out.read_text(encoding="utf-8")
    assert '"GET /healthz HTTP/1.1" 200' in printed
    assert '"GET /api/v1/declarations HTTP/1.1" 401' in printed
    # Not asserted here, unlike with one worker: whether -wal and -shm are gone depends on which
    # of the two workers closes its last connection first (SQLite removes them only when the
    # last connection of all closes, and a worker closing alongside another may not).
    assert (tmp_path / "node" / "cafta.db").is_file()
