"""Addresses the portal does not have: its own 404 page for a browser, the application's answer
for anything else.

A visitor who mistypes an address (``/nothing``, ``/declaration``) gets the portal's "Page not
found" in their language, with its menu. An API client, or any client that does not ask for
HTML, and every address under ``/api`` keep the application's own answer (the API's
``application/problem+json``), as if this route were not there: the portal hands the same
error to the handler the application registered for it.

Litestar routes by path segments and does not fall back from a partly matched path, so this
catch-all (``/{rest:path}``) sees only addresses whose first segment is none of the
application's (``/nothing``, ``/a/b``); an unknown address under a known one (``/hs/nothing``,
``/declarations/X/nothing``) is still answered by the application alone. A catch-all under each
of the portal's prefixes would take the place of their parameters (``/declarations/{id}``), so
there is none.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, route
from litestar.enums import HttpMethod
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from cafta.web.rendering import AnyRequest

__all__ = ["not_found"]

_HTML = ("text/html", "application/xhtml+xml")
_METHODS = [m for m in HttpMethod if m is not HttpMethod.HEAD]
"""Every method, ``OPTIONS`` too (Litestar would answer it with the route's methods), but
``HEAD``: the application answers it as a ``GET``."""


def _wants_page(request: AnyRequest, path: str) -> bool:
    """Whether a browser asks: HTML named in ``Accept`` (not only ``*/*``), off ``/api``."""
    if path == "/api" or path.startswith("/api/"):
        return False
    for part in request.headers.get("accept", "").split(","):
        media, _, params = part.strip().partition(";")
        refused = any(p.strip().replace(" ", "") in ("q=0", "q=0.0") for p in params.split(";"))
        if media.strip().lower() in _HTML and not refused:
            return True
    return False


def _application_answer(request: AnyRequest, error: NotFoundException) -> Response[Any]:
    """What the application answers for ``error`` with its own handlers (the API's problem
    details), as for an address no route has."""
    handlers = request.app.exception_handlers
    found = handlers.get(error.status_code)
    for kind in type(error).__mro__:
        if found is not None:
            break
        found = handlers.get(kind)
    if found is None:
        return Response(content="Not Found", status_code=404, media_type="text/plain")
    return found(request, error)


@route(
    "/{rest:path}",
    http_method=_METHODS,
    include_in_schema=False,
    name="portal-not-found",
    status_code=404,
)
async def not_found(request: AnyRequest, rest: FromPath[str]) -> Response[Any]:
    """No page here: the portal's 404 page for a browser, the application's answer otherwise."""
    error = NotFoundException()
    if _wants_page(request, rest):
        raise error  # the portal's error page, in the visitor's language
    return _application_answer(request, error)
