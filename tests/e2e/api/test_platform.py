"""What every route shares: health, the OpenAPI document, the offline docs UI, authentication,
and problem details for unknown routes, wrong methods and unexpected failures."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Router, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.api.auth import BearerAuthentication, only
from cafta.api.context import STATE_KEY, ApiContext
from cafta.api.docs_ui import as_openapi_30
from cafta.api.errors import http_error_handler
from cafta.services.ports import Role
from cafta.services.tokens import InMemoryTokenStore, issue_token

Problem = Callable[..., dict[str, Any]]
DUTY = {
    "line": "0810.60",
    "origin": "TH",
    "destination": "CN",
    "value": {"amount": "100000", "currency": "USD"},
}


def test_health_needs_no_token(client: TestClient[Litestar]) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_openapi_document_lists_every_route(client: TestClient[Litestar]) -> None:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/healthz",
        "/api/v1/hs/search",
        "/api/v1/tariff/{line}",
        "/api/v1/duty",
        "/api/v1/origin/assessments",
        "/api/v1/certificates/verifications",
        "/api/v1/declarations",
        "/api/v1/declarations/{declaration_id}",
        "/api/v1/declarations/{declaration_id}/decisions",
        "/api/v1/declarations/{declaration_id}/amendments",
        "/api/v1/declarations/{declaration_id}/cancellation",
        "/api/v1/representations",
        "/api/v1/representations/{representation_id}",
        "/api/v1/representations/{representation_id}/revocation",
    }
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from 'cafta tokens create' (cafta_...).",
    }
    duty = document["paths"]["/api/v1/duty"]["post"]
    assert duty["security"] == [{"bearer": []}]
    body = duty["requestBody"]["content"]["application/json"]["schema"]
    assert body["allOf"] == [{"$ref": "#/components/schemas/DutyBody"}]
    assert body["examples"][0]["proofs"] == ["form-e"]
    bad = duty["responses"]["400"]["content"]
    assert bad == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    amount = document["components"]["schemas"]["Money"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"]


def test_the_docs_ui_is_served_offline(client: TestClient[Litestar]) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "SwaggerUIBundle" in html and "/docs/openapi.json" in html
    assert not re.search(r"(src|href)=\"https?://", html), "the page loads from another host"
    assert "http://" not in html and "https://" not in html
    for asset in re.findall(r"(?:src|href)=\"(/docs/assets/[^\"]+)\"", html):
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 100
    assert (
        client.get("/docs/assets/swagger-ui-bundle.js")
        .headers["content-type"]
        .startswith(("application/javascript", "text/javascript"))
    )


def test_the_docs_ui_reads_the_document_as_openapi_30(client: TestClient[Litestar]) -> None:
    viewed = client.get("/docs/openapi.json").json()
    assert viewed["openapi"] == "3.0.3"
    assert set(viewed["paths"]) == set(client.get("/schema/openapi.json").json()["paths"])
    text = str(viewed)
    assert "'null'" not in text, "3.0 has no null type"
    on = next(p for p in viewed["paths"]["/api/v1/tariff/{line}"]["get"]["parameters"]
              if p["name"] == "on")  # fmt: skip
    assert on["schema"]["nullable"] is True and on["schema"]["format"] == "date"


def test_openapi_30_keeps_property_names_and_refs() -> None:
    converted = as_openapi_30({
        "openapi": "3.1.0",
        "webhooks": {},
        "components": {"schemas": {"X": {"type": "object", "properties": {
            "const": {"type": "string"},
            "type": {"oneOf": [{"$ref": "#/components/schemas/Y"}, {"type": "null"}]},
            "n": {"type": ["integer", "null"], "examples": [1, 2]},
        }}}},
    })  # fmt: skip
    props = converted["components"]["schemas"]["X"]["properties"]
    assert props["const"] == {"type": "string"}
    assert props["type"] == {"allOf": [{"$ref": "#/components/schemas/Y"}], "nullable": True}
    assert props["n"] == {"type": "integer", "nullable": True, "example": 1}
    assert "webhooks" not in converted and converted["openapi"] == "3.0.3"


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, None),
        ({"Authorization": "Bearer cafta_not-a-token"}, "invalid_token"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "invalid_request"),
        ({"Authorization": "Bearer "}, "invalid_request"),
    ],
)
def test_a_missing_or_bad_token_is_401_with_a_challenge(
    client: TestClient[Litestar],
    expect_problem: Problem,
    headers: dict[str, str],
    error: str | None,
) -> None:
    response = client.get("/api/v1/hs/search", params={"q": "durian"}, headers=headers)
    expect_problem(response, 401, "auth.unauthenticated")
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="cafta"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)


@pytest.mark.parametrize("role", list(Role))
def test_the_engines_are_open_to_every_role(
    client: TestClient[Litestar], tokens: InMemoryTokenStore, role: Role
) -> None:
    token = issue_token(tokens, role, "CNQIN", datetime.now(UTC))
    response = client.get(
        "/api/v1/hs/search",
        params={"q": "durian", "limit": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text


def test_a_role_a_route_does_not_admit_is_403(
    services: bootstrap.Services, expect_problem: Problem
) -> None:
    tokens = InMemoryTokenStore()
    at = datetime.now(UTC)
    officer, trader = (issue_token(tokens, r, "CNQIN", at) for r in (Role.OFFICER, Role.TRADER))

    @get("/inspections", sync_to_thread=False)
    def inspections() -> dict[str, str]:
        return {"ok": "yes"}

    router = Router(
        path="/api/v1",
        route_handlers=[inspections],
        middleware=[DefineMiddleware(BearerAuthentication)],
        opt=only(Role.OFFICER),
    )
    context = ApiContext(services=services, tokens=tokens)
    app = Litestar(
        [router],
        state=State({STATE_KEY: context}),
        exception_handlers={HTTPException: http_error_handler},
        logging_config=None,
    )
    with TestClient(app) as client:
        allowed = client.get("/api/v1/inspections", headers={"Authorization": f"Bearer {officer}"})
        assert allowed.json() == {"ok": "yes"}
        refused = client.get("/api/v1/inspections", headers={"Authorization": f"Bearer {trader}"})
    body = expect_problem(refused, 403, "auth.forbidden")
    assert "trader role" in body["detail"] and "officer" in body["detail"]


def test_unknown_route_is_404_and_wrong_method_405(
    client: TestClient[Litestar], auth: dict[str, str], expect_problem: Problem
) -> None:
    expect_problem(client.get("/api/v1/nothing-here", headers=auth), 404, "http.not_found")
    expect_problem(client.get("/nothing"), 404, "http.not_found")
    wrong = client.delete("/api/v1/duty", headers=auth)
    body = expect_problem(wrong, 405, "http.method_not_allowed")
    assert "POST" in wrong.headers["allow"] and "POST" in body["detail"]
    expect_problem(client.post("/healthz"), 405, "http.method_not_allowed")


class _BrokenRates:
    def rate(self, base: str, quote: str, on: date) -> Any:
        raise RuntimeError("the rate feed is down")


def test_an_unexpected_failure_is_a_500_with_an_error_id_and_a_logged_traceback(
    services: bootstrap.Services,
    tokens: InMemoryTokenStore,
    auth: dict[str, str],
    expect_problem: Problem,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = dataclasses.replace(services, rates=_BrokenRates())
    with (
        TestClient(create_app(broken, tokens=tokens)) as client,
        caplog.at_level(logging.ERROR, logger="cafta.api"),
    ):
        response = client.post("/api/v1/duty", headers=auth, json=DUTY)
    body = expect_problem(response, 500, "internal.unexpected")
    assert body["error_id"] in body["detail"]
    assert "rate feed" not in body["detail"], "internals stay in the log"
    (record,) = caplog.records
    assert body["error_id"] in record.getMessage()
    assert record.exc_info is not None and "rate feed is down" in str(record.exc_info[1])


def test_a_server_configuration_problem_is_503(
    services: bootstrap.Services,
    tokens: InMemoryTokenStore,
    auth: dict[str, str],
    expect_problem: Problem,
    example: Callable[[str], Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = dataclasses.replace(services.settings, psr_file=tmp_path / "missing-psr.csv")
    misconfigured = dataclasses.replace(services, settings=settings, _rulebook=None)
    with (
        TestClient(create_app(misconfigured, tokens=tokens)) as client,
        caplog.at_level(logging.ERROR, logger="cafta.api"),
    ):
        response = client.post(
            "/api/v1/origin/assessments", headers=auth, json=example("bom-battery-pack.json")
        )
    body = expect_problem(response, 503, "config.file_not_found")
    assert body["error_id"] in body["detail"]
    assert "missing-psr" not in body["detail"], "file names stay in the log"
    (record,) = caplog.records
    assert "CAFTA_PSR_FILE" in record.getMessage() and body["error_id"] in record.getMessage()
