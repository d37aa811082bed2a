"""Every failure of the API as problem details (RFC 9457, ``application/problem+json``).

A problem carries ``type`` (``https://cafta.example/problems/<code>``: a stable identifier,
not a page to fetch), ``title`` (the HTTP status phrase), ``status``, ``detail`` (the message
and the hint a trader can act on), ``code`` (the stable dotted code clients match on) and, for
invalid input, ``errors``: one ``{"field": "items[0].line", "message": "..."}`` per problem
found, ``field`` being ``null`` when the problem is the request as a whole.

Statuses, in this order: 503 for a problem of the server's own set-up or of its database
(``config.*``, ``storage.unavailable``, ``storage.not_migrated``, ``storage.busy``,
``clearance.unavailable`` from a server started without a database, and ``fx.rate_stale``:
its exchange rates are older than it accepts, which only its operator can mend);
:class:`~cafta.core.errors.InvalidInput` is 400, for malformed and semantically invalid input
alike (the API never answers 422 for input); :class:`~cafta.core.errors.NotFound` 404;
:class:`~cafta.core.errors.Forbidden` 403; :class:`~cafta.core.errors.Conflict` 409; any other
:class:`~cafta.core.errors.DomainError` 422; anything else 500. A 5xx never shows the server's
internals (file names, database URLs, tracebacks): its detail is generic, with an error id,
and the full error goes to the log (logger ``cafta.api``).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from msgspec import Meta

from cafta.api.choices import allowed_values
from cafta.api.context import STATE_KEY, ApiContext
from cafta.api.head import with_head
from cafta.api.schemas import PATTERN_MESSAGES
from cafta.core.errors import (
    CaftaError,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from cafta.refdata.exchange_rates import STALE
from cafta.services.faults import is_operators

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "FieldError",
    "Problem",
    "cafta_error_handler",
    "http_error_handler",
    "problem_responses",
    "status_of",
    "unexpected_error_handler",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://cafta.example/problems/"

logger = logging.getLogger("cafta.api")


class FieldError(msgspec.Struct, frozen=True):
    """One thing wrong with the request."""

    field: Annotated[
        str | None,
        Meta(
            description="Path of the field in the body (materials[0].value.amount) or name of "
            "the parameter; null when the problem is the request as a whole."
        ),
    ]
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem, with cafta's ``code`` and, for invalid input, ``errors``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: Annotated[
        list[FieldError] | None, Meta(description="For invalid input: each fault, by field.")
    ] = None
    error_id: Annotated[
        str | None, Meta(description="For a 5xx: quote it when reporting the failure.")
    ] = None
    details: Annotated[
        dict[str, Any] | None,
        Meta(description="Facts of the problem, e.g. the candidate lines of an ambiguous code."),
    ] = None


_DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field",
    401: "No valid bearer token",
    403: "The token's role may not do this",
    404: "Not found",
    409: "Conflict with the current state",
    413: "The request body is larger than the server accepts",
    415: "The request body is not sent as JSON (Content-Type: application/json)",
    422: "The request cannot be satisfied as asked",
    500: "Unexpected failure (with an error id)",
    503: "The server's settings or database cannot be used now",
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI responses for the problems an operation may answer with."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            generate_examples=False,
        )
        for status in statuses
    }


def status_of(error: CaftaError, today: date | None = None) -> int:
    """The HTTP status of a domain error (module docstring); ``today``, the node's day, makes a
    stale exchange rate for a day still to come the caller's (404), not the operator's (503)."""
    if is_operators(error, today):
        return 503
    if isinstance(error, InvalidInput):
        return 400
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, DomainError):
        return 422
    return 500


def _problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: Iterable[FieldError] | None = None,
    error_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Problem]:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + code,
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        errors=list(errors) if errors is not None else None,
        error_id=error_id,
        details=dict(details) if details else None,
    )
    return Response(
        problem, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {})
    )


def _json_safe(details: Mapping[str, Any]) -> dict[str, Any] | None:
    """The error's details other than ``field``, as JSON values (``None`` when there are none)."""
    rest = {k: v for k, v in details.items() if k != "field"}
    if not rest:
        return None
    try:
        safe: dict[str, Any] = msgspec.to_builtins(rest, str_keys=True, enc_hook=str)
    except (TypeError, ValueError):
        return None
    return safe


def _error_id() -> str:
    return uuid.uuid4().hex[:16]


def _server_fault(status: int, code: str, error_id: str, message: str = "") -> str:
    if code == STALE:
        # The message names the pair, the day and the age of the latest fixing, nothing of the
        # server's files (the hint, which names the rate file, goes to the log only).
        return (
            f"The service's exchange rates are out of date ({message}); its operator must load "
            f"current rates. Please retry later, or report the error id {error_id}."
        )
    if status == 503:
        return (
            f"The service cannot answer now ({code}); its operator can see why in the log. "
            f"Please retry later, or report the error id {error_id}."
        )
    return f"An unexpected failure occurred. Please report it with the error id {error_id}."


