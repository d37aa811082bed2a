"""Benchmark: declarations cleared per second, in process and over HTTP, with the floor.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/clearance.py [--declarations N] [--clients C]
[--seconds S] [--rounds R] [--generator auto|wrk|python] [--workers W [W ...]] [--postgres URL
[--pg-workers W]] [--pin-cpus] [--baseline-src DIR] [--skip-http]``.
Writes nothing outside a temporary directory (and, with ``--postgres``, a schema of its own that
is dropped at the end). Three measurements, side by side in one run:

(a) in process: ``Clearance.lodge`` of 5-item declarations (durian, rubber, mung beans, Li-ion
    cells, crude palm oil; no Form E) into a fresh SQLite node, one after the other: latency
    percentiles (p50, p99) of the whole pipeline (validate, price 5 items, risk, lane, commit)
    and the throughput;
(b) over HTTP: ``cafta serve`` started as a subprocess on a fresh database, C concurrent
    connections posting the same kind of declarations (``POST /api/v1/declarations``), each
    with its own ``Idempotency-Key``: every request is a new declaration through the whole
    pipeline and its own committed transaction (an answer other than 201 is counted and shown);
(c) the floor: the same server's bare endpoint that authenticates, does one durable insert and
    nothing else (``POST /api/v1/_floor``, present only when ``CAFTA_BENCH_FLOOR=1``), with the
    same generator and connections.

(b) and (c) alternate for R rounds on the same server and the medians are reported, with the
server's CPU time per request (read from ``/proc`` for the server and its worker processes).
The load generator is ``wrk`` (C, event-driven, little CPU) when it is installed
(``apt-get install wrk``), driven by a Lua script written here that gives every request its own
key and body; otherwise C Python client threads (httpx), which take a share of the same CPUs.
The output says which one ran. A configuration's rows are counted after its server stops, to
show that every acknowledged request was stored.

Configurations: SQLite with ``--workers`` processes (default 1; several counts, e.g.
``--workers 1 2``, measure one SQLite server each, side by side) and, with ``--postgres URL``
(e.g. ``postgresql://postgres@127.0.0.1:5432/test``), PostgreSQL with ``--pg-workers`` (default
2) in a schema ``cafta_bench_<random>`` created for the run and dropped after it.
``--pin-cpus`` also runs every HTTP configuration with ``cafta serve --pin-cpus`` (each worker
process bound to a CPU of its own). ``--baseline-src DIR`` also runs every HTTP configuration
with the server imported from another source tree (e.g. ``git archive HEAD src | tar -x -C
/tmp/base``), alternating with this one; the baseline must know ``--pin-cpus`` to be pinned.

Prints medians and percentiles; the ratio (b)/(c) says how much of the server's capacity the
clearance work leaves. Record results in docs/performance.md with the command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ITEMS = [
    ("0810.60.00", "Fresh durian", "TH", "18000", "612000.00"),
    ("4001.21.00", "Smoked sheets of natural rubber", "TH", "20000", "160000.00"),
    ("0713.31.90", "Mung beans, dried", "MM", "25000", "171000.00"),
    ("8507.60.00.30", "Lithium-ion cells for electric vehicles", "VN", "2000", "350000.00"),
    ("1511.10.00", "Crude palm oil", "MY", "20000", "150000.00"),
]
BROKER = "Pingxiang Border Brokers Co."
IMPORTERS = [f"Guangxi Importer {n:02d} Co." for n in range(50)]
"""The importers the declarations name (``n % 50``); each has given the broker its authority."""

# Run with the server's code (``PYTHONPATH``): a version before the register of representations
# (an older baseline) lets brokers declare for anyone, and has nothing to grant.
_GRANT = """
import sys
try:
    from cafta.clearance.representation import Representation
except ImportError:
    sys.exit(0)
from cafta import bootstrap
from cafta.services.ports import Principal, Role
url, broker, *importers = sys.argv[1:]
node = bootstrap.open_node(bootstrap.build(), url)
try:
    for importer in importers:
        node.representations.grant(Principal(Role.ADMIN, "bench"), broker, importer=importer)
finally:
    node.close()
"""


def grant_authorities(url: str, env: dict[str, str]) -> None:
    """Record each importer's authority for the broker in the database at ``url``."""
    subprocess.run([sys.executable, "-c", _GRANT, url, BROKER, *IMPORTERS], env=env, check=True,
                   capture_output=True)  # fmt: skip


FLOOR, DECLARATIONS = "/api/v1/_floor", "/api/v1/declarations"


