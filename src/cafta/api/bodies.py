"""Request bodies read strictly: JSON types as the document says, no coercion.

Litestar converts a body to its Struct leniently (``0`` passes for ``false``, ``"1"`` for
``1``). The API promises the types of its OpenAPI document, as the domain parsers do, so each
body is read strictly with msgspec; an error names the field by its path (msgspec's
``$.items[0].line`` becomes ``items[0].line``) and is answered like every other validation
error (:func:`cafta.api.errors.http_error_handler`).

Two ways to get there:

* :func:`strict_body`: the handler declares ``data`` (the OpenAPI schema, and Litestar's
  lenient check) and decodes the body once more, strictly;
* :class:`StrictBody`, the handler's ``dto``, with :func:`strict` where the handler reads
  ``data``: the body is decoded once, strictly, into the same Struct. Only a body that fails
  that reading is decoded again, the lenient way, so that every bad body is answered exactly as
  with :func:`strict_body`: what Litestar's lenient check refuses is refused before the handler
  runs, with Litestar's error; a body only the strict reading refuses is refused where the
  handler calls :func:`strict`, after its own checks of the headers, as before. The OpenAPI
  document is the same: the request body's schema comes from the handler's ``data`` annotation
  (and its examples) as it does without a DTO.

The API's routes with a body all use :class:`StrictBody`; :func:`strict_body` is kept as the
reference the tests hold it to (``tests/e2e/api/test_strict_bodies.py``,
``test_strict_routes.py``).

Both refuse a body sent as anything but JSON (:func:`check_media_type`): a ``Content-Type``
other than ``application/json`` or ``application/*+json`` (parameters such as ``charset`` aside)
is a 415 ``request.unsupported_media_type``, so that a form (``curl -d``'s default) or plain
text is not read as if it were JSON. A body sent without a ``Content-Type`` is read as JSON
(RFC 9110 8.3 lets the recipient examine it), and an empty body has no type to check.

Both refuse, before decoding it, a body whose arrays and objects are nested more than
:data:`MAX_DEPTH` levels deep (:func:`nested_deeper_than`): 400 ``request.nested_too_deeply``.
Decoding JSON recurses once per level, in msgspec and in Litestar's lenient reading, and a body
nested about a thousand levels deep would otherwise reach Python's recursion limit (where
exactly depends on the caller's stack) and be answered 500; the documents the API reads are
nested 5 levels at most. A :class:`RecursionError` while decoding, which the limit leaves no
room for, is answered the same way.

Both refuse a body one of whose objects gives a member twice (``{"office": "CNYYG", "office":
"CNPXG"}``), which msgspec and Litestar would read as its last value: 400
``request.duplicate_member`` naming the member (:func:`~cafta.api.members.repeated_members`).
It is part of the strict reading: refused where the strict reading's errors are, before them.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from itertools import accumulate
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import URL
from litestar.dto import AbstractDTO
from litestar.exceptions import ClientException, ValidationException
from litestar.serialization import decode_json
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.typing import FieldDefinition

from cafta.api.members import repeated_members
from cafta.core.errors import InvalidInput

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.dto.data_structures import DTOFieldDefinition
    from litestar.openapi.spec import Reference, Schema

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "StrictBody",
    "check_media_type",
    "field_path",
    "nested_deeper_than",
    "strict",
    "strict_body",
]

T = TypeVar("T")

_LITESTAR_PATH = re.compile(r"`\$\.(.+)`$")
"""The path in a msgspec error, as Litestar's signature model finds it."""
_DEFERRED = "cafta.strict_body_error"
"""Where :class:`StrictBody` leaves, in the request's scope, the error :func:`strict` raises."""

MAX_DEPTH = 64
"""How many levels deep a request body's arrays and objects may be nested (``docs/api.md``)."""
MAX_BODY_BYTES = 10_000_000
"""The largest request body the API reads (10 MB, Litestar's default): a larger one is a 413
``request.too_large``. The API's documents are far smaller (the example declarations are under
1 kB)."""

_OPEN, _CLOSE = b"\x01", b"\xff"
"""An opening and a closing bracket in :func:`nested_deeper_than`'s marks: +1 and -1 as signed
bytes."""
_MARKS = bytes.maketrans(b"[]{}", _OPEN + _CLOSE + _OPEN + _CLOSE)
_NOT_MARKS = bytes(range(256)).translate(None, b'[]{}"')
"""Every byte but the brackets and the quote: none of them opens or closes anything."""
_ESCAPES = re.compile(rb'\\[\\"]')
"""An escaped backslash or quote: neither escapes nor ends a string."""
_PEELED = 8
"""How many layers of innermost pairs :func:`nested_deeper_than` peels off before it counts
(a real document has 5 at most)."""
_CHUNK = 1 << 14
"""How many marks :func:`nested_deeper_than` adds up at a time (so that it stops early)."""


