"""``OPTIONS`` answered with every method of the route in ``Allow``.

Litestar 2 answers ``OPTIONS`` itself, but on a path served by several handlers (``GET`` and
``POST /api/v1/declarations``) its answer lists only the methods of the first handler
registered (litestar-org/litestar#4169, fixed in Litestar 3). :func:`allow_every_method`, the
application's ``before_request`` hook, answers those requests with the route's full list
instead, and lets every other request through untouched. ``HEAD`` is listed beside ``GET``,
which answers it (:mod:`.head`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT

from cafta.api.head import with_head

__all__ = ["allow_every_method"]

_LITESTAR_OPTIONS = "options_handler"
"""The name of the handler Litestar adds to answer ``OPTIONS`` on a route."""


async def allow_every_method(request: Request[Any, Any, Any]) -> Response[None] | None:
    """For Litestar's own ``OPTIONS`` handler: a 204 whose ``Allow`` lists every method of
    the route (and ``HEAD`` where there is ``GET``). ``None`` (go on to the handler) for any
    other request."""
    if request.method != "OPTIONS":
        return None
    handler = request.route_handler
    if handler.handler_name != _LITESTAR_OPTIONS:
        return None
    for route in request.app.routes:
        if isinstance(route, HTTPRoute) and any(h is handler for h in route.route_handlers):
            return Response(
                content=None,
                status_code=HTTP_204_NO_CONTENT,
                headers={"Allow": with_head(", ".join(route.methods))},
                media_type=MediaType.TEXT,
            )
    return None