def declaration(n: int, importer: str | None = None, plate: str | None = None) -> dict[str, Any]:
    return {
        "type": "import", "office": "CNYYG",
        "declarant": {"name": BROKER, "country": "CN"},
        "importer": {"name": importer or IMPORTERS[n % 50], "country": "CN"},
        "exporter": {"name": "ASEAN Exporter Co.", "country": "VN"},
        "transport": {"mode": "road", "vehicle_plate": plate or f"GX{n % 9000 + 1000}",
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


# --- (a) in process ---------------------------------------------------------------------------


def in_process(count: int, root: Path) -> None:
    from cafta import bootstrap  # noqa: PLC0415
    from cafta.services.clearance import Lodge  # noqa: PLC0415
    from cafta.services.ports import Principal, Role  # noqa: PLC0415

    node = bootstrap.open_node(bootstrap.build(), f"sqlite:///{root / 'inproc.db'}",
                               upgrade=True, risk_seed=1)  # fmt: skip
    broker = Principal(Role.BROKER, BROKER)
    register = getattr(node, "representations", None)  # None: a version before the register
    for importer in IMPORTERS if register is not None else ():
        register.grant(Principal(Role.ADMIN, "bench"), BROKER, importer=importer)
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


# --- the server -------------------------------------------------------------------------------


@dataclass
class Config:
    label: str
    workers: int
    database: str  # "sqlite" or a PostgreSQL server URL
    source: str | None = None  # PYTHONPATH of another source tree (--baseline-src)
    pin: bool = False  # cafta serve --pin-cpus


@dataclass
class Run:
    rate: float
    p50: float
    p99: float
    cpu_ms: float | None
    requests: int
    statuses: dict[str, int]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    token: str
    url: str
    acknowledged: Counter[str] = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cafta() -> str:
    return str(Path(sys.executable).with_name("cafta"))


def _pg_url(server_url: str, schema: str) -> str:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    url = make_url(server_url)
    options = f"{url.query.get('options', '')} -csearch_path={schema}".strip()
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _pg_schema(server_url: str, schema: str, create: bool) -> None:
    import psycopg  # noqa: PLC0415

    from cafta.adapters.storage.engine import parse_database_url  # noqa: PLC0415

    plain = parse_database_url(server_url).set(drivername="postgresql")
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as db:
        if create:
            db.execute(f'CREATE SCHEMA "{schema}"')
        else:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def start_server(config: Config, root: Path) -> Server:
    port = free_port()
    if config.database == "sqlite":
        url = f"sqlite:///{root / 'http.db'}"
    else:
        url = _pg_url(config.database, root.name)
    env = {
        **os.environ, "CAFTA_DATABASE_URL": url, "CAFTA_HOME": str(root / "home"),
        "CAFTA_BENCH_FLOOR": "1", "OMP_NUM_THREADS": "1",
    }  # fmt: skip
    if config.source:
        env["PYTHONPATH"] = config.source
    if config.pin:  # the servers run at once: each keeps its own account of the CPUs it holds
        env["CAFTA_CPU_LOCK_DIR"] = str(root / "cpu-locks")
    subprocess.run([_cafta(), "db", "upgrade"], env=env, check=True, capture_output=True)
    grant_authorities(url, env)
    token = subprocess.run([_cafta(), "tokens", "create", "--role", "broker", "--party", BROKER,
                            "--json"], env=env, check=True, capture_output=True,
                           text=True).stdout  # fmt: skip
    command = [_cafta(), "serve", "--port", str(port), "--workers", str(config.workers)]
    if config.pin:
        command.append("--pin-cpus")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx  # noqa: PLC0415

    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    return Server(process, base, port, json.loads(token)["token"], url)


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of the server and its worker processes (Linux only)."""
    if not Path(f"/proc/{pid}/stat").exists():
        return None
    ticks = 0
    for process in _descendants(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# --- load generators --------------------------------------------------------------------------

_LUA = """
local threads, tid, counter = {}, 0, 0
function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
  table.insert(threads, thread)
end
function init(args)
  token, path, run, statuses = args[1], args[2], args[3], {}
end
request = function()
  counter = counter + 1
  local n = counter * 64 + tid
  local body
  if path == "%(floor)s" then
    body = '{"n": ' .. n .. '}'
  else
    body = %(before_importer)s .. string.format("%%02d", n %% 50) .. %(between)s
      .. (n %% 9000 + 1000) .. %(after_plate)s
  end
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. counter}, body)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, '"' .. status .. '": ' .. n) end
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%.6f, "p50_ms": %%.3f, '
    .. '"p99_ms": %%.3f, "errors": %%d, "statuses": {%%s}}\\n', summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, table.concat(parts, ", ")))
