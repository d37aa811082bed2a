"""The portal in-process, mounted on the API as ``cafta serve`` mounts it.

One application for the session (a trader's token, a Form E trust list, the clock at 2026-06-01
in Asia/Shanghai); each test gets its own client, so cookies (language, CSRF, sign-in) never leak
from one test to the next. :class:`Page` parses a response's HTML with the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Signer
from cafta.api.app import create_app
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.services.ports import Role
from cafta.services.tokens import InMemoryTokenStore, issue_token
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
SECRET = b"portal-tests-secret-0123456789abcdef"

Element = tuple[str, dict[str, str]]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "title":
            self._in_title = True
        if tag in ("script", "style", "datalist", "select"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in ("script", "style", "datalist", "select"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not self._skip:
            self.text.append(data)


@dataclass
class Page:
    """A parsed HTML page: its elements with their attributes, its visible text, its title."""

    html: str
    elements: list[Element] = field(default_factory=list)
    text: str = ""
    title: str = ""

    @classmethod
    def of(cls, html: str) -> Page:
        collector = _Collector()
        collector.feed(html)
        collector.close()
        text = " ".join(" ".join(collector.text).split())
        return cls(html, collector.elements, text, " ".join(collector.title.split()))

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def lang(self) -> str:
        return self.all("html")[0].get("lang", "")

    def csrf(self) -> str:
        return self.all("input", name="csrf_token")[0]["value"]


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> bootstrap.Services:
    settings = Settings(home=tmp_path_factory.mktemp("cafta-home"))
    return bootstrap.build(settings, clock=FixedClock(NOW))


@pytest.fixture(scope="session")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate()


@pytest.fixture(scope="session")
def trust(signer: Ed25519Signer) -> TrustList:
    authority = IssuingAuthority("MM-MOC", "MM", "Ministry of Commerce of Myanmar")
    return TrustList((authority,), (TrustedKey(authority, signer.public_key),), party="CN")


@pytest.fixture(scope="session")
def tokens() -> InMemoryTokenStore:
    return InMemoryTokenStore()


@pytest.fixture(scope="session")
def trader_token(tokens: InMemoryTokenStore) -> str:
    return issue_token(tokens, Role.TRADER, "Qingdao Harvest Foods", NOW)


@pytest.fixture(scope="session")
def app(services: bootstrap.Services, tokens: InMemoryTokenStore, trust: TrustList) -> Litestar:
    portal = portal_router(
        services, tokens=tokens, trust=lambda: trust, settings=PortalSettings(secret=SECRET)
    )
    return create_app(services, tokens=tokens, trust=lambda: trust, extra_routes=[portal])


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def example() -> Callable[[str], Any]:
    """A document of docs/examples, parsed."""

    def load(name: str) -> Any:
        return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def certificate(signer: Ed25519Signer, example: Callable[[str], Any]) -> tuple[str, str]:
    """The black gram Form E of docs/examples, signed: (reference, compact JWS)."""
    form, envelope = issue(example("form-e-request.json"), signer)
    return form.reference, envelope


@pytest.fixture(scope="session")
def page() -> Callable[[Any], Page]:
    """``page(response)``: the response's HTML, parsed (it must be an HTML page)."""

    def parse(response: Any) -> Page:
        assert response.headers["content-type"].startswith("text/html"), response.text[:300]
        return Page.of(response.text)

    return parse


@pytest.fixture(scope="session")
def form_token() -> Callable[[TestClient[Litestar], str], str]:
    """``form_token(client, path)``: the CSRF field of the page at ``path`` (which also sets the
    client's CSRF cookie)."""

    def fetch(client: TestClient[Litestar], path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, response.text[:300]
        return Page.of(response.text).csrf()

    return fetch
