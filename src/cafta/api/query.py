"""Query parameters that take one value are given once, or the request is refused.

Litestar reads a parameter given twice (``?status=held_for_documents&status=held_for_inspection``)
as its last value and says nothing: an officer's queue would silently show one status of the
two. :class:`GivenOnce`, a ``before_request`` hook of the API's routes, answers such a request
with a 400 naming each repeated parameter, before the handler runs. It looks at the parameters
the route itself declares that take a single value (a list-typed one may be repeated); a
parameter the route does not know is ignored, repeated or not, as documented.

Which parameters those are comes from Litestar's own reading of the handler's signature (the
``KwargsModel`` its route keeps for each method), learnt the first time a route is asked and
then kept, so a request whose query string is empty, or names each parameter once, costs one
dictionary look-up and a pass over its parameters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.routes import BaseRoute, HTTPRoute

__all__ = ["GivenOnce", "single_valued"]

AnyRequest = Request[Any, Any, Any]


def single_valued(routes: Iterable[BaseRoute], handler: BaseRouteHandler) -> frozenset[str]:
    """The names of the query parameters ``handler`` reads as one value (empty when no route
    of ``routes`` serves it)."""
    for route in routes:
        if not isinstance(route, HTTPRoute):
            continue
        for served, model in route.route_handler_map.values():
            if served is handler:
                return frozenset(
                    p.field_alias for p in model.expected_query_params if not p.is_sequence
                )
    return frozenset()


class GivenOnce:
    """A ``before_request`` hook: a 400 (``request.invalid``, one error per parameter) when a
    single-valued query parameter of the route comes more than once. One per application, as
    it keeps what it learns of that application's routes."""

    __slots__ = ("_names",)

    def __init__(self) -> None:
        self._names: dict[BaseRouteHandler, frozenset[str]] = {}

    async def __call__(self, request: AnyRequest) -> None:
        if not request.scope.get("query_string"):
            return
        handler = request.route_handler
        names = self._names.get(handler)
        if names is None:
            names = self._names[handler] = single_valued(request.app.routes, handler)
        if not names:
            return
        # items(): every pair, in the order of the query string (keys() names each key once).
        counts = Counter(key for key, _ in request.query_params.items() if key in names)
        repeated = [(name, n) for name, n in counts.items() if n > 1]
        if not repeated:
            return
        raise ValidationException(
            detail=f"Validation failed for {request.method} {request.url.path}",
            extra=[
                {
                    "key": name,
                    "message": f"give {name} once: it was given {n} times, and this route "
                    "reads a single value",
                    "source": "query",
                }
                for name, n in repeated
            ],
        )
