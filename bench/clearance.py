"""Benchmark: declarations cleared per second, in process and over HTTP, with the floor.

Run: ``.venv/bin/python bench/clearance.py [--declarations N] [--clients C] [--skip-http]``.
Writes nothing outside a temporary directory. Three measurements, side by side in one run:

(a) in process: ``Clearance.lodge`` of 5-item declarations (durian, rubber, mung beans, Li-ion
    cells, dragon fruit; no Form E) into a fresh SQLite node, one after the other: latency
    percentiles (p50, p99) of the whole pipeline (validate, price 5 items, risk, lane, commit)
    and the throughput;
(b) over HTTP: ``cafta serve`` started as a subprocess on a fresh SQLite database, C concurrent
    clients posting the same declarations (``POST /api/v1/declarations``);
(c) the floor: the same server's bare endpoint that does one durable insert and nothing else
    (``POST /api/v1/_floor``, present only when ``CAFTA_BENCH_FLOOR=1``), with the same clients.

Prints medians and percentiles; the ratio (b)/(c) says how much of the server's capacity the
clearance work leaves. Record results in docs/performance.md with the command.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ITEMS = [
    ("0810.60.00", "Fresh durian", "TH", "18000", "612000.00"),
    ("4001.21.00", "Smoked sheets of natural rubber", "TH", "20000", "160000.00"),
    ("0713.31.90", "Mung beans, dried", "MM", "25000", "171000.00"),
    ("8507.60.00.30", "Lithium-ion cells for electric vehicles", "VN", "2000", "350000.00"),
    ("1511.10.00", "Crude palm oil", "MY", "20000", "150000.00"),
]


def declaration(n: int) -> dict[str, Any]:
    return {
        "type": "import", "office": "CNYYG",
        "declarant": {"name": "Pingxiang Border Brokers Co.", "country": "CN"},
        "importer": {"name": f"Guangxi Importer {n % 50:02d} Co.", "country": "CN"},
        "exporter": {"name": "ASEAN Exporter Co.", "country": "VN"},
        "transport": {"mode": "road", "vehicle_plate": f"GX{n % 9000 + 1000}",
                      "container": "CSQU3054383"},
        "items": [
            {"line": line, "description": text, "origin": origin,
             "quantity": {"amount": kg, "unit": "kg"}, "net_mass": {"amount": kg, "unit": "kg"},
             "value": {"amount": value, "currency": "CNY"}, "incoterm": "CIF"}
            for line, text, origin, kg, value in ITEMS
        ],
    }  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process(count: int, root: Path) -> None:
    from cafta import bootstrap  # noqa: PLC0415
    from cafta.services.clearance import Lodge  # noqa: PLC0415
    from cafta.services.ports import Principal, Role  # noqa: PLC0415

    node = bootstrap.open_node(bootstrap.build(), f"sqlite:///{root / 'inproc.db'}",
                               upgrade=True, risk_seed=1)  # fmt: skip
    broker = Principal(Role.BROKER, "Pingxiang Border Brokers Co.")
    documents = [declaration(n) for n in range(count + 50)]
    for doc in documents[:50]:  # warm the caches (nomenclature, rates, schedule memo)
        node.clearance.lodge(Lodge(doc, broker))
    latencies: dict[str, list[float]] = {}
    start = time.perf_counter()
    for doc in documents[50:]:
        t0 = time.perf_counter()
        lodged = node.clearance.lodge(Lodge(doc, broker)).declaration
        lane = lodged.lane.lane.value if lodged.lane else "none"
        latencies.setdefault(lane, []).append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - start
    node.close()
    every = [v for values in latencies.values() for v in values]
    lanes = {k: len(v) for k, v in latencies.items()}
    print(f"(a) in process: {count:,} declarations of 5 items in {elapsed:.1f} s = "
          f"{count / elapsed:,.0f}/s; lanes {lanes}")  # fmt: skip
    for lane, values in sorted(latencies.items()):
        print(f"    {lane:<6} p50 {statistics.median(values):6.2f} ms  p99 "
              f"{percentile(values, 0.99):6.2f} ms  (n={len(values)})")  # fmt: skip
    print(
        f"    all    p50 {statistics.median(every):6.2f} ms  p99 {percentile(every, 0.99):6.2f} ms"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(root: Path, workers: int) -> tuple[subprocess.Popen[bytes], str, str]:
    port = free_port()
    env = {
        **os.environ, "CAFTA_DATABASE_URL": f"sqlite:///{root / 'http.db'}",
        "CAFTA_HOME": str(root / "home"), "CAFTA_BENCH_FLOOR": "1", "OMP_NUM_THREADS": "1",
    }  # fmt: skip
    cafta = str(Path(sys.executable).with_name("cafta"))
    token = subprocess.run([cafta, "tokens", "create", "--role", "broker", "--party",
                            "Pingxiang Border Brokers Co.", "--json"], env=env, check=True,
                           capture_output=True, text=True).stdout  # fmt: skip
    import json  # noqa: PLC0415

    command = [cafta, "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx  # noqa: PLC0415

    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    return server, base, json.loads(token)["token"]


def load(base: str, token: str, path: str, bodies: list[dict[str, Any]], clients: int) -> None:
    import httpx  # noqa: PLC0415

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    work = list(enumerate(bodies))

    def client() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=30) as http:  # fmt: skip
            while True:
                with lock:
                    if not work:
                        return
                    n, body = work.pop()
                t0 = time.perf_counter()
                response = http.post(path, json=body, headers={"Idempotency-Key": f"k{n}"})
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status_code] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    rate = len(bodies) / elapsed
    print(f"    {path:<24} {rate:8,.0f}/s  p50 {statistics.median(latencies):6.1f} ms  "
          f"p99 {percentile(latencies, 0.99):6.1f} ms  statuses {dict(statuses)}")  # fmt: skip


def over_http(count: int, clients: int, workers: int, root: Path) -> None:
    server, base, token = start_server(root, workers)
    try:
        bodies = [declaration(n) for n in range(count)]
        print(f"(b)/(c) over HTTP: cafta serve --workers {workers}, {clients} clients, "
              f"{count:,} requests each")  # fmt: skip
        load(base, token, "/api/v1/_floor", [{"n": n} for n in range(count)], clients)
        load(base, token, "/api/v1/declarations", bodies, clients)
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--declarations", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    random.seed(1)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["CAFTA_HOME"] = str(root / "home")
        in_process(args.declarations, root)
        if not args.skip_http:
            over_http(args.declarations, args.clients, args.workers, root)
    _ = copy  # kept for readers who vary the declarations


if __name__ == "__main__":
    main()
