"""Names people type: of parties, officers, findings.

A name goes into the timeline, the audit log and the risk model's labels, where it must say who
or what. One made only of spaces and invisible characters (a zero-width space, U+200B) names
nobody, and one with a control character (a line break) can forge a line of a log or a
listing: both are refused.
"""

from __future__ import annotations

import unicodedata

from cafta.core.errors import InvalidInput

__all__ = ["checked_name", "checked_note", "has_direction_control", "is_visible"]


def is_visible(text: str) -> bool:
    """Whether ``text`` has a character one can see (not a space, a format or a control
    character)."""
    if text.isprintable() and text.strip():  # the usual case, checked in C
        return True
    return any(unicodedata.category(ch)[0] not in "CZ" for ch in text)


_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make what follows
display in another order, so "Evil \u202eBroker" shows in a list as another name. Text in
Arabic or Hebrew needs none of them (the Unicode bidirectional algorithm orders it)."""


def has_direction_control(text: str) -> bool:
    """Whether ``text`` holds a character that reorders how the text after it is shown."""
    return not _DIRECTION_CONTROLS.isdisjoint(text)


def checked_name(text: str, what: str, code: str) -> str:
    """``text`` stripped, or :class:`InvalidInput` (``code``) when it names nothing or holds a
    control character; ``what`` says whose name it is (``"the officer's name"``)."""
    name = text.strip()
    if not is_visible(name):
        raise InvalidInput(f"{what} is empty or invisible", code=code,
                           hint="Give a name people can read.")  # fmt: skip
    if not name.isprintable() and any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InvalidInput(f"{what} holds a control character (a line break, a tab)", code=code,
                           hint="Write it on one line.")  # fmt: skip
    if not name.isprintable() and has_direction_control(name):
        raise InvalidInput(f"{what} holds a character that reverses how the text is shown",
                           code=code, hint="Type the name as it is written.")  # fmt: skip
    return name


_NOTE_CONTROLS = frozenset("\t\n\r")
"""The control characters a note may hold: it may run over several lines."""


def checked_note(text: str | None, what: str, code: str) -> str | None:
    """A free-text note (an officer's, a declarant's), stripped: ``None`` when it says
    nothing (absent, or spaces and invisible characters only); :class:`InvalidInput`
    (``code``) when it holds a control character other than a tab or a line break (NUL, an
    escape), which would corrupt a log line or be refused by the database."""
    if text is None:
        return None
    note = text.strip()
    if not is_visible(note):
        return None
    if not note.isprintable() and any(
        unicodedata.category(ch) == "Cc" and ch not in _NOTE_CONTROLS for ch in note
    ):
        raise InvalidInput(f"{what} holds a control character (NUL, an escape)", code=code,
                           hint="Write plain text; line breaks and tabs are kept.")  # fmt: skip
    if not note.isprintable() and has_direction_control(note):
        raise InvalidInput(f"{what} holds a character that reverses how the text is shown",
                           code=code, hint="Write plain text.")  # fmt: skip
    return note
