"""Benchmark: how long the portal takes to answer its two heaviest pages, on the server side.

Run: ``.venv/bin/python bench/portal.py [--requests N] [--lang en|zh|vi]``. Writes nothing
outside a temporary directory. The portal is mounted on the API as ``cafta serve`` mounts it and
driven in process through Litestar's ``TestClient`` (no network, no browser). The server's time
is taken around the application itself, from the request's arrival to its last byte: routing,
reading the form and its CSRF check, the engine, the template, the headers. The round trip
through the test client (its thread hand-offs, cookie jar and HTTP model) is printed beside it.
For each page, after a warm-up, N requests one after the other; prints the median (p50), p95 and
maximum:

* the duty page: ``GET /tariff`` for 100,000 CNY of durians from Thailand into China (MFN and
  ACFTA side by side, the working, the saving);
* the origin page: ``POST /origin`` with the battery pack typed into the form's rows (the
  evidence report and the form again, with its country lists);
* the origin page from a file: ``POST /origin/upload`` with ``docs/examples/bom-battery-pack.json``;
* the HS search: ``GET /hs?q=durian``;
* the dashboard: ``GET /dashboard`` as the analyst, on a node database seeded by the demo seeder
  (``cafta demo seed``: one synthetic day, ``--days`` for more), the last seven days at every
  office: counted on every view (``CAFTA_DASHBOARD_REFRESH=0``) with the chart cache emptied
  before each request (every chart drawn again by ``vl-convert``, its runtime already started),
  then counted on every view with the charts in the cache, then as served by default, with the
  figures kept for the minute (what every view but the first of each minute costs). The first
  request of a fresh process, which also starts the rendering runtime unless the warm-up thread
  has finished, is printed on its own.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.cli.demo_seed import seed_node
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.services.tokens import InMemoryTokenStore
from cafta.web import charts
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

ROOT = Path(__file__).resolve().parents[1]
DURIAN = {
    "line": "0810.60",
    "origin": "TH",
    "destination": "CN",
    "value": "100000",
    "currency": "CNY",
    "on": "2026-06-01",
}
BATTERY_PACK = {
    "exporting_party": "VN",
    "importing_party": "CN",
    "product_line": "8507.60",
    "product_description": "Li-ion battery pack",
    "fob": "1000.00",
    "currency": "USD",
    "on": "2026-06-01",
    "m-0-description": "cells",
    "m-0-line": "8507.90",
    "m-0-origin": "KR",
    "m-0-value": "300.00",
    "action": "assess",
}


class _Token(HTMLParser):
    value = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == "csrf_token":
            self.value = found.get("value") or ""


class _Stopwatch:
    """Wraps the application's ASGI handler and keeps how long the last request took."""

    def __init__(self, app: Litestar) -> None:
        self.last = 0.0
        self._inner: ASGIApp = app.asgi_handler
        app.asgi_handler = self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        await self._inner(scope, receive, send)
        self.last = time.perf_counter() - start


def _services(home: Path) -> bootstrap.Services:
    return bootstrap.build(
        Settings(home=home), clock=FixedClock(datetime(2026, 6, 1, 2, tzinfo=UTC))
    )


def _app(home: Path) -> Litestar:
    services = _services(home)
    tokens = InMemoryTokenStore()
    portal = portal_router(services, tokens=tokens, settings=PortalSettings())
    return create_app(services, tokens=tokens, extra_routes=[portal])


def _node_apps(home: Path, days: int) -> tuple[Litestar, Litestar, str, int]:
    """The portal over a node seeded with ``days`` synthetic days, twice: counting the
    figures on every view (``CAFTA_DASHBOARD_REFRESH=0``) and keeping them for the minute (the
    default); the analyst's token, the number of declarations."""
    services = _services(home)
    node = bootstrap.open_node(services, f"sqlite:///{home / 'node.db'}", upgrade=True)
    report = seed_node(node, services, days=days, seed=2026)
    tokens = StoredTokens(node.engine)
    apps = []
    for refresh in (timedelta(0), timedelta(minutes=1)):
        settings = PortalSettings(dashboard_refresh=refresh)
        portal = portal_router(services, tokens=tokens, trust=node.trust,
                               settings=settings, clearance=node.clearance)  # fmt: skip
        apps.append(create_app(services, tokens=tokens, trust=node.trust,
                               clearance=node.clearance, extra_routes=[portal]))  # fmt: skip
    return apps[0], apps[1], report.tokens["analyst"][2], report.declarations


