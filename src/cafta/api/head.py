"""``HEAD`` answered as ``GET`` without the body, on every route that answers ``GET``.

RFC 9110 (9.3.2) asks every general-purpose server to support ``HEAD``: the status and the
headers ``GET`` would give, and no body. Load balancers probe ``HEAD /healthz``, and a client
may ask ``HEAD /api/v1/declarations/{id}`` for the ``ETag`` alone.

Litestar 2 routes ``HEAD`` only to handlers declared for it (``@head``, or ``@route`` with both
methods), and a ``@head`` handler must return no body, so each ``GET`` route would need a
second handler repeating its work to find its status and headers; a handler declared for both
methods would send its body to ``HEAD`` too, and each route would appear twice in the OpenAPI
document. :func:`head_as_get` instead wraps the application's ASGI handler, before routing:
a ``HEAD`` request goes through as the ``GET`` it stands for (authentication, parameters,
problems and all) and its answer is sent without the body. The scope is copied, not changed,
so that the ASGI server still knows the request was a ``HEAD`` (uvicorn then sends no body
either). ``Allow`` lists ``HEAD`` beside ``GET`` (:func:`with_head`); the OpenAPI document
lists ``GET`` only, as ``HEAD`` on a ``GET`` route is implied.
"""

from __future__ import annotations

from typing import cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

__all__ = ["head_as_get", "with_head"]


def head_as_get(app: ASGIApp) -> ASGIApp:
    """``app``, answering ``HEAD`` as ``GET`` without the body (module docstring)."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # only the last part is sent, empty
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await app(cast("HTTPScope", {**scope, "method": "GET"}), receive, without_body)

    return handle


def with_head(allow: str) -> str:
    """An ``Allow`` header's methods with ``HEAD`` beside ``GET``: ``GET, HEAD, OPTIONS``."""
    methods = {m.strip().upper() for m in allow.split(",") if m.strip()}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))
