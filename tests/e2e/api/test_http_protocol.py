"""HTTP as RFC 9110 and ``docs/api.md`` have it, on every route: ``HEAD`` answered as ``GET``
without the body, a single-valued query parameter given once, bodies sent as JSON and no
larger than the server reads, and problem details for what ``/schema`` does not serve."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from tests.e2e.api.conftest import DURIAN_DUTY, NOW, ProblemCheck

from cafta import bootstrap
from cafta.api.app import create_app
from cafta.api.bodies import MAX_BODY_BYTES
from cafta.certificates.trust import TrustList
from cafta.services.ports import Role
from cafta.services.tokens import InMemoryTokenStore, issue_token

ROOT = Path(__file__).resolve().parents[3]
DURIAN = json.loads(
    (ROOT / "examples" / "declarations" / "durian-youyiguan.json").read_text(encoding="utf-8")
)
LIST = "/api/v1/declarations"
REGISTER = "/api/v1/representations"

Client = TestClient[Litestar]
Headers = dict[str, str]


@pytest.fixture(scope="module")
def api(
    services: bootstrap.Services,
    tokens: InMemoryTokenStore,
    trust: TrustList,
    node: bootstrap.Node,
) -> Iterator[Client]:
    app = create_app(services, tokens=tokens, trust=lambda: trust, clearance=node.clearance,
                     representations=node.representations)  # fmt: skip
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def admin(tokens: InMemoryTokenStore) -> Headers:
    return {"Authorization": f"Bearer {issue_token(tokens, Role.ADMIN, 'Operations', NOW)}"}


@pytest.fixture(scope="module")
def officer(tokens: InMemoryTokenStore) -> Headers:
    token = issue_token(tokens, Role.OFFICER, "Officer Li (CNYYG)", NOW)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def lodged(api: Client, admin: Headers) -> str:
    """A declaration of the durian example, held for documents (its Form E was never
    received)."""
    response = api.post(LIST, json=DURIAN, headers=admin)
    assert response.status_code == 201, response.text
    declaration_id: str = response.json()["id"]
    return declaration_id


@pytest.fixture(scope="module")
def granted(api: Client, admin: Headers) -> str:
    """A representation: the durian example's broker may declare for its importer."""
    body = {"broker": "Pingxiang Border Brokers Co.", "importer": "Guangxi Fresh Fruit Trading Co."}
    response = api.post(REGISTER, json=body, headers=admin)
    assert response.status_code == 201, response.text
    representation_id: str = response.json()["id"]
    return representation_id


@pytest.fixture(scope="module")
def paths(api: Client) -> dict[str, Any]:
    document: dict[str, Any] = api.get("/schema/openapi.json").json()["paths"]
    return document


def _version(api: Client, admin: Headers, declaration_id: str) -> int:
    version: int = api.get(f"{LIST}/{declaration_id}", headers=admin).json()["version"]
    return version


# --- HEAD -------------------------------------------------------------------------------------


def _get_urls(lodged: str, granted: str) -> dict[str, list[str]]:
    """For each GET operation of the document, URLs answered 200 and answered with a problem."""
    return {
        "/healthz": ["/healthz"],
        "/api/v1/hs/search": ["/api/v1/hs/search?q=durian&limit=3", "/api/v1/hs/search?limit=0"],
        "/api/v1/tariff/{line}": [
            "/api/v1/tariff/0810.60?origin=TH&destination=CN&on=2026-06-01",
            "/api/v1/tariff/0810.99?origin=TH&destination=CN",
        ],
        LIST: [f"{LIST}?status=held_for_documents&office=CNYYG", f"{LIST}?lane=amber"],
        "/api/v1/declarations/{declaration_id}": [
            f"{LIST}/{lodged}",
            f"{LIST}/CD20260601-0000000000",
        ],
        REGISTER: [
            f"{REGISTER}?broker=pingxiang+border+brokers+co.",
            f"{REGISTER}?include_revoked=2",
        ],
        "/api/v1/representations/{representation_id}": [
            f"{REGISTER}/{granted}",
            f"{REGISTER}/rep_000000000000",
        ],
    }