def _summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return f"p50 {statistics.median(times):6.2f}  p95 {p95:6.2f}  max {times[-1]:6.2f} ms"


def _timed(label: str, n: int, watch: _Stopwatch, call: Callable[[], int]) -> None:
    for _ in range(max(10, n // 20)):  # warm-up: templates compiled, data loaded, memos filled
        assert call() == 200
    server, trip = [], []
    for _ in range(n):
        start = time.perf_counter()
        status = call()
        trip.append((time.perf_counter() - start) * 1000)
        server.append(watch.last * 1000)
        assert status == 200
    print(f"{label:<34} server {_summary(server)}   round trip {_summary(trip)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--lang", choices=("en", "zh", "vi"), default="en")
    parser.add_argument("--days", type=int, default=1, help="synthetic days for the dashboard")
    args = parser.parse_args()
    bom = (ROOT / "docs" / "examples" / "bom-battery-pack.json").read_bytes()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {args.requests} requests "
        f"per page, one at a time, in process (TestClient), language {args.lang}"
    )
    with tempfile.TemporaryDirectory() as home:
        app = _app(Path(home))
        watch = _Stopwatch(app)
        _run(TestClient(app), watch, args.requests, args.lang, bom)
        home_node = Path(home) / "node"
        home_node.mkdir()
        counting, keeping, token, count = _node_apps(home_node, args.days)
        print(f"dashboard over {count} synthetic declarations ({args.days} day(s), demo seed)")
        _dashboard(TestClient(counting), _Stopwatch(counting), args.requests, args.lang, token)
        with TestClient(keeping) as client:
            client.cookies.set("lang", args.lang)
            client.cookies.set("cafta_token", token)
            watch = _Stopwatch(keeping)

            def kept() -> int:
                return client.get("/dashboard").status_code

            _timed("dashboard, figures kept (minute)", args.requests, watch, kept)


def _dashboard(client: TestClient[Litestar], watch: _Stopwatch, n: int, lang: str,
               token: str) -> None:  # fmt: skip
    with client:
        client.cookies.set("lang", lang)
        client.cookies.set("cafta_token", token)

        def warm() -> int:
            return client.get("/dashboard").status_code

        def cold() -> int:
            charts.CACHE.clear()
            return warm()

        assert cold() == 200  # at once: the warm-up thread may not have started the runtime
        print(f"{'dashboard, first request':<34} server {watch.last * 1000:6.2f} ms")
        _timed("dashboard, counted, charts drawn", n, watch, cold)
        _timed("dashboard, counted, charts cached", n, watch, warm)


def _run(client: TestClient[Litestar], watch: _Stopwatch, n: int, lang: str, bom: bytes) -> None:
    with client:
        client.cookies.set("lang", lang)
        parser_ = _Token()
        parser_.feed(client.get("/origin").text)
        token = parser_.value

        def duty() -> int:
            return client.get("/tariff", params=DURIAN).status_code

        def origin_rows() -> int:
            data = {**BATTERY_PACK, "csrf_token": token}
            return client.post("/origin", data=data).status_code

        def origin_file() -> int:
            files = {"bom_file": ("bom-battery-pack.json", bom, "application/json")}
            return client.post(
                "/origin/upload", data={"csrf_token": token}, files=files
            ).status_code

        def search() -> int:
            return client.get("/hs", params={"q": "durian"}).status_code

        _timed("duty page (GET /tariff)", n, watch, duty)
        _timed("origin page, rows (POST /origin)", n, watch, origin_rows)
        _timed("origin page, file (POST /upload)", n, watch, origin_file)
        _timed("HS search (GET /hs?q=durian)", n, watch, search)


if __name__ == "__main__":
    main()
