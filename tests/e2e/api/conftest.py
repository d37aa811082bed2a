"""The API in-process: one application for the session, a trader's token, a Form E trust list.

The clock stands at 2026-06-01 (Asia/Shanghai), so an omitted date is that day.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Signer
from cafta.api.app import create_app
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.services.ports import Role
from cafta.services.tokens import InMemoryTokenStore, issue_token

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
DURIAN_DUTY: dict[str, Any] = {
    "line": "0810.60",
    "origin": "TH",
    "destination": "CN",
    "value": {"amount": "100000", "currency": "CNY"},
    "on": "2026-06-01",
}
"""A duty request the engine answers (fresh durian from Thailand, no Form E): modules that send
it copy it (``{**DURIAN_DUTY, ...}``) rather than change it."""
BATTERY_BOM: dict[str, Any] = json.loads(
    (EXAMPLES / "bom-battery-pack.json").read_text(encoding="utf-8")
)
"""An origin assessment request (docs/examples): read, never changed."""
VERIFICATION_REQUEST: dict[str, Any] = {
    "certificate": "header.payload.signature",
    "declaration": {
        "importer": {"name": "Guangxi Fresh Fruit Trading Co."},
        "items": [
            {
                "line": "0713.31",
                "description": "black gram",
                "quantity": {"amount": "20000", "unit": "kg"},
                "preference": {"scheme": "ACFTA", "certificate": "E2026MM-1"},
            }
        ],
    },
    "on": "2026-03-10",
}
"""A Form E verification request whose certificate is not a signed one (the answer says so):
read, never changed."""


ProblemCheck = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("cafta-home"))


@pytest.fixture(scope="session")
def services(settings: Settings) -> bootstrap.Services:
    return bootstrap.build(settings, clock=FixedClock(NOW))


@pytest.fixture(scope="module")
def node(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services
) -> Iterator[bootstrap.Node]:
    """A module's own node on a new SQLite database (lane draws seeded). A module that needs
    more of its node (trusted keys, say) defines its own ``node``."""
    database = tmp_path_factory.mktemp("node") / "cafta.db"
    opened = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=11)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def signer() -> Ed25519Signer:
    """Myanmar's issuing authority's key (a throw-away one)."""
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
def auth(trader_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {trader_token}"}


@pytest.fixture(scope="session")
def app(services: bootstrap.Services, tokens: InMemoryTokenStore, trust: TrustList) -> Litestar:
    return create_app(services, tokens=tokens, trust=lambda: trust)


@pytest.fixture(scope="session")
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def example() -> Callable[[str], Any]:
    """A document of docs/examples, parsed."""

    def load(name: str) -> Any:
        return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))

    return load


def _expect_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://cafta.example/problems/{body['code']}"
    assert body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture(scope="session")
def expect_problem() -> ProblemCheck:
    """``expect_problem(response, status, code=None)``: the response is problem details with
    this status (and code); returns its body."""
    return _expect_problem
