"""A body nested more than :data:`~cafta.api.bodies.MAX_DEPTH` levels deep is refused before it
is decoded: 400 ``request.nested_too_deeply`` on every route that reads a JSON body, however deep.

Decoding a body nested about a thousand levels deep reached Python's recursion limit, at a depth
that depended on the caller's stack, and was answered 500 ``internal.unexpected``. Brackets in
strings do not count, and a body nested to the limit is read as any other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from tests.e2e.api.conftest import BATTERY_BOM, DURIAN_DUTY, VERIFICATION_REQUEST

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api import bodies
from cafta.api.app import create_app
from cafta.api.bodies import MAX_DEPTH
from cafta.services.ports import Role
from cafta.services.tokens import issue_token

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
IMPORTER = "Guangxi Fresh Fruit Trading Co."

Client = TestClient[Litestar]
Headers = dict[str, str]

CODE = "request.nested_too_deeply"
MESSAGE = (
    "The request body is nested too deeply: its arrays and objects may be nested at most 64 "
    "levels deep"
)
TOO_DEEP = {
    "type": f"https://cafta.example/problems/{CODE}",
    "title": "Bad Request",
    "status": 400,
    "detail": f"{MESSAGE}. Send the document the API describes (see /docs): none needs more "
    "than a few levels.",
    "code": CODE,
    "errors": [{"field": None, "message": MESSAGE}],
    "details": {"max_depth": 64},
}

# --- the routes -------------------------------------------------------------------------------

DURIAN: dict[str, Any] = json.loads(
    (ROOT / "examples" / "declarations" / "durian-youyiguan.json").read_text(encoding="utf-8")
)
DUTY = DURIAN_DUTY

ROUTES: dict[str, tuple[str, Role, dict[str, Any]]] = {
    "duty": ("/api/v1/duty", Role.TRADER, DUTY),
    "origin": ("/api/v1/origin/assessments", Role.TRADER, BATTERY_BOM),
    "verification": ("/api/v1/certificates/verifications", Role.TRADER, VERIFICATION_REQUEST),
    "lodging": ("/api/v1/declarations", Role.TRADER, DURIAN),
    "decision": ("/api/v1/declarations/{id}/decisions", Role.OFFICER, {"action": "release"}),
    "amendment": ("/api/v1/declarations/{id}/amendments", Role.TRADER, DURIAN),
    "cancellation": ("/api/v1/declarations/{id}/cancellation", Role.TRADER, {"note": "sold"}),
}
"""Every route that reads a JSON body: its path, the role it is sent with, a document it reads."""
REGISTER = {
    "/api/v1/representations": "/api/v1/representations",
    "/api/v1/representations/{representation_id}/revocation":
        "/api/v1/representations/rep_000000000000/revocation",
}  # fmt: skip
"""The register of representations' routes that read a body, and a URL of each: only the sweep
over every operation sends them a body (a grant that passed would be recorded once, then be a
409, so the other tests' comparisons do not hold for it)."""

STALE = '"99"'
"""The ``If-Match`` sent to every route: a body that passes the reading reaches the declaration's
routes and is refused there (409 ``declaration.version``), so the held declaration never
changes; the engines and the lodging ignore the header."""


@pytest.fixture(scope="module")
def client(services: bootstrap.Services, node: bootstrap.Node) -> Iterator[Client]:
    app = create_app(services, tokens=StoredTokens(node.engine), trust=node.trust,
                     clearance=node.clearance, representations=node.representations)  # fmt: skip
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def bearers(node: bootstrap.Node) -> dict[Role, Headers]:
    tokens = StoredTokens(node.engine)
    parties = {Role.TRADER: IMPORTER, Role.OFFICER: "Officer Li (CNYYG)"}
    return {role: {"Authorization": f"Bearer {issue_token(tokens, role, party, NOW)}"}
            for role, party in parties.items()}  # fmt: skip


@pytest.fixture(scope="module")
def held(client: Client, bearers: dict[Role, Headers]) -> str:
    """A declaration held for documents (its Form E cannot be verified): open to a decision, an
    amendment and a cancellation, which no body of these tests may make."""
    document = json.loads(json.dumps(DURIAN))
    document["items"][0]["preference"] = {"scheme": "ACFTA", "certificate": "E2026TH-7WACPJX52Z"}
    response = client.post("/api/v1/declarations", json=document, headers=bearers[Role.TRADER])
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "held_for_documents", response.text
    return str(response.json()["id"])


def _post(client: Client, bearers: dict[Role, Headers], held: str, route: str, body: bytes) -> Any:
    path, role, _ = ROUTES[route]
    headers = {**bearers[role], "Content-Type": "application/json", "If-Match": STALE}
    return client.post(path.format(id=held), content=body, headers=headers)


def _answer(response: Any) -> tuple[int, str, str]:
    return response.status_code, response.headers.get("content-type", ""), response.text


def _refused(response: Any) -> None:
    assert response.status_code == 400, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == TOO_DEEP


def _version(client: Client, bearers: dict[Role, Headers], held: str) -> int:
    response = client.get(f"/api/v1/declarations/{held}", headers=bearers[Role.TRADER])
    assert response.status_code == 200, response.text
    version: int = response.json()["version"]
    return version


# --- the bodies -------------------------------------------------------------------------------


def arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def mixed(depth: int) -> bytes:
    """Arrays and objects in turn, ``depth`` levels (an array outermost)."""
    pairs, odd = divmod(depth, 2)
    middle = b"[]" if odd else b"1"
    return b'[{"a":' * pairs + middle + b"}]" * pairs


def member(document: dict[str, Any], key: str, raw: bytes) -> bytes:
    """``document`` with its member ``key`` set to the JSON text ``raw`` (one level deeper)."""
    text = json.dumps({**document, key: "\x00"}).encode()
    return text.replace(b'"\\u0000"', raw)


SHAPES = {"arrays": arrays, "objects": objects, "mixed": mixed}
OVER = MAX_DEPTH + 1


def _deep_bodies(route: str) -> dict[str, bytes]:
    """Bodies nested more than the limit, in every way."""
    _, _, document = ROUTES[route]
    known = next(iter(document))
    bodies = {
        f"{shape}-{depth}": make(depth)
        for shape, make in SHAPES.items()
        for depth in (OVER, 100, 970, 1000, 5000, 100_000)
    }
    bodies |= {
        "unclosed arrays": b"[" * 5000,
        "unclosed objects": b'{"a":' * 5000,
        "an unknown member": member(document, "extra", arrays(OVER - 1)),
        "an unknown member, 100000": member(document, "extra", objects(100_000)),
        "a known member": member(document, known, mixed(5000)),
        # After a string ending with an escaped backslash: the string has ended.
        "after an escaped backslash": member(document, "extra",
                                             b'["\\\\", ' + arrays(OVER - 2) + b"]"),
        "after a string of brackets": b'["[[[[", "{{", ' + arrays(OVER - 1) + b"]",
        "after malformed JSON": b'{"a": 1, ' + arrays(5000),
    }  # fmt: skip
    return bodies


CASES = [(route, name) for route in ROUTES for name in _deep_bodies(route)]


@pytest.mark.parametrize(("route", "name"), CASES)
def test_a_body_nested_deeper_than_the_limit_is_refused(
    client: Client, bearers: dict[Role, Headers], held: str, route: str, name: str
) -> None:
    body = _deep_bodies(route)[name]
    _refused(_post(client, bearers, held, route, body))


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("shape", SHAPES)
def test_the_limit_is_exact(
    client: Client, bearers: dict[Role, Headers], held: str, route: str, shape: str
) -> None:
    make = SHAPES[shape]
    at_the_limit = _post(client, bearers, held, route, make(MAX_DEPTH))
    shallow = _post(client, bearers, held, route, make(2))
    assert _answer(at_the_limit) == _answer(shallow)  # read as any other body
    assert at_the_limit.status_code < 500
    _refused(_post(client, bearers, held, route, make(MAX_DEPTH + 1)))
    assert _version(client, bearers, held) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_a_document_with_a_member_nested_to_the_limit_is_read_as_any_other(
    client: Client, bearers: dict[Role, Headers], held: str, route: str
) -> None:
    _, _, document = ROUTES[route]
    flat = _post(client, bearers, held, route, member(document, "extra", b"1"))
    at_the_limit = _post(client, bearers, held, route, member(document, "extra", arrays(63)))
    assert flat.status_code < 500 and at_the_limit.status_code == flat.status_code
    if route != "lodging":  # two lodgings are two declarations
        assert at_the_limit.text == flat.text
    _refused(_post(client, bearers, held, route, member(document, "extra", arrays(64))))
    assert _version(client, bearers, held) == 1


LOOKALIKES = [
    "[" * 5000,
    "{" * 5000 + "[" * 5000,
    '"' + "[" * 5000,  # an escaped quote: still in the string
    '\\"[[[' * 2000,
    "\\" + "[" * 5000,  # an escaped backslash, then brackets still in the string
    "]" * 100 + "[" * 5000,
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("text", LOOKALIKES, ids=range(len(LOOKALIKES)))
def test_brackets_in_strings_do_not_count(
    client: Client, bearers: dict[Role, Headers], held: str, route: str, text: str
) -> None:
    _, _, document = ROUTES[route]
    looks_nested = {**document, "remark": text, "extra": [text, {text: text}]}
    plain = {**document, "remark": "n", "extra": ["n", {"n": "n"}]}
    answer = _post(client, bearers, held, route, json.dumps(looks_nested).encode())
    assert answer.status_code < 500
    assert answer.json().get("code") != CODE
    if route != "lodging":  # two lodgings are two declarations
        assert _answer(answer) == _answer(
            _post(client, bearers, held, route, json.dumps(plain).encode())
        )
    # The same opening brackets outside the strings are refused.
    outside = "".join(c for c in text if c in "[{").encode()
    _refused(_post(client, bearers, held, route, member(document, "extra", outside)))
    assert _version(client, bearers, held) == 1


def test_every_operation_with_a_request_body_refuses_a_deep_one(
    client: Client, bearers: dict[Role, Headers], held: str
) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    operations = [(path, method) for path, item in paths.items()
                  for method, operation in item.items() if "requestBody" in operation]  # fmt: skip
    assert {p for p, _ in operations} == {
        path.replace("{id}", "{declaration_id}") for path, _, _ in ROUTES.values()
    } | set(REGISTER)
    for path, method in operations:
        role = Role.OFFICER if path.endswith("/decisions") else Role.TRADER
        where = REGISTER.get(path) or path.replace("{declaration_id}", held)
        response = client.request(
            method.upper(), where, content=objects(5000), headers=bearers[role]
        )
        _refused(response)


@pytest.mark.parametrize("route", ["decision", "amendment", "cancellation"])
@pytest.mark.parametrize("if_match", [None, '"1"', "W/1", "*"])
def test_a_deep_body_is_refused_before_the_route_looks_at_if_match(
    client: Client, bearers: dict[Role, Headers], held: str, route: str, if_match: str | None
) -> None:
    path, role, _ = ROUTES[route]
    headers = {**bearers[role], **({"If-Match": if_match} if if_match else {})}
    _refused(client.post(path.format(id=held), content=arrays(5000), headers=headers))
    assert _version(client, bearers, held) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_the_token_and_the_role_are_checked_before_the_body(
    client: Client, bearers: dict[Role, Headers], held: str, route: str
) -> None:
    path, role, _ = ROUTES[route]
    where = path.format(id=held)
    nobody = client.post(where, content=arrays(5000))
    assert (nobody.status_code, nobody.json()["code"]) == (401, "auth.unauthenticated")
    if route in ("decision", "lodging", "amendment", "cancellation"):
        other = Role.TRADER if role is Role.OFFICER else Role.OFFICER
        forbidden = client.post(where, content=arrays(5000), headers=bearers[other])
        assert (forbidden.status_code, forbidden.json()["code"]) == (403, "auth.forbidden")
    _refused(client.post(where, content=arrays(5000), headers=bearers[role]))


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("shape", SHAPES)
def test_a_recursion_error_while_decoding_is_answered_as_a_body_too_deep(
    client: Client,
    bearers: dict[Role, Headers],
    held: str,
    route: str,
    shape: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a body the limit lets through still reach the recursion limit (the caller's stack
    already deep), it is answered as one nested too deeply, not 500."""
    monkeypatch.setattr(bodies, "nested_deeper_than", lambda body, limit=MAX_DEPTH: False)
    _refused(_post(client, bearers, held, route, SHAPES[shape](100_000)))
    assert _version(client, bearers, held) == 1
