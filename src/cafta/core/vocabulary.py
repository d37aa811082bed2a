"""Closed vocabularies: reading a person's word into one member of a ``StrEnum``.

Matching ignores case, surrounding space and the difference between ``_`` and ``-`` (``form_e``,
``Form-E``); ``aliases`` add other accepted words. An unknown word raises :class:`InvalidInput`
with the caller's stable ``code`` and a hint listing every accepted value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar, cast

from cafta.core.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def _fold(word: str) -> str:
    return " ".join(word.split()).lower().replace("_", "-")


class _Table:
    """One vocabulary's lookups, built once per enum: documents name members in hot paths.

    ``folded`` maps each member's folded value to the member (the first member wins when two
    fold alike, as the scan over the enum did). ``spelled`` maps the usual spellings of a value
    (as written, lower and upper case) straight to the member, so those skip the folding; it
    is built from the folding itself, so the answer is the same either way.
    """

    __slots__ = ("folded", "spelled")

    def __init__(self, kind: type[StrEnum]) -> None:
        self.folded: dict[str, StrEnum] = {}
        for member in kind:
            self.folded.setdefault(_fold(member.value), member)
        self.spelled: dict[str, StrEnum] = {}
        for member in kind:
            for spelling in (member.value, member.value.lower(), member.value.upper()):
                found = self.folded.get(_fold(spelling))
                if found is not None:
                    self.spelled.setdefault(spelling, found)


_TABLES: dict[type[StrEnum], _Table] = {}


def _table(kind: type[StrEnum]) -> _Table:
    table = _TABLES.get(kind)
    if table is None:
        # Enums are fixed once defined; two threads building the same table is harmless.
        table = _TABLES[kind] = _Table(kind)
    return table


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
    table = _table(kind)
    if not aliases:
        member = table.spelled.get(text) if type(text) is str else None
        if member is not None:
            return cast(E, member)
    key = _fold(text)
    if aliases:
        key = {_fold(a): _fold(v) for a, v in aliases.items()}.get(key, key)
    found = table.folded.get(key)
    if found is not None:
        return cast(E, found)
    raise InvalidInput(
        f"unknown {what} '{text}'",
        code=code,
        hint=hint or f"Use one of: {', '.join(m.value for m in kind)}.",
    )
