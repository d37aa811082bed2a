"""``HEAD`` answered as ``GET`` without the body, at the ASGI level: the application sees a
``GET`` (in a scope of its own), the server is sent the status, the headers and one empty last
part of the body, and the server's scope still says ``HEAD``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest

from cafta.api.head import head_as_get, with_head

Message = dict[str, Any]


def _run(method: str, scope_type: str = "http") -> tuple[list[str], list[Message], dict[str, Any]]:
    seen: list[str] = []
    sent: list[Message] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope.get("method", scope["type"]))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"10")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b"01234", "more_body": True})
        await send({"type": "http.response.body", "body": b"56789", "more_body": False})

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope: dict[str, Any] = {"type": scope_type, "method": method, "path": "/healthz"}
    # In a thread of its own: the browser tests keep Playwright's event loop running in the main
    # thread for the whole session, and no other loop may start there.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, head_as_get(app), scope, receive, send).result()  # type: ignore[arg-type]
    return seen, sent, scope


def test_head_reaches_the_application_as_get_and_leaves_without_a_body() -> None:
    seen, sent, scope = _run("HEAD")
    assert seen == ["GET"]
    assert scope["method"] == "HEAD", "the server's scope is not changed"
    assert sent == [
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"10")]},
        {"type": "http.response.body", "body": b"", "more_body": False},
    ]


@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS"])
def test_other_methods_pass_untouched(method: str) -> None:
    seen, sent, _ = _run(method)
    assert seen == [method]
    assert b"".join(m.get("body", b"") for m in sent) == b"0123456789"


@pytest.mark.parametrize(
    ("allow", "listed"),
    [
        ("GET, OPTIONS", "GET, HEAD, OPTIONS"),
        ("OPTIONS, GET, POST", "GET, HEAD, OPTIONS, POST"),
        ("POST, OPTIONS", "OPTIONS, POST"),
        ("GET, HEAD, OPTIONS", "GET, HEAD, OPTIONS"),
        ("", ""),
    ],
)
def test_allow_lists_head_beside_get(allow: str, listed: str) -> None:
    assert with_head(allow) == listed