def _today(request: Request[Any, Any, Any]) -> date | None:
    """The node's day, when the request reached an application built by ``create_app``."""
    state = request.app.state.get(STATE_KEY)
    return state.services.clock.today() if isinstance(state, ApiContext) else None


def cafta_error_handler(request: Request[Any, Any, Any], error: CaftaError) -> Response[Problem]:
    """A domain error: its code, its message and hint, and the field it is about."""
    status = status_of(error, _today(request))
    if status >= 500:
        error_id = _error_id()
        logger.error(
            "%s failure %s (%s) on %s %s: %s",
            status,
            error_id,
            error.code,
            request.method,
            request.url.path,
            error,
            exc_info=error if status == 500 else None,
        )
        return _problem(
            status,
            error.code,
            _server_fault(status, error.code, error_id, error.message),
            error_id=error_id,
        )
    errors = None
    if status == 400:
        field = error.details.get("field")
        if isinstance(field, str):
            errors = [FieldError(field, error.message.removeprefix(f"{field}: "))]
        else:
            errors = [FieldError(None, error.message)]
    return _problem(
        status, error.code, str(error), errors=errors, details=_json_safe(error.details)
    )


# --- Litestar's own errors: routing, authentication, request validation -------------------

_MISSING_FIELD = re.compile(r"^Object missing required field `(?P<name>[^`]+)`")
_EXPECTED = re.compile(r"^Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`")
_PATTERN = re.compile(r"^Expected `str` matching regex '(?P<regex>.*)'$")
_NOT_IN_ENUM = re.compile(r"^Invalid enum value (?P<got>.+)$")
_MISSING_PARAMETER = re.compile(r"Missing required (?P<kind>[\w-]+) parameter '(?P<name>[^']+)'")
_BOUND = re.compile(r"^Expected `(?P<kind>[^`]+)` (?P<op><=|>=|<|>) (?P<bound>\S+)$")
_LENGTH = re.compile(
    r"^Expected `(?P<kind>[^`]+)` of length (?:(?P<op><=|>=|<|>) )?(?P<bound>\d+)(?:, got \d+)?$"
)
_MULTIPLE = re.compile(r"^Expected `(?P<kind>[^`]+)` that's a multiple of (?P<bound>\S+)$")
_KINDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time",
    "time": "a time",
}
_DECIMAL_HINT = 'amounts are exact decimals written as text, e.g. "1000.00"'
_INVALID = {
    "Invalid RFC3339 encoded date": "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01",
    "Invalid RFC3339 encoded datetime": "not a valid date and time: write it as "
    "YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2026-06-01T09:30:00+08:00",
    "Invalid RFC3339 encoded time": "not a valid time: write it as hh:mm:ss, e.g. 09:30:00",
}
"""msgspec's refusals of a text that is not the date, date and time, or time it stands for."""
_COMPARED = {">=": "of at least", "<=": "of at most", ">": "greater than", "<": "less than"}
_COUNTED = {">=": "at least", "<=": "at most", ">": "more than", "<": "fewer than", None: "exactly"}
_UNITS = {"str": "character", "array": "item", "object": "member", "bytes": "byte"}


def _kind(name: str) -> str:
    return " or ".join(_KINDS.get(part.strip(), part.strip()) for part in name.split("|"))


def _bounded(message: str) -> str | None:
    """A bound msgspec checked (``Expected `int` >= 1``, ``Expected `str` of length <= 200``),
    as a rule: ``must be a whole number of at least 1``, ``must be at most 200 characters``."""
    bound = _BOUND.match(message)
    if bound:
        kind, op, limit = bound["kind"], bound["op"], bound["bound"]
        noun = {"int": "a whole number", "float": "a number"}.get(kind)
        if noun is None:
            return f"must be {_COMPARED[op].removeprefix('of ')} {limit}"
        return f"must be {noun} {_COMPARED[op]} {limit}"
    length = _LENGTH.match(message)
    if length:
        kind, op, limit = length["kind"], length["op"], length["bound"]
        unit = _UNITS.get(kind, "element")
        units = unit if limit == "1" else f"{unit}s"
        verb = "be" if kind in ("str", "bytes") else "have"
        return f"must {verb} {_COUNTED[op]} {limit} {units}"
    multiple = _MULTIPLE.match(message)
    if multiple:
        return f"must be a multiple of {multiple['bound']}"
    return None


def _field_message(message: str, field: str | None) -> str:
    """msgspec's message in a trader's words."""
    expected = _EXPECTED.match(message)
    if expected:
        want, got = expected["want"], expected["got"]
        text = f"expected {_kind(want)}, found {_kind(got)}"
        amount = field is not None and field.endswith("amount")
        if amount and want.startswith("str") and got in ("int", "float"):
            text += f" ({_DECIMAL_HINT})"
        return text
    pattern = _PATTERN.match(message)
    if pattern:
        # Litestar passes the expression as msgspec wrote it, its backslashes doubled.
        regex = pattern["regex"].replace("\\\\", "\\")
        return PATTERN_MESSAGES.get(regex, f"does not match {regex}")
    rule = _bounded(message)
    if rule is not None:
        return rule
    return _INVALID.get(message, message.replace("`", ""))


