"""The language switch of a page answered to a form sent with ``POST``.

The switch's links (``?lang=vi``) keep a ``GET`` page's question, but a page that answers a
``POST`` (a form back with its errors, an origin decision, a certificate's verdict) has no
address of its own: a link to it with ``?lang=`` was a ``GET`` of a ``POST`` address (405) or the
blank form, losing everything typed. So such a page's switch is a small form instead: it sends
the page's fields again, with the new language in its address and :data:`FIELD` set, and the
page comes back in that language with what was typed.

A handler says its page may be sent again with :func:`resendable` (what the form sent, or the
fields it chooses: the text of an uploaded file, since a file cannot be sent again by the
page). A handler whose form changes something (lodges, decides, cancels) must read a form with
:data:`FIELD` (:func:`is_switch`) as "show it again", never as "do it": it shows the form with
what was typed and the messages of its own checks. A page whose handler has not said so, or
whose form was refused before it was read (an expired form), gets links to the address where
its form is shown (:func:`get_address`), such as the declaration's page for its decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from cafta.web import csrf
from cafta.web.i18n import N_
from cafta.web.numbers import FIELD as NUMBERS_FIELD

__all__ = [
    "FIELD",
    "FILE_AGAIN",
    "get_address",
    "is_switch",
    "resendable",
    "resent_fields",
    "row_fields",
]

FIELD = "switch_language"
"""Set (``1``) in a form sent again by the language switch."""
FILE_AGAIN = N_(
    "A file is not sent again when the language changes: choose the file again to send it."
)
_STATE = "cafta_portal_resend"
_NEVER = frozenset({csrf.CSRF_FIELD, FIELD, "token"})
"""Fields never sent again: the anti-forgery token (the page's own is sent), the marker, and a
sign-in token (a secret is never written into a page)."""
_GET_ADDRESSES = (
    (re.compile(r"^(/declarations/[^/]+)/(?:decision|amendment|cancellation)$"), r"\1"),
    (re.compile(r"^/declarations/upload$"), "/declarations/new"),
    (re.compile(r"^/origin/upload$"), "/origin"),
)
"""The address of the page that shows a form, for the forms that are sent elsewhere."""


def is_switch(form: Mapping[str, Any]) -> bool:
    """Whether ``form`` was sent again by the language switch (to show, not to act on)."""
    return form.get(FIELD) == "1"


def resendable(
    request: Request[Any, Any, Any],
    form: Any,
    fields: Iterable[tuple[str, str]] | None = None,
) -> None:
    """Let the page answering ``request`` send ``form`` (a ``FormMultiDict``) again when the
    visitor switches language; ``fields``: what to send instead (the text of an uploaded
    file, say). Files are never sent again."""
    if fields is None:
        fields = [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
    request.state[_STATE] = [
        (name, value) for name, value in fields if isinstance(value, str) and name not in _NEVER
    ]


def row_fields(form: Any, prefix: str, removed: int | None, numbers: str) -> list[tuple[str, str]]:
    """The text fields of ``form``, a form of rows (:mod:`cafta.web.rows`, fields
    ``<prefix>-<n>-<name>``), as the page answering it shows them: without the buttons that
    changed its rows ("Add rows", a row's "Remove") and without the row ``removed``; with
    ``numbers``, the language its numbers were read in (sent again to a page in another
    language, they are read the same way)."""
    gone = f"{prefix}-{removed}-" if removed is not None else None
    kept = [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str)
        and name not in ("action", "remove", NUMBERS_FIELD)
        and not (gone and name.startswith(gone))
    ]
    return [*kept, (NUMBERS_FIELD, numbers)]


def resent_fields(request: Request[Any, Any, Any]) -> list[tuple[str, str]] | None:
    """What the language switch of the page answering ``request`` sends again (``None``: the
    page cannot be sent again; its switch links to :func:`get_address`)."""
    found = request.state.get(_STATE)
    return found if isinstance(found, list) else None


def get_address(path: str) -> str:
    """The address of the page that shows the form sent to ``path``."""
    for pattern, address in _GET_ADDRESSES:
        if pattern.match(path):
            return pattern.sub(address, path)
    return path
