"""The declaration pages over a node seeded by ``cafta demo seed``: a trader's own list, the
officers' queue and a decision from a declaration's page (CSRF-protected)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.cli.demo_seed import IMPORTERS, SeedReport, seed_node
from cafta.core.errors import Conflict
from cafta.services.ports import DeclarationFilter
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import SECRET, Page

Client = TestClient[Litestar]


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services
) -> Iterator[tuple[bootstrap.Node, SeedReport]]:
    database = tmp_path_factory.mktemp("demo") / "cafta.db"
    node = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=7)
    report = seed_node(node, services, seed=2026)
    yield node, report
    node.close()


@pytest.fixture(scope="module")
def seeded_app(services: bootstrap.Services, seeded: tuple[bootstrap.Node, SeedReport]) -> Litestar:
    node, _ = seeded
    tokens = StoredTokens(node.engine)
    settings = PortalSettings(secret=SECRET)
    portal = portal_router(
        services, tokens=tokens, trust=node.trust, settings=settings, clearance=node.clearance
    )
    return create_app(
        services, tokens=tokens, trust=node.trust, clearance=node.clearance, extra_routes=[portal]
    )


@pytest.fixture
def web(seeded_app: Litestar) -> Iterator[Client]:
    with TestClient(seeded_app) as test_client:
        yield test_client


def _sign_in(client: Client, token: str, form_token: Callable[[Client, str], str]) -> None:
    csrf = form_token(client, "/signin")
    response = client.post("/signin", data={"token": token, "next": "/", "csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:300]


def _ids(page: Page) -> set[str]:
    return {a["href"].rsplit("/", 1)[1] for a in page.all("a") if
            a.get("href", "").startswith("/declarations/")}  # fmt: skip


def test_the_seed_fills_a_day_with_every_lane(seeded: tuple[bootstrap.Node, SeedReport]) -> None:
    node, report = seeded
    assert 60 <= report.declarations <= 150
    assert {"green", "yellow", "red"} <= set(report.lanes)
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=1000))
    outcomes = {(r.document.get("preference") or {}).get("outcome") for r in records}
    assert {"accepted", "accepted_with_discrepancies"} <= outcomes
    assert {r.office for r in records} == {"CNYYG", "CNPXG"}
    assert all(r.document["filed"]["importer"]["name"].endswith("(demo)") for r in records)


def test_seeding_twice_is_refused(
    seeded: tuple[bootstrap.Node, SeedReport], services: bootstrap.Services
) -> None:
    with pytest.raises(Conflict, match="already has declarations"):
        seed_node(seeded[0], services)


def test_a_visitor_is_sent_to_sign_in(web: Client) -> None:
    response = web.get("/declarations", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/declarations"


def test_the_trader_sees_only_its_own_declarations(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    node, report = seeded
    _sign_in(web, report.tokens["trader"][2], form_token)
    listed = page(web.get("/declarations"))
    mine = _ids(listed)
    with node.uow(read_only=True) as uow:
        records = uow.declarations.list(DeclarationFilter(limit=1000))
    own = {r.id for r in records if r.document["filed"]["importer"]["name"] == IMPORTERS[0]}
    assert mine == own and mine
    other = next(r.id for r in records if r.id not in own)
    assert web.get(f"/declarations/{other}").status_code == 404
    detail = page(web.get(f"/declarations/{sorted(own)[0]}"))
    assert "Assessment" in detail.text and "Timeline" in detail.text
    assert not detail.all("input", name="csrf_token", type="hidden") or "Record" not in detail.text


def test_the_officer_releases_a_held_declaration(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport],
    page: Callable[[Any], Page], form_token: Callable[[Client, str], str],
) -> None:  # fmt: skip
    _, report = seeded
    _sign_in(web, report.tokens["officer"][2], form_token)
    queue = page(web.get("/declarations", params={"status": "held_for_documents"}))
    held = sorted(_ids(queue))[0]
    path = f"/declarations/{held}"
    detail = page(web.get(path))
    assert "Record the decision" in detail.text
    data = {"action": "release", "note": "ok (test)", "csrf_token": detail.csrf(),
            "version": detail.all("input", name="version")[0]["value"]}  # fmt: skip
    forged = web.post(f"{path}/decision", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert "held for documents" in page(web.get(path)).text
    response = web.post(f"{path}/decision", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == path
    after = page(web.get(path))
    assert "released" in after.text and "Record the decision" not in after.text
