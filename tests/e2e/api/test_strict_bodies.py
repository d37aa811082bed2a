"""A body decoded once (:class:`~cafta.api.bodies.StrictBody`) is answered exactly as a body
checked by Litestar and then decoded again strictly (:func:`~cafta.api.bodies.strict_body`):
the same problems, in the same order against the handler's own checks, and the same OpenAPI
request body."""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, Request, post
from litestar.exceptions import HTTPException
from litestar.params import Body
from litestar.testing import TestClient

from cafta.api.bodies import StrictBody, strict, strict_body
from cafta.api.errors import cafta_error_handler, http_error_handler
from cafta.core.errors import CaftaError
from cafta.core.fields import field_error

AnyRequest = Request[Any, Any, Any]


class Part(msgspec.Struct, frozen=True, kw_only=True):
    name: Annotated[str, msgspec.Meta(max_length=10)]
    count: int | None = None
    fragile: bool = False


class Order(msgspec.Struct, frozen=True, kw_only=True):
    office: str
    parts: list[Part]
    note: str | None = None


_EXAMPLE = {"office": "CNYYG", "parts": [{"name": "bolt", "count": 3}]}


def _check_header(request: AnyRequest) -> None:
    """A handler's own check, made before it reads the body."""
    if request.headers.get("x-check") == "bad":
        raise field_error("X-Check", "must not be bad", code="request.invalid_check")


@post("/twice", status_code=200)
async def twice(request: AnyRequest, data: Annotated[Order, Body(examples=[])]) -> Any:
    _check_header(request)
    body = await strict_body(request, Order)
    return msgspec.to_builtins(body)


@post("/once", status_code=200, dto=StrictBody)
async def once(request: AnyRequest, data: Annotated[Order, Body(examples=[])]) -> Any:
    _check_header(request)
    body = strict(request, data)
    return msgspec.to_builtins(body)


_APP = Litestar(
    [twice, once],
    exception_handlers={CaftaError: cafta_error_handler, HTTPException: http_error_handler},
    logging_config=None,
)

_BODIES: list[bytes] = [
    json.dumps(_EXAMPLE).encode(),
    b"",
    b"null",
    b"[]",
    b"{",
    b"not json",
    b'{"office": "CNYYG", "parts": []} trailing',
    json.dumps({"parts": []}).encode(),
    json.dumps({"office": 5, "parts": []}).encode(),
    json.dumps({"office": "CNYYG", "parts": [{"count": 1}]}).encode(),
    json.dumps({"office": "CNYYG", "parts": [{"name": "x" * 11}]}).encode(),
    # Faults only the strict reading finds: Litestar converts these.
    json.dumps({"office": "CNYYG", "parts": [{"name": "bolt", "count": "3"}]}).encode(),
    json.dumps({"office": "CNYYG", "parts": [{"name": "bolt", "fragile": "true"}]}).encode(),
    json.dumps({"office": "CNYYG", "parts": [{"name": "bolt", "fragile": 1}]}).encode(),
    # Both kinds: Litestar's finding comes first.
    json.dumps({"office": 1, "parts": [{"name": "bolt", "count": "3"}]}).encode(),
    json.dumps({"office": "CNYYG", "parts": [{"name": "b", "count": "3"}, {"name": 2}]}).encode(),
    # A member given twice: Litestar reads the last one; the strict reading refuses it.
    b'{"office": "CNYYG", "office": "CNPXG", "parts": []}',
    b'{"office": "CNYYG", "parts": [{"name": "bolt", "count": 3, "count": 4}]}',
    b'{"office": "CNYYG", "parts": [{"name": "bolt", "count": "3", "count": "4"}]}',
    b'{"office": 1, "office": "CNYYG", "parts": []}',
    b'{"office": "CNYYG", "office": 1, "parts": []}',
]


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(_APP) as test_client:
        yield test_client


@pytest.mark.parametrize("body", _BODIES)
@pytest.mark.parametrize("check", ["good", "bad"])
@pytest.mark.parametrize("query", ["", "?page=2"])
def test_a_body_decoded_once_is_answered_as_one_decoded_twice(
    client: TestClient[Litestar], body: bytes, check: str, query: str
) -> None:
    headers = {"Content-Type": "application/json", "X-Check": check}
    old = client.post(f"/twice{query}", content=body, headers=headers)
    new = client.post(f"/once{query}", content=body, headers=headers)
    assert (new.status_code, new.text) == (old.status_code, old.text)
    assert new.headers.get("content-type") == old.headers.get("content-type")


def test_the_request_body_schema_is_the_same(client: TestClient[Litestar]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert paths["/once"]["post"]["requestBody"] == paths["/twice"]["post"]["requestBody"]
