"""Request bodies whose objects give a member twice are refused, naming the member.

JSON (RFC 8259 §4) says the names in an object SHOULD be unique and leaves what a repeated one
means to each reader; msgspec, like Python's ``json``, keeps the last one and says nothing. A
declaration with ``"office"`` twice, or a duty request with ``"origin": "TH", "origin": "US"``,
would be read as whichever came last, whatever its sender meant (and a proxy or a log reading
the first would see another document). Such a body is answered with a 400
``request.duplicate_member`` naming the repeated member's path (``office``,
``items[0].value.amount``): :func:`repeated_members` gives that error, which
:mod:`cafta.api.bodies` raises where a body's strict reading raises its errors.

Made for every request body, so the common case is cheap: the body is decoded into plain
values, where a repeated member has been dropped, and written again; the text written has as
many colons as the body only when no member was dropped. A colon in a string is one in both
texts, and each member has one after its name; only a colon written as an escape (``\\u003a``)
is a colon in the text written and not in the body, so a body with one is checked the exact
way, as is a body whose counts differ. The exact way (:func:`repeated_member`) reads the body
with Python's ``json``, keeping every member, and names the first repeated one in the order of
the text.

For the example declaration (``examples/declarations/durian-youyiguan.json``, one item) the
quick check is about 54,000 instructions (callgrind), 4-5 µs, against 36,000 for decoding it
strictly into its Struct and 124,000 for reading it with ``json`` and an ``object_pairs_hook``
checking every object; a lodging is some 6 million.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from cafta.core.errors import InvalidInput
from cafta.core.fields import field_error

__all__ = ["repeated_member", "repeated_members"]

_VALUES = msgspec.json.Decoder()
_TEXT = msgspec.json.Encoder()
_ESCAPES = b"\\u003"
"""How a colon written as an escape starts (``\\u003a``, ``\\u003A``)."""
_LONGEST_NAME = 60
"""How much of a member's name an error quotes (a name may be as long as the body)."""


class _Members(list[tuple[str, Any]]):
    """An object's members as the body gives them, repeated ones included."""

    __slots__ = ()


def _step(path: str, name: str) -> str:
    if len(name) > _LONGEST_NAME:
        name = name[:_LONGEST_NAME] + "…"
    return f"{path}.{name}" if path else name


def _first_repeated(value: Any, path: str) -> str | None:
    """The path of the first member given twice in ``value`` (in the order of the text)."""
    if type(value) is _Members:
        seen: set[str] = set()
        for name, member in value:
            if name in seen:
                return _step(path, name)
            seen.add(name)
            found = _first_repeated(member, _step(path, name))
            if found is not None:
                return found
    elif type(value) is list:
        for index, item in enumerate(value):
            found = _first_repeated(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def repeated_member(body: bytes) -> str | None:
    """The path of the first member an object of ``body`` gives twice (``office``,
    ``items[0].value.amount``); ``None`` when there is none, or when ``body`` is not JSON
    (its decoder says so)."""
    try:
        value = json.loads(body, object_pairs_hook=_Members)
    except (ValueError, RecursionError):  # not JSON; RecursionError: nested_deeper_than
        return None
    return _first_repeated(value, "")


def _may_repeat(body: bytes) -> bool:
    """``False`` when no object of ``body`` gives a member twice (or ``body`` is not JSON);
    ``True`` when one may (module docstring)."""
    try:
        values = _VALUES.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return False  # not JSON: the body's decoder answers it
    # _ESCAPES also finds the escapes of "0" to "?", rare enough to be checked the exact way.
    return _TEXT.encode(values).count(b":") != body.count(b":") or _ESCAPES in body


def repeated_members(body: bytes) -> InvalidInput | None:
    """The error for the first member ``body`` gives twice (400 ``request.duplicate_member``,
    naming it); ``None`` when no object of ``body`` gives a member twice."""
    path = repeated_member(body) if _may_repeat(body) else None
    if path is None:
        return None
    return field_error(
        path,
        "given more than once (an object names each member once)",
        code="request.duplicate_member",
        hint="Send each member once, with the value you mean.",
    )