def test_every_get_route_answers_head_with_the_status_and_headers_of_get(
    api: Client, admin: Headers, lodged: str, granted: str, paths: dict[str, Any]
) -> None:
    urls = _get_urls(lodged, granted)
    assert {p for p, item in paths.items() if "get" in item} == set(urls)
    for url in [u for each in urls.values() for u in each]:
        for headers in ({}, admin):  # without a token: the API's 401 (and the health's 200)
            got = api.get(url, headers=headers)
            head = api.head(url, headers=headers)
            assert head.status_code == got.status_code, (url, head.status_code, got.text)
            assert dict(head.headers) == dict(got.headers), url
            assert head.content == b"", url
    probe = api.head("/healthz")
    assert (probe.status_code, probe.headers["content-type"]) == (200, "application/json")
    assert probe.headers["content-length"] == str(len(api.get("/healthz").content))
    etag = api.head(f"{LIST}/{lodged}", headers=admin)
    assert etag.headers["etag"] == '"1"'
    refused = api.head(LIST)
    assert refused.status_code == 401 and "Bearer" in refused.headers["www-authenticate"]


@pytest.mark.parametrize("url", ["/schema/openapi.json", "/docs", "/docs/openapi.json"])
def test_the_document_and_the_docs_answer_head(api: Client, url: str) -> None:
    head = api.head(url)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == api.get(url).headers["content-type"]


def test_head_on_a_route_without_get_is_405_and_allow_lists_head_beside_get(
    api: Client, admin: Headers, expect_problem: ProblemCheck
) -> None:
    head = api.head("/api/v1/duty", headers=admin)
    assert (head.status_code, head.content) == (405, b"")
    assert head.headers["allow"] == "OPTIONS, POST"
    wrong = api.post("/healthz")
    expect_problem(wrong, 405, "http.method_not_allowed")
    assert wrong.headers["allow"] == "GET, HEAD, OPTIONS"
    assert api.options("/healthz").headers["allow"] == "GET, HEAD, OPTIONS"
    assert api.options(LIST).headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert api.options("/api/v1/duty").headers["allow"] == "OPTIONS, POST"


def test_the_openapi_document_lists_get_only(paths: dict[str, Any]) -> None:
    assert all("head" not in item for item in paths.values())


# --- a query parameter given twice ------------------------------------------------------------

SAMPLES = {
    "q": "durian",
    "limit": "5",
    "offset": "0",
    "origin": "TH",
    "destination": "CN",
    "on": "2026-06-01",
    "status": "held_for_documents",
    "lane": "yellow",
    "office": "CNYYG",
    "importer": "Guangxi Fresh Fruit Trading Co.",
    "broker": "Pingxiang Border Brokers Co.",
    "include_revoked": "true",
}
"""A valid value of each query parameter of the API."""


def test_the_officers_queue_refuses_a_status_given_twice(
    api: Client, officer: Headers, lodged: str, expect_problem: ProblemCheck
) -> None:
    url = f"{LIST}?status=held_for_documents&status=held_for_inspection"
    body = expect_problem(api.get(url, headers=officer), 400, "request.invalid")
    (error,) = body["errors"]
    assert error["field"] == "status"
    assert error["message"].startswith("give status once"), error
    assert "given 2 times" in error["message"]
    assert body["detail"].startswith("The request is not valid: status: give status once")
    # Each once, the queue answers.
    assert api.get(f"{LIST}?status=held_for_documents", headers=officer).json()["total"] >= 1


def test_every_single_valued_query_parameter_given_twice_is_a_400_naming_it(
    api: Client, admin: Headers, paths: dict[str, Any], expect_problem: ProblemCheck
) -> None:
    seen = set()
    for path, item in paths.items():
        operation = item.get("get")
        if operation is None:
            continue
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        where = path.replace("{line}", "0810.60")
        once = [(p["name"], SAMPLES[p["name"]]) for p in query]
        if once:
            assert api.get(f"{where}?{urlencode(once)}", headers=admin).status_code == 200
        for name, value in once:
            seen.add(name)
            twice = urlencode([*once, (name, value)])
            body = expect_problem(api.get(f"{where}?{twice}", headers=admin), 400)
            assert body["errors"] == [
                {
                    "field": name,
                    "message": f"give {name} once: it was given 2 times, and this route reads "
                    "a single value",
                }
            ], (path, body)
    assert seen == set(SAMPLES)  # a new parameter gets a sample above


def test_each_repeated_parameter_is_named_in_the_order_given(
    api: Client, admin: Headers, expect_problem: ProblemCheck
) -> None:
    url = f"{LIST}?offset=0&lane=red&offset=1&lane=red&limit=5&lane=blue"
    body = expect_problem(api.get(url, headers=admin), 400, "request.invalid")
    assert [(e["field"], e["message"].split(":")[0]) for e in body["errors"]] == [
        ("offset", "give offset once"),
        ("lane", "give lane once"),
    ]
    assert "3 times" in body["errors"][1]["message"]


