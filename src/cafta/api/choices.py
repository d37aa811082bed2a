"""The values a request field may take, for an error that says which were allowed.

msgspec refuses a value outside an enumeration with "Invalid enum value 'x'" and no list of the
values; the OpenAPI document has them, but a trader reads the error. :func:`allowed_values`
finds them from the route handler's signature: a query or path parameter by its name, a body
field by its path (``items[0].incoterm``) through the body's Structs.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

__all__ = ["allowed_values"]

_STEP = re.compile(r"\[\d+\]|[^.\[\]]+")


def allowed_values(handler: Any, field: str) -> tuple[str, ...] | None:
    """The values ``field`` of a request to ``handler`` (a Litestar route handler) may take,
    when they are an enumeration; ``None`` when they are not or the field is not found."""
    parameters: Mapping[str, Any] = getattr(
        getattr(handler, "parsed_fn_signature", None), "parameters", {}
    )
    parameter = parameters.get(field)
    if parameter is not None:
        return _enumerated(parameter.annotation)
    body = parameters.get("data")
    if body is None:
        return None
    kind: Any = body.annotation
    for step in _STEP.findall(field):
        kind = _inner(kind, step)
        if kind is None:
            return None
    return _enumerated(kind)


def _plain(kind: Any) -> Any:
    """``kind`` without ``Annotated`` and without ``None`` in a union of one other type."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind = get_args(kind)[0]
        elif origin in (Union, types.UnionType):
            others = [arg for arg in get_args(kind) if arg is not type(None)]
            if len(others) != 1:
                return kind
            kind = others[0]
        else:
            return kind


def _inner(kind: Any, step: str) -> Any:
    """The type of ``step`` (a field name, or ``[n]`` for a list's element) inside ``kind``."""
    kind = _plain(kind)
    if step.startswith("["):
        origin = get_origin(kind)
        return get_args(kind)[0] if origin in (list, tuple) and get_args(kind) else None
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        for field in msgspec.structs.fields(kind):
            if field.encode_name == step:
                return field.type
    return None


def _enumerated(kind: Any) -> tuple[str, ...] | None:
    kind = _plain(kind)
    if get_origin(kind) is Literal:
        return tuple(str(value) for value in get_args(kind))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return tuple(str(member.value) for member in kind)
    return None
