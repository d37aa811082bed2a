"""The engine routes and the cancellation decode their body once (:class:`StrictBody`) and answer
a bad body exactly as they did when Litestar checked it and the handler decoded it again
(:func:`strict_body`): the same problems, before or after the route's own checks of the
headers, and the same OpenAPI request body.

Each route is set beside a reference handler that reads its body the old way (no DTO, then
:func:`strict_body`) at ``/reference/...`` in the same application; the answers to bodies the
reading refuses must be the same 400s. A few answers are also pinned as they are.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, Request, Router, post
from litestar.params import Body
from litestar.testing import TestClient
from tests.e2e.api.conftest import BATTERY_BOM, DURIAN_DUTY, VERIFICATION_REQUEST

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.api.bodies import strict_body
from cafta.api.declaration_schemas import CancellationBody
from cafta.api.declarations import DeclarationId, IfMatch, expected_version
from cafta.api.examples import (
    BOM_EXAMPLE,
    CANCELLATION_EXAMPLE,
    DUTY_EXAMPLE,
    VERIFICATION_EXAMPLE,
)
from cafta.api.schemas import BillOfMaterialsBody, DutyBody, VerificationBody
from cafta.services.ports import Role
from cafta.services.tokens import issue_token

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
IMPORTER = "Guangxi Fresh Fruit Trading Co."

AnyRequest = Request[Any, Any, Any]
Client = TestClient[Litestar]
Headers = dict[str, str]
Mutation = Callable[[Any], object]

# --- the reference: each body read as the routes read it before StrictBody --------------------


@post("/duty", status_code=200)
async def duty_twice(
    request: AnyRequest, data: Annotated[DutyBody, Body(examples=[DUTY_EXAMPLE])]
) -> Any:
    return msgspec.to_builtins(await strict_body(request, DutyBody))


@post("/origin/assessments", status_code=200)
async def origin_twice(
    request: AnyRequest, data: Annotated[BillOfMaterialsBody, Body(examples=[BOM_EXAMPLE])]
) -> Any:
    return msgspec.to_builtins(await strict_body(request, BillOfMaterialsBody))


@post("/certificates/verifications", status_code=200)
async def verify_twice(
    request: AnyRequest,
    data: Annotated[VerificationBody, Body(examples=[VERIFICATION_EXAMPLE])],
) -> Any:
    return msgspec.to_builtins(await strict_body(request, VerificationBody))


@post("/declarations/{declaration_id:str}/cancellation", status_code=200)
async def cancel_twice(
    request: AnyRequest,
    declaration_id: DeclarationId,
    data: Annotated[CancellationBody | None, Body(examples=[CANCELLATION_EXAMPLE])] = None,
    if_match: IfMatch = None,
) -> Any:
    expected_version(if_match)  # the route's own check, made before it read the body
    raw = (await request.body()).strip()
    body = (
        await strict_body(request, CancellationBody)
        if raw not in (b"", b"null")
        else CancellationBody()
    )
    return msgspec.to_builtins(body)


REFERENCE = Router("/reference", route_handlers=[duty_twice, origin_twice, verify_twice,
                                                 cancel_twice])  # fmt: skip


@pytest.fixture(scope="module")
def client(services: bootstrap.Services, node: bootstrap.Node) -> Iterator[Client]:
    app = create_app(services, tokens=StoredTokens(node.engine), trust=node.trust,
                     clearance=node.clearance, extra_routes=[REFERENCE])  # fmt: skip
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def trader(node: bootstrap.Node) -> Headers:
    token = issue_token(StoredTokens(node.engine), Role.TRADER, IMPORTER, NOW)
    return {"Authorization": f"Bearer {token}"}


def _held(client: Client, trader: Headers) -> str:
    """A new declaration held (for documents, or for inspection): one the trader may cancel."""
    document = json.loads(
        (ROOT / "examples" / "declarations" / "durian-youyiguan.json").read_text(encoding="utf-8")
    )
    document["items"][0]["preference"] = {"scheme": "ACFTA", "certificate": "E2026TH-7WACPJX52Z"}
    response = client.post("/api/v1/declarations", json=document, headers=trader)
    assert response.status_code == 201, response.text
    assert response.json()["status"].startswith("held_for_"), response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module")
def held(client: Client, trader: Headers) -> str:
    """A declaration that bad bodies must leave as it is."""
    return _held(client, trader)


# --- the bodies -------------------------------------------------------------------------------

DURIAN = DURIAN_DUTY

MALFORMED = [b"", b" ", b"{", b"not json", b'{"a": 1} trailing', b"\xef\xbb\xbf{}", b"NaN",
             b'{"x": "\\ud800"}', b"1e400", b"\x00"]  # fmt: skip
"""Bodies that are not JSON (or no body): the same for every route but the cancellation."""
NOT_AN_OBJECT = [b"null", b"[]", b'"text"', b"1", b"true", b"123456789012345678901234567890"]


def _set(path: str, value: Any) -> Mutation:
    def apply(document: Any) -> None:
        *parents, last = path.split(".")
        for key in parents:
            document = document[int(key)] if isinstance(document, list) else document[key]
        if isinstance(document, list):
            document[int(last)] = value
        else:
            document[last] = value

    return apply


def _drop(path: str) -> Mutation:
    def apply(document: Any) -> None:
        *parents, last = path.split(".")
        for key in parents:
            document = document[int(key)] if isinstance(document, list) else document[key]
        del document[last]

    return apply


def _bodies(good: dict[str, Any], *mutations: Mutation) -> list[bytes]:
    bodies = []
    for mutation in mutations:
        document = copy.deepcopy(good)
        mutation(document)
        bodies.append(json.dumps(document).encode())
    return bodies


BIG = 10**40
ROUTES: dict[str, list[bytes]] = {
    "duty": MALFORMED
    + NOT_AN_OBJECT
    + _bodies(
        DURIAN,
        _drop("line"),
        _set("line", None),
        _set("line", 810),
        _set("line", "x" * 41),
        _set("value.amount", 100000),
        _set("value.amount", BIG),
        _set("value.amount", 1e308),
        _set("value.amount", "1,000"),
        _set("value", [1, 2]),
        _set("on", "2026-13-01"),
        _set("on", 20260601),
        _set("proofs", [True]),
        _set("proofs", "form-e"),
        _set("incoterm", True),
        # Only the strict reading refuses these (the lenient one reads "null" as null)...
        _set("on", "null"),
        _set("freight", "null"),
        _set("quantity", "null"),
        # ... and these fail both readings: Litestar's finding is the one answered.
        lambda d: d.update(insurance="null", line=5),
        lambda d: d.update(on="null", value={"amount": 5, "currency": "CNY"}),
    ),
    "origin/assessments": MALFORMED
    + NOT_AN_OBJECT
    + _bodies(
        BATTERY_BOM,
        _drop("materials"),
        _set("materials", None),
        _set("materials", {}),
        _set("product.fob.amount", 1000),
        _set("product.processes", [1]),
        _set("scheme", "x" * 21),
        _set("on", "yesterday"),
        _set("costs", {"labour": {"amount": "1", "currency": "USD"}}),
        # Strict only:
        _set("materials.0.originating", 1),
        _set("materials.0.originating", "true"),
        _set("consignment", {"transit": [{"country": "SG", "stored": 1}]}),
        _set("costs", "null"),
        # Both:
        lambda d: (d["materials"][0].__setitem__("originating", 1), d.__setitem__("scheme", 5)),
    ),
    "certificates/verifications": MALFORMED
    + NOT_AN_OBJECT
    + _bodies(
        VERIFICATION_REQUEST,
        _drop("certificate"),
        _set("certificate", None),
        _set("certificate", ""),
        _set("certificate", 5),
        _set("declaration.items", {}),
        _set("declaration.importer", "someone"),
        _set("declaration.office", "x" * 11),
        _set("declaration.items.0.preference.certificate_item", 0),
        _set("declaration.items.0.preference.certificate_item", BIG),
        _set("declaration.items.0.preference.certificate_item", 1.5),
        _set("on", "2026-02-30"),
        # Strict only:
        _set("declaration.items.0.preference.certificate_item", "1"),
        _set("declaration.items.0.preference.certificate_item", True),
        _set("declaration", "null"),
        # Both:
        lambda d: (
            d["declaration"]["items"][0]["preference"].__setitem__("certificate_item", "1"),
            d["declaration"].__setitem__("office", 12),
        ),
    ),
}

CANCELLATIONS = [
    # Not JSON (an empty body, or null, is a cancellation without a note).
    b" ", b"\n\t ", b"{", b"not json", b'{"a": 1} trailing', b"\xef\xbb\xbf{}", b"NaN", b"\x00",
    b'{"note": "a\x01b"}', b"1e400",
    # Not an object or null; a note of the wrong type or too long.
    b"[]", b'"note"', b"0", b"false", b"123456789012345678901234567890", b'[{"note": "a"}]',
    b'{"note": 5}', b'{"note": true}', b'{"note": ["a"]}', b'{"note": {"a": 1}}',
    json.dumps({"note": "x" * 1001}).encode(), json.dumps({"note": BIG}).encode(),
    # Strict only: Litestar keeps the last of two members, the strict reading stops at the first.
    b'{"note": 5, "note": "a"}',
]  # fmt: skip


@pytest.mark.parametrize(
    ("route", "body"), [(route, body) for route, bodies in ROUTES.items() for body in bodies]
)
@pytest.mark.parametrize("query", ["", "?page=2"])
def test_an_engine_route_refuses_a_body_as_it_did_when_it_was_read_twice(
    client: Client, trader: Headers, route: str, body: bytes, query: str
) -> None:
    headers = {**trader, "Content-Type": "application/json"}
    new = client.post(f"/api/v1/{route}{query}", content=body, headers=headers)
    old = client.post(f"/reference/{route}{query}", content=body, headers=headers)
    assert new.status_code == 400, new.text
    assert (new.status_code, new.text) == (old.status_code, old.text)
    assert new.headers["content-type"] == old.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("body", CANCELLATIONS)
@pytest.mark.parametrize("if_match", [None, '"1"', "*", "W/1"])
def test_the_cancellation_refuses_a_body_as_it_did_when_it_was_read_twice(
    client: Client, trader: Headers, held: str, body: bytes, if_match: str | None
) -> None:
    headers = {**trader, "Content-Type": "application/json"}
    if if_match is not None:
        headers["If-Match"] = if_match
    path = f"/declarations/{held}/cancellation"
    new = client.post(f"/api/v1{path}", content=body, headers=headers)
    old = client.post(f"/reference{path}", content=body, headers=headers)
    assert new.status_code == 400, new.text
    assert (new.status_code, new.text) == (old.status_code, old.text)
    assert new.headers["content-type"] == old.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/v1/declarations/{held}", headers=trader).json()["version"] == 1


# --- the answers, pinned ----------------------------------------------------------------------


def _problem(response: Any) -> tuple[int, str, str | None, str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert body["status"] == response.status_code
    (error,) = body["errors"]
    return response.status_code, body["code"], error["field"], error["message"]


NOT_JSON = (400, "request.malformed_json", None, "Input data was truncated")


@pytest.mark.parametrize(
    ("route", "body", "answer"),
    [
        ("duty", b" ", NOT_JSON),
        ("duty", b"", (400, "request.invalid", None,
                       "the request has no body: send a JSON object")),
        ("duty", b"null", (400, "request.invalid", None, "expected an object, found null")),
        ("duty", _bodies(DURIAN, _set("line", 810))[0],
         (400, "request.invalid", "line", "expected text, found a whole number")),
        ("duty", _bodies(DURIAN, _set("on", "null"))[0],
         (400, "request.invalid", "on",
          "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01")),
        ("duty", _bodies(DURIAN, _set("freight", "null"))[0],
         (400, "request.invalid", "freight", "expected an object or null, found text")),
        ("duty", _bodies(DURIAN, lambda d: d.update(on="null", value={"amount": 5,
                                                                      "currency": "CNY"}))[0],
         (400, "request.invalid", "value.amount", "expected text, found a whole number (amounts "
          'are exact decimals written as text, e.g. "1000.00")')),
        ("origin/assessments", b"[]", (400, "request.invalid", None,
                                       "expected an object, found a list")),
        ("origin/assessments", _bodies(BATTERY_BOM, _set("materials.0.originating", 1))[0],
         (400, "request.invalid", "materials[0].originating",
          "expected true or false, found a whole number")),
        ("origin/assessments", _bodies(BATTERY_BOM, _drop("materials"))[0],
         (400, "request.invalid", "materials", "missing")),
        ("certificates/verifications", b'{"on": 1} x', (*NOT_JSON[:3],
         "JSON is malformed: trailing characters (byte 11)")),
        ("certificates/verifications",
         _bodies(VERIFICATION_REQUEST,
                 _set("declaration.items.0.preference.certificate_item", "1"))[0],
         (400, "request.invalid", "declaration.items[0].preference.certificate_item",
          "expected a whole number or null, found text")),
        ("certificates/verifications", _bodies(VERIFICATION_REQUEST, _set("certificate", ""))[0],
         (400, "request.invalid", "certificate", "must be at least 1 character")),
    ],
)  # fmt: skip
def test_an_engine_route_answers_a_bad_body(
    client: Client, trader: Headers, route: str, body: bytes, answer: tuple[Any, ...]
) -> None:
    headers = {**trader, "Content-Type": "application/json"}
    status, code, field, message = _problem(
        client.post(f"/api/v1/{route}", content=body, headers=headers)
    )
    assert (status, code, field, message) == answer


IF_MATCH_REFUSED = (
    400,
    "request.invalid_if_match",
    "If-Match",
    'must be the declaration\'s ETag, e.g. "3"',
)
NOTE_TWICE = (
    400,
    "request.duplicate_member",
    "note",
    "given more than once (an object names each member once)",
)


@pytest.mark.parametrize(
    ("body", "if_match", "answer"),
    [
        (b"{", None, NOT_JSON),
        (b"{", "W/1", NOT_JSON),  # the body is refused before the route looks at If-Match
        (b"[]", "W/1", (400, "request.invalid", None, "expected an object or null, found a list")),
        (b'{"note": 5}', None, (400, "request.invalid", "note",
                                "expected text or null, found a whole number")),
        (b'{"note": 5}', "W/1", (400, "request.invalid", "note",  # Litestar refuses it too
                                 "expected text or null, found a whole number")),
        # Refused only by the strict reading (Litestar reads the last note): after the route's
        # own check of If-Match, as a member given twice.
        (b'{"note": 5, "note": "a"}', None, NOTE_TWICE),
        (b'{"note": 5, "note": "a"}', "W/1", IF_MATCH_REFUSED),
        (b'{"note": 5, "note": "a"}', '"7"', NOTE_TWICE),
        (json.dumps({"note": "x" * 1001}).encode(), None, (400, "request.invalid", "note",
                                                           "must be at most 1000 characters")),
    ],
)  # fmt: skip
def test_the_cancellation_answers_a_bad_body(
    client: Client,
    trader: Headers,
    held: str,
    body: bytes,
    if_match: str | None,
    answer: tuple[Any, ...],
) -> None:
    headers = {**trader, "Content-Type": "application/json"}
    if if_match is not None:
        headers["If-Match"] = if_match
    where = f"/api/v1/declarations/{held}/cancellation"
    status, code, field, message = _problem(client.post(where, content=body, headers=headers))
    assert (status, code, field, message) == answer


@pytest.mark.parametrize(
    ("body", "note"),
    [(None, None), (b"", None), (b"null", None), (b" null\n", None), (b"{}", None),
     (b'{"note": null}', None), (b'{"note": "a", "extra": 1}', "a"),
     (b'{"note": "sold"}', "sold")],
)  # fmt: skip
def test_the_cancellation_body_may_be_left_out_or_null(
    client: Client, trader: Headers, body: bytes | None, note: str | None
) -> None:
    declaration_id = _held(client, trader)
    where = f"/api/v1/declarations/{declaration_id}/cancellation"
    response = client.post(where, content=body, headers={**trader, "If-Match": '"1"'})
    assert response.status_code == 200, response.text
    view = response.json()
    assert (view["status"], view["version"]) == ("cancelled", 2)
    assert view["timeline"][-1]["detail"] == {"note": note}


@pytest.mark.parametrize(
    "route",
    ["duty", "origin/assessments", "certificates/verifications",
     "declarations/{declaration_id}/cancellation"],
)  # fmt: skip
def test_the_request_body_in_the_openapi_document_is_the_reference_one(
    client: Client, route: str
) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    new = paths[f"/api/v1/{route}"]["post"]
    old = paths[f"/reference/{route}"]["post"]
    assert new["requestBody"] == old["requestBody"]
    assert new["requestBody"]["content"]["application/json"]["schema"]["examples"]
