"""Closed vocabularies: reading a person's word into one member of a ``StrEnum``.

Matching ignores case, surrounding space and the difference between ``_`` and ``-`` (``form_e``,
``Form-E``); ``aliases`` add other accepted words. An unknown word raises :class:`InvalidInput`
with the caller's stable ``code`` and a hint listing every accepted value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from cafta.core.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def _fold(word: str) -> str:
    return " ".join(word.split()).lower().replace("_", "-")


def parse_member(
    kind: type[E],
    text: str,
    *,
    what: str,
    code: str,
    aliases: Mapping[str, str] | None = None,
    hint: str | None = None,
) -> E:
    """The member of ``kind`` that ``text`` names (its value, or an alias of its value)."""
    key = _fold(text)
    key = {_fold(a): _fold(v) for a, v in (aliases or {}).items()}.get(key, key)
    for member in kind:
        if _fold(member.value) == key:
            return member
    raise InvalidInput(
        f"unknown {what} '{text}'",
        code=code,
        hint=hint or f"Use one of: {', '.join(m.value for m in kind)}.",
    )
