"""The portal in a real browser: ``cafta serve`` in its own process, Chromium driven by Playwright.

The server runs on a free port of 127.0.0.1 over a SQLite database seeded as ``make run`` seeds
it (``cafta demo seed``). Chromium is the system's (Debian's ``chromium`` package, or the path in
``CAFTA_CHROMIUM``); Playwright never downloads a browser. Without Chromium or Playwright the
tests are skipped with a message saying what to install.

Every page a test opens is watched: a console error, an uncaught page error or a request to
anything but the test server fails the test when it ends.

With ``CAFTA_SCREENSHOTS=DIR`` the tests write screenshots of the main pages into ``DIR``
(``make screenshots`` writes ``docs/screenshots``, the pictures the README shows).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CAFTA_CHROMIUM", "/usr/bin/chromium"))
CAFTA = shutil.which("cafta", path=str(Path(sys.executable).parent))
SECRET = "browser-tests-secret-0123456789abcdef"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    pytest.skip(
        "Playwright for Python is not installed: pip install -e '.[dev]'",
        allow_module_level=True,
    )
if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's chromium package "
        "(apt-get install chromium) or set CAFTA_CHROMIUM to run the browser tests",
        allow_module_level=True,
    )
if CAFTA is None:  # pragma: no cover - the editable install makes it
    pytest.skip("the cafta console script is not installed", allow_module_level=True)


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    tokens: dict[str, str]
    """``{"trader": token, "officer": ..., "analyst": ...}``."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cafta serve stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("cafta serve did not answer /healthz within 60 s")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``cafta serve`` on a seeded database, for the whole session."""
    from cafta import bootstrap  # noqa: PLC0415
    from cafta.cli.demo_seed import seed_node  # noqa: PLC0415
    from cafta.config import Settings  # noqa: PLC0415

    home = tmp_path_factory.mktemp("browser")
    database = f"sqlite:///{home / 'cafta.db'}"
    env = {
        **os.environ,
        "CAFTA_HOME": str(home),
        "CAFTA_DATABASE_URL": database,
        "CAFTA_SECRET": SECRET,
        "OMP_NUM_THREADS": "1",
    }
    services = bootstrap.build(Settings.from_env(env))
    node = bootstrap.open_node(services, database, upgrade=True)
    try:
        report = seed_node(node, services, seed=2026)
    finally:
        node.close()
    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [CAFTA, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, {name: token for name, (_, _, token) in report.tokens.items()})
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@dataclass
class Watch:
    """What a page did that a test must not let pass: console errors and foreign requests."""

    origin: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: int = 0
    refusals: list[str] = field(default_factory=list)
    """Paths a test sends invalid input to on purpose: the form comes back with status 400,
    which Chromium logs as a failed resource; nothing else may."""

    def expect_refusal(self, path: str) -> None:
        self.refusals.append(path)

    def console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        refused = message.text.startswith("Failed to load resource: the server responded with")
        if refused and urlsplit(where).path in self.refusals:
            self.refusals.remove(urlsplit(where).path)
            return
        self.errors.append(f"console: {message.text} ({where})")

    def page_error(self, error: Any) -> None:
        self.errors.append(f"page error: {error}")

    def request(self, request: Any) -> None:
        self.requests += 1
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != "127.0.0.1" or f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)


@pytest.fixture
def watch(server: Server) -> Watch:
    return Watch(server.url)


@pytest.fixture
def page(browser: Browser, server: Server, watch: Watch) -> Iterator[Page]:
    """A fresh browser context (no cookies) in English, on a laptop-sized window."""
    context = browser.new_context(
        base_url=server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.on("console", watch.console)
    tab.on("pageerror", watch.page_error)
    tab.on("request", watch.request)
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert not watch.errors, watch.errors
    assert not watch.foreign, f"requests left 127.0.0.1: {watch.foreign}"
    assert not watch.refusals, f"expected refusals that did not happen: {watch.refusals}"
    assert watch.requests > 0


def sign_in(page: Page, token: str) -> None:
    page.goto("/signin")
    page.fill("#f-token", token)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_url("**/")


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot into ``$CAFTA_SCREENSHOTS/NAME.png`` when that is set."""
    folder = os.environ.get("CAFTA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