def nested_deeper_than(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``body`` opens more than ``limit`` arrays and objects at once.

    Brackets in strings do not count (a string's escaped quotes and backslashes are taken as
    such). ``body`` need not be valid JSON: its brackets outside strings are counted up to one
    that closes nothing, where any decoder stops.

    Made for every request body, so cheap, with C-level byte operations only: ``body`` is
    reduced to its brackets and quotes, which for a body with no more than ``limit`` opening
    brackets (any real one but the longest) is the whole work. Otherwise the brackets in strings
    are dropped; a real document then has no brackets left once its few layers of innermost
    pairs (``[]``, ``{}``) are peeled off; what still has some is counted level by level, in
    chunks.
    """
    marks = body.translate(_MARKS, _NOT_MARKS)
    if marks.count(_OPEN) <= limit:  # in strings or not: no deeper than that
        return False
    if b"\\" in body:
        marks = _ESCAPES.sub(b"", body).translate(_MARKS, _NOT_MARKS)
    # Two quotes in a row change nothing about what is in a string, and when every quote is in
    # such a pair, no string has a bracket.
    if marks.count(b'"') == 2 * marks.count(b'""'):
        marks = marks.translate(None, b'"')
    else:  # what is left between a quote and the next one is in a string
        marks = b"".join(marks.replace(b'""', b"").split(b'"')[::2])
    layers = min(_PEELED, limit)
    if _OPEN * (layers + 1) not in marks:  # else more layers than that would have to go
        # Peeling a layer leaves every other level as it was and takes at most one off the
        # deepest, so a body peeled away in n layers is at most n deep.
        inner = marks
        for _ in range(layers):
            inner = inner.replace(_OPEN + _CLOSE, b"")
            if _OPEN not in inner:
                return False
    steps = memoryview(marks).cast("b")
    level = 0
    for start in range(0, len(steps), _CHUNK):
        levels = list(accumulate(steps[start : start + _CHUNK], initial=level))
        if min(levels) < 0:  # a bracket that closes nothing: the levels before it count
            return max(levels[: levels.index(-1)]) > limit
        if max(levels) > limit:
            return True
        level = levels[-1]
    return False


def _too_deep() -> InvalidInput:
    return InvalidInput(
        "The request body is nested too deeply: its arrays and objects may be nested at most "
        f"{MAX_DEPTH} levels deep",
        code="request.nested_too_deeply",
        hint="Send the document the API describes (see /docs): none needs more than a few levels.",
        details={"max_depth": MAX_DEPTH},
    )


def _is_json(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    if media == "application/json":
        return True
    kind, _, subtype = media.partition("/")
    return kind == "application" and subtype.endswith("+json") and len(subtype) > len("+json")


def check_media_type(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """A 415 ``request.unsupported_media_type`` unless the body is sent as JSON, or without a
    ``Content-Type`` (module docstring)."""
    content_type = connection.headers.get("content-type")
    if content_type is None or _is_json(content_type):
        return
    sent = content_type.partition(";")[0].strip()[:80]
    came = f"it came as {sent}" if sent else "its Content-Type was empty"
    raise ClientException(
        status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail="The request body must be JSON: send it with 'Content-Type: application/json' "
        f"({came}).",
    )


def field_path(where: str) -> str | None:
    """``$.items[0].line`` → ``items[0].line``; the document itself (``$``) → ``None``."""
    path = where.strip().strip("`").removeprefix("$").removeprefix(".")
    return path or None


def _invalid(
    request: ASGIConnection[Any, Any, Any, Any], error: msgspec.ValidationError
) -> ValidationException:
    message, found, where = str(error).rpartition(" - at ")
    if not found:
        message, where = str(error), "$"
    path = field_path(where)
    method = request.scope.get("method", "")
    return ValidationException(
        detail=f"Validation failed for {method} {request.url.path}",
        extra=[{"message": message, "key": path or "data", "source": "body"}],
    )


async def strict_body(request: Request[Any, Any, Any], kind: type[T]) -> T:
    """The request's JSON body as ``kind``, without type coercion."""
    body = await request.body()
    if body:
        check_media_type(request)
    if nested_deeper_than(body):
        raise _too_deep()
    repeated = repeated_members(body)
    if repeated is not None:
        raise repeated
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as error:
        raise _invalid(request, error) from None
    except RecursionError:
        raise _too_deep() from None


def strict(request: Request[Any, Any, Any], data: T) -> T:
    """The handler's ``data`` as :class:`StrictBody` read it; the strict reading's error if
    the body passed only Litestar's lenient check."""
    error: BaseException | None = cast("dict[str, Any]", request.scope).get(_DEFERRED)
    if error is not None:
        raise error
    return data


def _lenient(connection: ASGIConnection[Any, Any, Any, Any], body: bytes, kind: Any) -> Any:
    """``body`` as ``kind`` the way Litestar reads a handler's ``data`` without a DTO, with its
    error when it cannot: the JSON decoded (a :class:`SerializationException` for malformed
    JSON, which Litestar answers as a 400) and converted leniently, a failure named as its
    signature model names it (``key`` the path under ``data``, ``source`` ``body``).

    Litestar also passes a ``dec_hook`` for the types msgspec cannot decode itself (paths,
    UUID subclasses); the bodies declare none of those, so msgspec would never call it."""
    handler = connection.route_handler
    value = decode_json(body, type_decoders=handler.resolve_type_decoders())
    try:
        return msgspec.convert(value, kind, strict=False, str_keys=True)
    except msgspec.ValidationError as error:
        text = str(error)
        found = _LITESTAR_PATH.search(text)
        key = f"data.{found.group(1)}" if found else "data"
        path = URL.from_components(path=connection.url.path, query=connection.url.query)
        method = connection.scope.get("method", "")
        raise ValidationException(
            detail=f"Validation failed for {method} {path}",
            extra=[
                {
                    "message": text.split(" - ", maxsplit=1)[0],
                    # As Litestar does it: every "data." in the key, not only the first.
                    "key": key.replace("data.", ""),
                    "source": "body",
                }
            ],
        ) from error


class StrictBody(AbstractDTO[Any]):
    """A handler's ``dto`` that decodes its ``data`` once, strictly (module docstring); the
    handler reads it through :func:`strict`.

    Only the request body: it is never used for answers, and the OpenAPI schema is the one the
    handler's ``data`` annotation gives without a DTO.
    """

    _decoders: ClassVar[dict[Any, msgspec.json.Decoder[Any]]] = {}
    """A decoder for each type of ``data``, made when a handler declaring it is registered."""

    @classmethod
    def create_for_field_definition(
        cls, field_definition: FieldDefinition, handler_id: str, backend_cls: Any = None
    ) -> None:
        kind = field_definition.annotation
        if kind not in cls._decoders:
            cls._decoders[kind] = msgspec.json.Decoder(kind)

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: SchemaCreator
    ) -> Reference | Schema:
        return schema_creator.for_field_definition(field_definition)

    @classmethod
    def is_supported_model_type_field(cls, field_definition: FieldDefinition) -> bool:
        return False  # never the answer's DTO

    @classmethod
    def generate_field_definitions(
        cls, model_type: type[Any]
    ) -> Generator[DTOFieldDefinition, None, None]:
        yield from ()  # no transfer model: msgspec decodes the Struct itself

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False

    def decode_bytes(self, value: bytes) -> Any:
        # Litestar calls this only for a body that is not empty.
        check_media_type(self.asgi_connection)
        if nested_deeper_than(value):
            raise _too_deep()
        try:
            return self._decode(value)
        except RecursionError:
            raise _too_deep() from None

    def _decode(self, value: bytes) -> Any:
        connection = self.asgi_connection
        # The handler's data field rather than its handler_id, which Litestar computes anew on
        # every access (a string of the handler and its layers).
        field = cast("FieldDefinition", connection.route_handler.parsed_data_field)
        kind = field.annotation
        deferred: BaseException | None = None
        try:
            data = self._decoders[kind].decode(value)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            data = _lenient(connection, value, kind)
            # Leniently valid: the strict reading's error waits for the handler's strict().
            deferred = (
                _invalid(connection, error) if isinstance(error, msgspec.ValidationError) else error
            )
        # A member given twice too (Litestar reads its last value), and first: strict_body
        # refuses it before decoding.
        deferred = repeated_members(value) or deferred
        if deferred is not None:
            cast("dict[str, Any]", connection.scope)[_DEFERRED] = deferred
        return data
