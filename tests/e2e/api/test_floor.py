"""The benchmark's floor (``POST /api/v1/_floor``, only with ``floor=``): one durable insert,
the body read as a declaration's is, and nothing where it is not enabled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from tests.e2e.api.conftest import NOW, ProblemCheck

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.services.tokens import InMemoryTokenStore

FLOOR = "/api/v1/_floor"


@pytest.fixture(scope="module")
def floor_client(
    services: bootstrap.Services, tokens: InMemoryTokenStore, node: bootstrap.Node
) -> Iterator[TestClient[Litestar]]:
    with TestClient(create_app(services, tokens=tokens, floor=node.uow)) as test_client:
        yield test_client


def test_the_floor_stores_one_row_per_request(
    floor_client: TestClient[Litestar], auth: dict[str, str], node: bootstrap.Node
) -> None:
    for n in (7, "eight"):
        response = floor_client.post(FLOOR, json={"n": n}, headers=auth)
        assert response.status_code == 201, response.text
        assert response.json() == {"stored": str(n)}
    with node.uow() as uow:
        stored = uow.outbox.claim(10, NOW, NOW + timedelta(seconds=1))
    assert [(m.topic, m.key, dict(m.payload)) for m in stored] == [
        ("bench.floor", "7", {"n": "7"}), ("bench.floor", "eight", {"n": "eight"})]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[" * 200 + b"]" * 200, "request.nested_too_deeply"),
        (b'{"n": 1, "x": ' + b"[" * 970 + b"]" * 970 + b"}", "request.nested_too_deeply"),
        (b'{"n": [1]}', "request.invalid"),
        (b'{"n": 1, "extra": 2}', "request.invalid"),
        (b'{"n": ', "request.malformed_json"),
    ],
    ids=["deep", "deep member", "not a number", "unknown member", "malformed"],
)
def test_the_floor_refuses_what_a_declaration_refuses(
    floor_client: TestClient[Litestar],
    auth: dict[str, str],
    expect_problem: ProblemCheck,
    body: bytes,
    code: str,
) -> None:
    headers = {**auth, "Content-Type": "application/json"}
    expect_problem(floor_client.post(FLOOR, content=body, headers=headers), 400, code)


def test_the_floor_needs_a_token_and_is_absent_unless_enabled(
    floor_client: TestClient[Litestar], client: TestClient[Litestar], auth: dict[str, str]
) -> None:
    assert floor_client.post(FLOOR, json={"n": 1}).status_code == 401
    assert client.post(FLOOR, json={"n": 1}, headers=auth).status_code == 404
    assert FLOOR not in client.get("/schema/openapi.json").text


def test_every_api_route_runs_its_work_in_the_api_pool(
    services: bootstrap.Services, tokens: InMemoryTokenStore, node: bootstrap.Node
) -> None:
    """A handler written as a plain function would run in Litestar's own thread pool, beside
    the API's bounded one (:class:`~cafta.api.workers.WorkerThreads`): every route under
    ``/api``, the floor's included, is a coroutine that hops to the API's pool itself."""
    app = create_app(services, tokens=tokens, floor=node.uow)
    handlers = [
        (route.path, handler.handler_name)
        for route in app.routes
        if route.path.startswith("/api/")
        for handler in getattr(route, "route_handlers", ())
        if handler.has_sync_callable and handler.http_methods != {"OPTIONS"}  # Litestar's own
    ]
    assert len([r for r in app.routes if r.path.startswith("/api/")]) >= 10
    assert handlers == []