def test_a_parameter_the_route_does_not_know_may_be_repeated(api: Client, admin: Headers) -> None:
    response = api.get("/api/v1/hs/search?q=durian&page=1&page=2", headers=admin)
    assert response.status_code == 200, response.text


NOT_DIGITS = ["1e2", "1E1", "10.0", "1.5", "+5", "007", " 5", "5 ", "0x10", "1_0", "٣", ""]
"""Whole numbers not written in plain digits: msgspec's lax reading took the first three (1e2
was 100) and refused the rest."""


def test_every_whole_number_query_parameter_is_plain_digits(
    api: Client, admin: Headers, paths: dict[str, Any], expect_problem: ProblemCheck
) -> None:
    seen = set()
    for path, item in paths.items():
        operation = item.get("get")
        if operation is None:
            continue
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        where = path.replace("{line}", "0810.60")
        once = {p["name"]: SAMPLES[p["name"]] for p in query}
        for parameter in query:
            if parameter["schema"].get("type") != "integer":
                continue
            name = parameter["name"]
            seen.add((path, name))
            assert api.get(f"{where}?{urlencode({**once, name: '10'})}",
                           headers=admin).status_code == 200  # fmt: skip
            for text in NOT_DIGITS:
                response = api.get(f"{where}?{urlencode({**once, name: text})}", headers=admin)
                body = expect_problem(response, 400, "request.invalid")
                assert body["errors"] == [
                    {"field": name, "message": "must be a whole number written in digits, e.g. 50"}
                ], (path, text, body)
            # A negative number is digits, and its bound says what is wrong with it.
            response = api.get(f"{where}?{urlencode({**once, name: '-1'})}", headers=admin)
            body = expect_problem(response, 400, "request.invalid")
            assert body["errors"][0]["message"].startswith("must be a whole number of at least")
    assert {("/api/v1/hs/search", "limit"), ("/api/v1/declarations", "limit"),
            ("/api/v1/declarations", "offset")} <= seen  # fmt: skip


# --- bodies: JSON, and no larger than the server reads ---------------------------------------


def _body_routes(
    paths: dict[str, Any], lodged: str, granted: str = "rep_000000000000"
) -> list[tuple[str, bytes, str]]:
    """Each operation with a request body: its URL, a body it accepts, and the role to send."""
    bodies = {
        "/api/v1/duty": DURIAN_DUTY,
        "/api/v1/origin/assessments": json.loads(
            (ROOT / "docs" / "examples" / "bom-battery-pack.json").read_text(encoding="utf-8")
        ),
        "/api/v1/certificates/verifications": {"certificate": "a.b.c"},
        LIST: DURIAN,
        "/api/v1/declarations/{declaration_id}/decisions": {"action": "request_documents"},
        "/api/v1/declarations/{declaration_id}/amendments": DURIAN,
        "/api/v1/declarations/{declaration_id}/cancellation": {"note": "withdrawn"},
        REGISTER: {"broker": "Dongxing Brokers", "importer": "Guangxi Fresh Fruit Trading Co."},
        "/api/v1/representations/{representation_id}/revocation": {},
    }
    with_body = {p for p, item in paths.items() if "requestBody" in item.get("post", {})}
    assert with_body == set(bodies)
    return [
        (
            path.replace("{declaration_id}", lodged).replace("{representation_id}", granted),
            json.dumps(body).encode(),
            "officer" if path.endswith("/decisions") else "admin",
        )
        for path, body in bodies.items()
    ]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "text/json",
        "application/+json",
        "application/jsonp",
        "",
    ],
)
def test_a_body_not_sent_as_json_is_415_on_every_route_and_changes_nothing(
    api: Client,
    admin: Headers,
    officer: Headers,
    lodged: str,
    paths: dict[str, Any],
    expect_problem: ProblemCheck,
    content_type: str,
) -> None:
    roles = {"admin": admin, "officer": officer}
    lodgings = api.get(LIST, headers=admin).json()["total"]
    for url, body, role in _body_routes(paths, lodged):
        headers = {**roles[role], "Content-Type": content_type}
        refused = api.post(url, content=body, headers=headers)
        problem = expect_problem(refused, 415, "request.unsupported_media_type")
        assert "Content-Type: application/json" in problem["detail"], problem
        sent = content_type.split(";", maxsplit=1)[0]
        assert (f"it came as {sent}" if sent else "was empty") in problem["detail"]
    assert api.get(LIST, headers=admin).json()["total"] == lodgings
    assert _version(api, admin, lodged) == 1


