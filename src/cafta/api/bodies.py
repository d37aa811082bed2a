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
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import URL
from litestar.dto import AbstractDTO
from litestar.exceptions import ValidationException
from litestar.serialization import decode_json
from litestar.typing import FieldDefinition

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.dto.data_structures import DTOFieldDefinition
    from litestar.openapi.spec import Reference, Schema

__all__ = ["StrictBody", "field_path", "strict", "strict_body"]

T = TypeVar("T")

_LITESTAR_PATH = re.compile(r"`\$\.(.+)`$")
"""The path in a msgspec error, as Litestar's signature model finds it."""
_DEFERRED = "cafta.strict_body_error"
"""Where :class:`StrictBody` leaves, in the request's scope, the error :func:`strict` raises."""


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
    try:
        return msgspec.json.decode(await request.body(), type=kind)
    except msgspec.ValidationError as error:
        raise _invalid(request, error) from None


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
        connection = self.asgi_connection
        # The handler's data field rather than its handler_id, which Litestar computes anew on
        # every access (a string of the handler and its layers).
        field = cast("FieldDefinition", connection.route_handler.parsed_data_field)
        kind = field.annotation
        try:
            return self._decoders[kind].decode(value)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            data = _lenient(connection, value, kind)
            # Leniently valid: the strict reading's error waits for the handler's strict().
            deferred = (
                _invalid(connection, error) if isinstance(error, msgspec.ValidationError) else error
            )
            cast("dict[str, Any]", connection.scope)[_DEFERRED] = deferred
            return data