end
"""


def _lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def wrk_script(root: Path) -> Path:
    """The Lua script: a body like :func:`declaration` with the importer and plate varied."""
    text = json.dumps(declaration(0, importer="Guangxi Importer @@ Co.", plate="GX@@"))
    before_importer, between, after_plate = text.split("@@")
    script = root / "declarations.lua"
    script.write_text(_LUA % {
        "floor": FLOOR, "before_importer": _lua_string(before_importer),
        "between": _lua_string(between), "after_plate": _lua_string(after_plate),
    })  # fmt: skip
    return script


def with_wrk(server: Server, path: str, clients: int, seconds: float, script: Path) -> Run:
    run_id = secrets.token_hex(4)
    cpu0 = server_cpu_seconds(server.process.pid)
    out = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s",
                          "-s", str(script), server.base, "--", server.token, path, run_id],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    cpu1 = server_cpu_seconds(server.process.pid)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    statuses = {str(k): int(v) for k, v in result["statuses"].items()}
    if result["errors"]:
        statuses["socket errors"] = int(result["errors"])
    n = int(result["requests"])
    cpu = None if cpu0 is None or cpu1 is None or not n else (cpu1 - cpu0) / n * 1000
    return Run(n / result["seconds"], result["p50_ms"], result["p99_ms"], cpu, n, statuses)


def with_python(server: Server, path: str, clients: int, count: int) -> Run:
    import httpx  # noqa: PLC0415

    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    run_id = secrets.token_hex(4)
    if path == FLOOR:
        work = [(n, {"n": n}) for n in range(count)]
    else:
        work = [(n, declaration(n)) for n in range(count)]

    def client() -> None:
        with httpx.Client(base_url=server.base, timeout=30,
                          headers={"Authorization": f"Bearer {server.token}"}) as http:  # fmt: skip
            while True:
                with lock:
                    if not work:
                        return
                    n, body = work.pop()
                t0 = time.perf_counter()
                response = http.post(path, json=body, headers={"Idempotency-Key": f"{run_id}-{n}"})
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[str(response.status_code)] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu0 = server_cpu_seconds(server.process.pid)
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    cpu1 = server_cpu_seconds(server.process.pid)
    cpu = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / count * 1000
    return Run(count / elapsed, statistics.median(latencies), percentile(latencies, 0.99), cpu,
               count, dict(statuses))  # fmt: skip


# --- (b) and (c) over HTTP --------------------------------------------------------------------


def _stored(url: str) -> tuple[int, int]:
    """Declarations and floor rows in the database (read after the server stopped)."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from cafta.adapters.storage.engine import create_engine_for  # noqa: PLC0415
    from cafta.adapters.storage.tables import declarations, outbox  # noqa: PLC0415

    engine = create_engine_for(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as db:
            stored = db.execute(select(func.count()).select_from(declarations)).scalar_one()
            floor = db.execute(
                select(func.count()).select_from(outbox).where(outbox.c.topic == "bench.floor")
            ).scalar_one()
    finally:
        engine.dispose()
    return int(stored), int(floor)


def _summary(runs: list[Run]) -> str:
    cpu = [r.cpu_ms for r in runs if r.cpu_ms is not None]
    statuses: Counter[str] = Counter()
    for r in runs:
        statuses.update(r.statuses)
    rate = statistics.median(r.rate for r in runs)
    p50 = statistics.median(r.p50 for r in runs)
    p99 = statistics.median(r.p99 for r in runs)
    cpu_text = f"server CPU {statistics.median(cpu):5.2f} ms/request  " if cpu else ""
    times = f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
    return f"{rate:7,.0f}/s  {times}  {cpu_text}statuses {dict(statuses)}"


@dataclass
class Measured:
    config: Config
    folder: Path
    server: Server | None = None
    runs: dict[str, list[Run]] = field(default_factory=lambda: {FLOOR: [], DECLARATIONS: []})


def over_http(configs: list[Config], args: argparse.Namespace, generator: str,
              root: Path) -> None:  # fmt: skip
    script = wrk_script(root) if generator == "wrk" else None
    per_run = (f"{args.seconds:g} s per run" if generator == "wrk"
               else f"{args.declarations:,} requests per run")  # fmt: skip
    print(f"(b)/(c) over HTTP: generator {generator} ({args.clients} connections, {per_run}, "
          f"{args.rounds} rounds, each configuration in turn, floor then declarations; "
          "medians)")  # fmt: skip

    def measure(server: Server, path: str, seconds: float, count: int) -> Run:
        if script is not None:
            return with_wrk(server, path, args.clients, seconds, script)
        return with_python(server, path, args.clients, count)

    measured = [Measured(c, root / f"cafta_bench_{secrets.token_hex(4)}") for c in configs]
    try:
        for m in measured:  # every server up first, so the rounds can alternate between them
            m.folder.mkdir()
            if m.config.database != "sqlite":
                _pg_schema(m.config.database, m.folder.name, create=True)
            m.server = start_server(m.config, m.folder)
            warm = measure(m.server, DECLARATIONS, 2, 100)  # warm up: caches, connections
            m.server.acknowledged[DECLARATIONS] += warm.statuses.get("201", 0)
        for _ in range(args.rounds):
            for m in measured:
                assert m.server is not None
                for path in (FLOOR, DECLARATIONS):
                    run = measure(m.server, path, args.seconds, args.declarations)
                    m.runs[path].append(run)
                    m.server.acknowledged[path] += run.statuses.get("201", 0)
        for m in measured:
            assert m.server is not None
            m.server.process.send_signal(signal.SIGTERM)
            m.server.process.wait(timeout=60)
            floor, declared = m.runs[FLOOR], m.runs[DECLARATIONS]
            ratio = (statistics.median(r.rate for r in declared)
                     / statistics.median(r.rate for r in floor))  # fmt: skip
            stored, floor_rows = _stored(m.server.url)
            print(f"  {m.config.label}")
            print(f"    (c) {FLOOR:<22} {_summary(floor)}")
            print(f"    (b) {DECLARATIONS:<22} {_summary(declared)}")
            # A run's last requests may be stored with their answer unread (wrk stops), so
            # stored >= acknowledged; fewer would be a lost acknowledged request.
            acknowledged = m.server.acknowledged
            lost = max(0, acknowledged[DECLARATIONS] - stored) + max(
                0, acknowledged[FLOOR] - floor_rows
            )
            print(f"    (b)/(c) = {ratio:.2f};  stored: {stored:,} declarations for "
                  f"{acknowledged[DECLARATIONS]:,} acknowledged (201, warm-up included), "
                  f"{floor_rows:,} floor rows for {acknowledged[FLOOR]:,}: "
                  f"{f'{lost} LOST' if lost else 'every acknowledged request stored'}")  # fmt: skip
    finally:
        for m in measured:
            if m.server is not None and m.server.process.poll() is None:
                m.server.process.kill()
                m.server.process.wait()
            if m.config.database != "sqlite" and m.folder.exists():
                _pg_schema(m.config.database, m.folder.name, create=False)


def _stop(signum: int, _frame: object) -> None:
    """SIGTERM as Ctrl-C is: the clean-up runs (servers stopped, PostgreSQL schemas dropped)."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--declarations", type=int, default=2000,
                        help="(a), and requests per run with the Python clients")  # fmt: skip
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=8, help="duration of a wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--workers", type=int, nargs="+", default=[1],
                        help="SQLite server processes (several: a server each)")  # fmt: skip
    parser.add_argument("--postgres", metavar="URL", help="also measure PostgreSQL at URL")
    parser.add_argument("--pg-workers", type=int, default=2)
    parser.add_argument("--baseline-src", metavar="DIR",
                        help="also run the server from this source tree (its src/)")  # fmt: skip
    parser.add_argument("--pin-cpus", action="store_true",
                        help="also run each HTTP configuration with --pin-cpus")  # fmt: skip
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-in-process", action="store_true")
    args = parser.parse_args()
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk), use --generator python")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d')}")  # fmt: skip
    configs = [Config(f"SQLite (WAL), cafta serve --workers {workers}", workers, "sqlite")
               for workers in args.workers]  # fmt: skip
    if args.postgres:
        configs.append(Config(f"PostgreSQL, cafta serve --workers {args.pg_workers}",
                              args.pg_workers, args.postgres))  # fmt: skip
    if args.pin_cpus:
        configs = [c for config in configs for c in (config, Config(
            f"{config.label} --pin-cpus", config.workers, config.database, pin=True))]  # fmt: skip
    if args.baseline_src:
        source = str(Path(args.baseline_src).resolve())
        configs = [c for config in configs for c in (
            Config(f"{config.label} [baseline: {source}]", config.workers, config.database,
                   source, config.pin), config)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["CAFTA_HOME"] = str(root / "home")
        if not args.skip_in_process:
            in_process(args.declarations, root)
        if not args.skip_http:
            over_http(configs, args, generator, root)


if __name__ == "__main__":
    main()
