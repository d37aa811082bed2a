"""Request bodies read strictly: JSON types as the document says, no coercion.

Litestar converts a body to its Struct leniently (``0`` passes for ``false``, ``"1"`` for
``1``). The API promises the types of its OpenAPI document, as the domain parsers do, so each
body is decoded once more, strictly, with msgspec; an error names the field by its path
(msgspec's ``$.items[0].line`` becomes ``items[0].line``) and is answered like every other
validation error (:func:`cafta.api.errors.http_error_handler`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

__all__ = ["field_path", "strict_body"]

T = TypeVar("T")


def field_path(where: str) -> str | None:
    """``$.items[0].line`` → ``items[0].line``; the document itself (``$``) → ``None``."""
    path = where.strip().strip("`").removeprefix("$").removeprefix(".")
    return path or None


async def strict_body(request: Request[Any, Any, Any], kind: type[T]) -> T:
    """The request's JSON body as ``kind``, without type coercion."""
    try:
        return msgspec.json.decode(await request.body(), type=kind)
    except msgspec.ValidationError as error:
        message, found, where = str(error).rpartition(" - at ")
        if not found:
            message, where = str(error), "$"
        path = field_path(where)
        raise ValidationException(
            detail=f"Validation failed for {request.method} {request.url.path}",
            extra=[{"message": message, "key": path or "data", "source": "body"}],
        ) from None