def test_curls_default_form_body_is_415(
    api: Client, admin: Headers, expect_problem: ProblemCheck
) -> None:
    form = api.post("/api/v1/duty", data={"line": "0810.60"}, headers=admin)
    body = expect_problem(form, 415, "request.unsupported_media_type")
    assert body["detail"] == (
        "The request body must be JSON: send it with 'Content-Type: application/json' (it came "
        "as application/x-www-form-urlencoded)."
    )


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "Application/JSON",
        "application/merge-patch+json",
        "application/vnd.cafta.duty+json; charset=utf-8",
        None,
    ],
)
def test_a_json_body_is_read_with_or_without_parameters_or_a_content_type(
    api: Client, admin: Headers, content_type: str | None
) -> None:
    headers = {**admin, **({"Content-Type": content_type} if content_type else {})}
    response = api.post("/api/v1/duty", content=json.dumps(DURIAN_DUTY).encode(), headers=headers)
    assert response.status_code == 200, response.text


def test_a_body_larger_than_the_server_reads_is_413_naming_the_limit(
    api: Client,
    admin: Headers,
    officer: Headers,
    lodged: str,
    paths: dict[str, Any],
    expect_problem: ProblemCheck,
) -> None:
    assert MAX_BODY_BYTES == 10_000_000
    roles = {"admin": admin, "officer": officer}
    too_large = b" " * (MAX_BODY_BYTES + 1)
    for url, _, role in _body_routes(paths, lodged):
        headers = {**roles[role], "Content-Type": "application/json"}
        body = expect_problem(api.post(url, content=too_large, headers=headers), 413)
        assert body["code"] == "request.too_large"
        assert body["detail"].startswith(
            "The request body is larger than the 10 MB this server accepts"
        ), body
        assert body["details"] == {"max_bytes": MAX_BODY_BYTES}
    twenty = expect_problem(
        api.post("/api/v1/duty", content=b"{" * (20 * 1024 * 1024), headers=admin), 413
    )
    assert "10 MB" in twenty["detail"]
    assert _version(api, admin, lodged) == 1


def test_every_body_route_documents_413_and_415(paths: dict[str, Any]) -> None:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in paths.values():
        operation = item.get("post", {})
        if "requestBody" in operation:
            for status in ("413", "415"):
                assert operation["responses"][status]["content"] == problem, operation


def test_the_error_table_of_the_docs_lists_413_and_415() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for status, code in (("413", "request.too_large"), ("415", "request.unsupported_media_type")):
        (row,) = [line for line in text.splitlines() if line.startswith(f"| {status} |")]
        assert f"`{code}`" in row


# --- /schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/schema/swagger", "/schema/redoc", "/schema/rapidoc", "/schema/elements",
     "/schema/nope", "/schema/nope.json", "/schema/oauth2-redirect.html", "/schema/a/b"],
)  # fmt: skip
def test_a_path_the_schema_does_not_serve_is_a_404_problem(
    api: Client, expect_problem: ProblemCheck, path: str
) -> None:
    body = expect_problem(api.get(path), 404, "http.not_found")
    assert path in body["detail"]


def test_the_document_and_the_offline_docs_are_still_served(api: Client) -> None:
    document = api.get("/schema/openapi.json")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("application/")
    assert document.json()["openapi"].startswith("3.1")
    page = api.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert api.get("/docs/openapi.json").json()["openapi"] == "3.0.3"


# --- the idempotent replay's headers ----------------------------------------------------------


def test_the_replays_200_declares_the_headers_it_sends(
    api: Client, admin: Headers, paths: dict[str, Any]
) -> None:
    lodge = paths[LIST]["post"]["responses"]
    replay = lodge["200"]["headers"]
    assert list(replay) == ["ETag", "Idempotent-Replayed", "Location"]
    assert replay["ETag"] == lodge["201"]["headers"]["ETag"]
    assert replay["Location"] == lodge["201"]["headers"]["Location"]
    assert replay["Idempotent-Replayed"]["schema"] == {"type": "string", "enum": ["true"]}
    assert replay["Idempotent-Replayed"]["required"] is True
    headers = {**admin, "Idempotency-Key": "replay-headers-1"}
    first = api.post(LIST, json=DURIAN, headers=headers)
    again = api.post(LIST, json=DURIAN, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["location"] == first.headers["location"]
