"""Query parameters that take one value are given once, and whole numbers are written in digits,
or the request is refused.

Litestar reads a parameter given twice (``?status=held_for_documents&status=held_for_inspection``)
as its last value and says nothing: an officer's queue would silently show one status of the
two. :class:`GivenOnce`, a ``before_request`` hook of the API's routes, answers such a request
with a 400 naming each repeated parameter, before the handler runs. It looks at the parameters
the route itself declares that take a single value (a list-typed one may be repeated); a
parameter the route does not know is ignored, repeated or not, as documented.

A whole number (``limit``, ``offset``) is digits, with a minus sign if negative (which its
bounds then refuse, saying so): Litestar converts a query parameter as msgspec reads a JSON
number in lax mode, so ``?limit=1e2`` was 100 and ``?limit=10.0`` 10 while ``?limit=+5`` and
``?limit=007`` were refused. Any such text is now a 400 naming the parameter (``must be a whole
number written in digits, e.g. 50``), before the handler runs.

Which parameters those are comes from Litestar's own reading of the handler's signature (the
``KwargsModel`` its route keeps for each method, and the handler's parsed signature for their
types), learnt the first time a route is asked and then kept, so a request whose query string
is empty costs nothing, and one that names each parameter once a dictionary look-up and a pass
over its parameters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition

__all__ = ["WHOLE_NUMBER_MESSAGE", "GivenOnce", "QueryParameters", "query_parameters"]

AnyRequest = Request[Any, Any, Any]

_DIGITS = re.compile(r"-?(0|[1-9][0-9]*)")
"""A whole number as a query parameter: digits, no leading zero, a minus sign if negative."""
WHOLE_NUMBER_MESSAGE = "must be a whole number written in digits, e.g. 50"


class QueryParameters(NamedTuple):
    """What :class:`GivenOnce` checks of a route's query parameters, by name."""

    single: frozenset[str]
    """Those read as one value."""
    whole_numbers: frozenset[str]
    """Those read as a whole number (``int``, or ``int | None``)."""


_NONE = QueryParameters(frozenset(), frozenset())


def _is_whole_number(field: FieldDefinition | None) -> bool:
    if field is None:
        return False
    kinds = [t for t in field.inner_types if not t.is_none_type] if field.is_optional else [field]
    return len(kinds) == 1 and kinds[0].is_subclass_of(int) and not kinds[0].is_subclass_of(bool)


def query_parameters(routes: Iterable[BaseRoute], handler: BaseRouteHandler) -> QueryParameters:
    """The query parameters of ``handler`` that :class:`GivenOnce` checks (none when no route
    of ``routes`` serves it)."""
    for route in routes:
        if not isinstance(route, HTTPRoute):
            continue
        for served, model in route.route_handler_map.values():
            if served is handler:
                fields = handler.parsed_fn_signature.parameters
                single = [p for p in model.expected_query_params if not p.is_sequence]
                return QueryParameters(
                    frozenset(p.field_alias for p in single),
                    frozenset(p.field_alias for p in single
                              if _is_whole_number(fields.get(p.field_name))),
                )  # fmt: skip
    return _NONE


class GivenOnce:
    """A ``before_request`` hook: a 400 (``request.invalid``, one error per parameter) when a
    single-valued query parameter of the route comes more than once, or a whole number is not
    written in digits (module docstring). One per application, as it keeps what it learns of
    that application's routes."""

    __slots__ = ("_names",)

    def __init__(self) -> None:
        self._names: dict[BaseRouteHandler, QueryParameters] = {}

    async def __call__(self, request: AnyRequest) -> None:
        if not request.scope.get("query_string"):
            return
        handler = request.route_handler
        names = self._names.get(handler)
        if names is None:
            names = self._names[handler] = query_parameters(request.app.routes, handler)
        if not names.single:
            return
        # items(): every pair, in the order of the query string (keys() names each key once).
        pairs = [(key, value) for key, value in request.query_params.items()
                 if key in names.single]  # fmt: skip
        counts = Counter(key for key, _ in pairs)
        faults = [
            (name, f"give {name} once: it was given {n} times, and this route reads a single "
             "value") for name, n in counts.items() if n > 1
        ]  # fmt: skip
        faults += [
            (name, WHOLE_NUMBER_MESSAGE)
            for name, value in pairs
            if name in names.whole_numbers and counts[name] == 1 and not _DIGITS.fullmatch(value)
        ]
        if not faults:
            return
        raise ValidationException(
            detail=f"Validation failed for {request.method} {request.url.path}",
            extra=[{"key": name, "message": message, "source": "query"}
                   for name, message in faults],
        )  # fmt: skip
