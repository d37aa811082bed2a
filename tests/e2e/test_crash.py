"""A server killed with SIGKILL in the middle of a burst loses no acknowledged declaration, and
retries with the same Idempotency-Key after the restart create no duplicates."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CAFTA = str(Path(sys.executable).with_name("cafta"))
BROKER = "Pingxiang Border Brokers Co."
IMPORTER = "Guangxi Fresh Fruit Trading Co."
"""The example's importer, whose written authority the broker lodges under."""


def _declaration(n: int) -> dict[str, Any]:
    document = json.loads((ROOT / "examples" / "declarations" / "durian-youyiguan.json")
                          .read_text(encoding="utf-8"))  # fmt: skip
    document["items"][0].pop("preference")
    document["items"][0]["value"]["amount"] = f"{600000 + n}.00"
    return document


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([CAFTA, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("cafta serve did not start within 30 s")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_loses_no_acknowledged_declaration(tmp_path: Path) -> None:
    env = {**os.environ, "CAFTA_DATABASE_URL": f"sqlite:///{tmp_path / 'cafta.db'}",
           "CAFTA_HOME": str(tmp_path / "home"), "OMP_NUM_THREADS": "1"}  # fmt: skip
    subprocess.run([CAFTA, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([CAFTA, "representations", "grant", "--importer", IMPORTER, "--broker", BROKER],
                   env=env, check=True, capture_output=True)  # fmt: skip
    token = json.loads(subprocess.run(
        [CAFTA, "tokens", "create", "--role", "broker", "--party", BROKER, "--json"],
        env=env, check=True, capture_output=True, text=True).stdout)["token"]  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    port = _free_port()
    server = _start(env, port)
    base = f"http://127.0.0.1:{port}/api/v1/declarations"
    total = 400
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    queue = list(range(total))

    def client() -> None:
        with httpx.Client(headers=headers, timeout=10) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop(0)
                try:
                    response = http.post(base, json=_declaration(n),
                                         headers={"Idempotency-Key": f"burst-{n}"})  # fmt: skip
                except httpx.HTTPError:
                    continue  # the server died under this request: not acknowledged
                if response.status_code == 201:
                    with lock:
                        acknowledged[n] = response.json()["id"]

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    while len(acknowledged) < 60:  # kill it in the middle of the burst
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    for t in threads:
        t.join(timeout=30)
    assert 60 <= len(acknowledged) < total

    server = _start(env, port)
    try:
        with httpx.Client(headers=headers, timeout=10) as http:
            for declaration_id in acknowledged.values():  # nothing acknowledged is lost
                assert http.get(f"{base}/{declaration_id}").status_code == 200
            ids = {}
            for n in range(total):  # every request retried: the same declaration, never a second
                response = http.post(base, json=_declaration(n),
                                     headers={"Idempotency-Key": f"burst-{n}"})  # fmt: skip
                assert response.status_code in (200, 201), response.text
                ids[n] = response.json()["id"]
                if n in acknowledged:
                    assert response.status_code == 200 and ids[n] == acknowledged[n]
            assert len(set(ids.values())) == total
            listed = http.get(base, params={"limit": 500}).json()["items"]
            assert len(listed) == total
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