def _field_error(item: Mapping[str, Any]) -> FieldError:
    message = str(item.get("message", "invalid"))
    key = item.get("key")
    field = str(key) if key not in (None, "", "data") else None
    missing = _MISSING_FIELD.match(message)
    if missing:
        name = missing["name"]
        return FieldError(f"{field}.{name}" if field else name, "missing")
    if field is None and message == "'data'":
        return FieldError(None, "the request has no body: send a JSON object")
    return FieldError(field, _field_message(message, field))


def _validation_errors(error: HTTPException) -> list[FieldError]:
    extra = error.extra
    if isinstance(extra, list) and extra:
        return [_field_error(e) for e in extra if isinstance(e, Mapping)] or [
            FieldError(None, error.detail)
        ]
    missing = _MISSING_PARAMETER.search(error.detail)
    if missing:
        return [FieldError(missing["name"], f"missing (a {missing['kind']} parameter)")]
    return [FieldError(None, error.detail)]


def _is_malformed_body(error: BaseException) -> bool:
    """Whether the body could not be decoded at all (Litestar wraps msgspec's error)."""
    if isinstance(error, ValidationException):
        return False
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, msgspec.DecodeError | SerializationException):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _with_choices(request: Request[Any, Any, Any], error: FieldError) -> FieldError:
    """An enumeration's refusal with the values it allows (msgspec names only the one sent)."""
    refused = _NOT_IN_ENUM.match(error.message)
    if refused is None or error.field is None:
        return error
    values = allowed_values(request.scope.get("route_handler"), error.field)
    if not values:
        return error
    return FieldError(error.field, f"expected one of {', '.join(values)}; found {refused['got']}")


def _summary(errors: list[FieldError]) -> str:
    first = errors[0]
    text = f"{first.field}: {first.message}" if first.field else first.message
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"The request is not valid: {text}{more}."


_HTTP_CODES = {
    401: "auth.unauthenticated",
    403: "auth.forbidden",
    404: "http.not_found",
    405: "http.method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
}


def http_error_handler(request: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    """Litestar's errors (no route, wrong method, no token, invalid body) as problems."""
    status = error.status_code
    headers = {k: v for k, v in (error.headers or {}).items() if isinstance(v, str)}
    if status >= 500:
        return unexpected_error_handler(request, error)
    if status == 400:
        errors = [_with_choices(request, e) for e in _validation_errors(error)]
        malformed = _is_malformed_body(error)
        code = "request.malformed_json" if malformed else "request.invalid"
        detail = (
            "The request body is not valid JSON: send a JSON object."
            if malformed
            else _summary(errors)
        )
        return _problem(400, code, detail, errors=errors, headers=headers)
    code = _HTTP_CODES.get(status, f"http.{status}")
    details = None
    if status == 404:
        detail = f"Nothing is at {request.url.path}: see /docs for the API's routes."
    elif status == 405:
        listed = next((v for k, v in headers.items() if k.lower() == "allow"), "")
        headers = {k: v for k, v in headers.items() if k.lower() != "allow"}
        allowed = with_head(listed)
        if allowed:
            headers["Allow"] = allowed
        detail = f"{request.method} is not allowed on {request.url.path}" + (
            f"; use {allowed}." if allowed else "."
        )
    elif status == 413:
        limit = _body_limit(request)
        detail = _too_large(limit)
        details = {"max_bytes": limit} if limit is not None else None
    else:
        detail = error.detail or HTTPStatus(status).phrase
    return _problem(status, code, detail, headers=headers, details=details)


def _body_limit(request: Request[Any, Any, Any]) -> int | None:
    """The most bytes the route reads in a body (``None``: no limit, or no route found)."""
    handler = request.scope.get("route_handler")
    if not isinstance(handler, HTTPRouteHandler):
        return None
    return handler.resolve_request_max_body_size()


def _size(count: int) -> str:
    """``10000000`` → ``10 MB``, ``1500000`` → ``1.5 MB``, ``64000`` → ``64 kB``."""
    for unit, size in (("MB", 1_000_000), ("kB", 1_000)):
        if count >= size:
            return f"{round(count / size, 1):g} {unit}"
    return f"{count} bytes"


def _too_large(limit: int | None) -> str:
    """A 413's detail, naming the limit when the route has one."""
    larger = f"larger than the {_size(limit)} this server accepts" if limit else "too large"
    return (
        f"The request body is {larger}: send the document alone, as JSON (the API's "
        "documents are a few kilobytes; see /docs)."
    )


def unexpected_error_handler(
    request: Request[Any, Any, Any], error: Exception
) -> Response[Problem]:
    """Anything unforeseen: a generic 500 with an error id; the traceback goes to the log."""
    error_id = _error_id()
    logger.error(
        "unexpected failure %s on %s %s",
        error_id,
        request.method,
        request.url.path,
        exc_info=error,
    )
    detail = _server_fault(500, "internal.unexpected", error_id)
    if request.app.debug:
        detail += f" ({type(error).__name__}: {error})"
    return _problem(500, "internal.unexpected", detail, error_id=error_id)
