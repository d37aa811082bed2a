"""OpenAPI helpers: a document that is the same bytes from one run to the next, headers on a
second success response, and problem details for what ``/schema`` does not serve.

Litestar gathers a route's ``response_headers`` into a ``frozenset``
(``HTTPRouteHandler.resolve_response_headers``) and lists them in the document in that set's
order, which follows the headers' hashes, that is the hashes of their names: it changes with
``PYTHONHASHSEED``. A route with more than one documented header passes
``operation_class=SortedHeaders``, which lists each response's headers by name instead.

Litestar documents ``response_headers`` on the route's own status only; a second success status
given in ``responses`` (the lodging's 200, an idempotent replay) gets none.
:func:`replayed_with` makes an operation class that gives that response the headers of the
first, and headers of its own.

The router Litestar builds for ``/schema`` answers a path it does not serve (``/schema/swagger``,
``/schema/nope``) with an HTML page; :func:`schema_router` is that router with such answers
turned into the API's problem details (404 ``http.not_found``), as for any other unknown route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Response, Router
from litestar.exceptions import NotFoundException
from litestar.openapi.spec import OpenAPIHeader, OpenAPIResponse, Operation
from litestar.status_codes import HTTP_404_NOT_FOUND

__all__ = ["SortedHeaders", "replayed_with", "schema_router"]


@dataclass
class SortedHeaders(Operation):
    """An operation whose responses list their headers by name (case-insensitively), whatever
    the hash seed of the process that built the document."""

    def __post_init__(self) -> None:
        for response in (self.responses or {}).values():
            if isinstance(response, OpenAPIResponse) and response.headers:
                response.headers = dict(
                    sorted(response.headers.items(), key=lambda item: item[0].lower())
                )


def replayed_with(status: int, like: int, headers: dict[str, OpenAPIHeader]) -> type[SortedHeaders]:
    """An operation class (:class:`SortedHeaders`) whose ``status`` response declares the
    headers of its ``like`` response and ``headers``."""

    @dataclass
    class WithHeaders(SortedHeaders):
        def __post_init__(self) -> None:
            responses = self.responses or {}
            target, model = responses.get(str(status)), responses.get(str(like))
            if isinstance(target, OpenAPIResponse):
                inherited = model.headers if isinstance(model, OpenAPIResponse) else None
                target.headers = {**(inherited or {}), **(target.headers or {}), **headers}
            super().__post_init__()

    return WithHeaders


async def _not_found_as_problem(response: Response[Any]) -> Response[Any]:
    """Litestar's HTML 404 page of the schema router, as the API's 404 problem."""
    if response.status_code == HTTP_404_NOT_FOUND:
        raise NotFoundException
    return response


def schema_router(path: str) -> Router:
    """The router of the OpenAPI document at ``path`` (``OpenAPIConfig.openapi_router``):
    Litestar adds the document's routes to it; a path it does not serve is a 404 problem."""
    return Router(
        path,
        route_handlers=[],
        include_in_schema=False,
        dto=None,
        return_dto=None,
        after_request=_not_found_as_problem,
    )
