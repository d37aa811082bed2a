"""OpenAPI helpers for the routes: a document that is the same bytes from one run to the next.

Litestar gathers a route's ``response_headers`` into a ``frozenset``
(``HTTPRouteHandler.resolve_response_headers``) and lists them in the document in that set's
order, which follows the headers' hashes, that is the hashes of their names: it changes with
``PYTHONHASHSEED``. A route with more than one documented header passes
``operation_class=SortedHeaders``, which lists each response's headers by name instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIResponse, Operation

__all__ = ["SortedHeaders"]


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
