"""Reading posted forms: the anti-forgery check, text fields, uploads, and field messages.

A message next to a field is either the portal's own (an English msgid the template translates)
or an engine's (English text, shown as it is with a note that details are in English).

An engine's hint may speak to the operator of a command line (``find yours with 'cafta hs
search'``, ``import one with 'cafta tariff import FILE'``): for those errors the portal gives
advice of its own instead, translated, with a link to the page that helps (:data:`ADVICE`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.exceptions import PermissionDeniedException

from cafta.core.errors import CaftaError
from cafta.core.money import check_currency_code, minor_unit
from cafta.identifiers import hs
from cafta.web import csrf
from cafta.web.context import portal_of
from cafta.web.i18n import N_
from cafta.web.numbers import NEGATIVE, NEGATIVE_NUMBER, NumberStyle, Unreadable

__all__ = [
    "BAD_OFFICE",
    "CSRF_FAILED",
    "NO_SUCH_CHOICE",
    "TOO_LONG",
    "Errors",
    "Message",
    "engine_message",
    "message_of",
    "own",
    "posted_form",
    "read_number",
    "text_of",
    "too_long",
    "upload_text",
]

CSRF_FAILED = N_(
    "This form has expired or your browser did not send its cookie. "
    "Go back, reload the page and send the form again."
)
TOO_LONG = N_("This is too long: at most %(limit)s characters.")
NOT_POSITIVE = N_("This must be more than zero.")
TOO_PRECISE = N_("An amount in %(currency)s has at most %(places)s decimal places.")
WHOLE_UNITS = N_("An amount in %(currency)s has no decimal places: write a whole number.")
NO_SUCH_CHOICE = N_("There is no such choice: pick one from the list.")
"""A value a list or a set of buttons does not offer (a hand-made or outdated address, a
crafted form): refused next to its field (400), never silently read as another choice."""
BAD_OFFICE = N_("Enter the office's UN/LOCODE: five letters, e.g. CNYYG.")


@dataclass(frozen=True, slots=True)
class Message:
    """A message for the visitor: ``localized`` ones are msgids, the others English text."""

    text: str
    localized: bool = True
    hint: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    """What a localized message's (or the ``advice``'s) ``%(name)s`` placeholders stand for."""
    advice: str = ""
    """For an engine's message: the portal's own hint (a msgid), shown instead of ``hint``."""
    link: tuple[str, str] | None = None
    """Where the advice leads: (the portal's address, the msgid of its name)."""


Errors = dict[str, Message]
"""Messages by the name of the form field they are about (``""``: the form as a whole)."""


def own(text: str) -> Message:
    """One of the portal's messages (an English msgid marked with ``N_``)."""
    return Message(text)


def too_long(limit: int) -> Message:
    """The portal's message for a field longer than its ``limit`` (in characters)."""
    return Message(TOO_LONG, values={"limit": limit})


def read_number(
    text: str,
    style: NumberStyle,
    *,
    currency: str | None = None,
    positive: bool = False,
    money: bool = True,
) -> tuple[Decimal | None, Message | None]:
    """A number typed in ``style`` (:mod:`cafta.web.numbers`): the number, or the message
    saying why it is refused (malformed, ambiguous, too large, negative; zero when it must be
    ``positive``; more decimals than ``currency`` has, trailing zeros aside). ``money``: the
    message for a negative number speaks of an amount, else of a number (a quantity, a mass).
    """
    try:
        number = style.read(text)
    except Unreadable as error:
        return None, Message(error.message, values=error.values)
    if number < 0:
        return None, own(NEGATIVE if money else NEGATIVE_NUMBER)
    if positive and not number:
        return None, own(NOT_POSITIVE)
    code = _currency(currency)
    exponent = number.normalize().as_tuple().exponent
    if code and isinstance(exponent, int) and -exponent > (places := minor_unit(code)):
        values = {"currency": code, "places": places}
        return None, Message(TOO_PRECISE if places else WHOLE_UNITS, values=values)
    return number, None


def _currency(text: str | None) -> str:
    """``text`` as a currency code, "" when it is none (its own field says so)."""
    try:
        return check_currency_code(text) if text else ""
    except CaftaError:
        return ""


_FIND = ("/hs", N_("Find your product"))
ADVICE: dict[str, tuple[str, tuple[str, str] | None]] = {
    "hs.unknown": (N_("Check the digits, or look the goods up by their description:"), _FIND),
    "tariff.code_too_short": (
        N_("Give one of its subheadings (such as %(examples)s) or a national line. To find yours:"),
        _FIND,
    ),
    "tariff.no_schedule": (
        N_(
            "This importing country's tariff schedule is not loaded on this portal: choose one "
            "of the importing countries offered."
        ),
        None,
    ),
    "tariff.no_measures": (
        N_(
            "This importing country's tariff schedule, as loaded on this portal, has no duty "
            "rate for these goods on that day. Check the code, or ask the customs office:"
        ),
        _FIND,
    ),
}
"""The portal's advice for the engine errors whose hint is the command line's, by code."""
_EARLY = N_("The rates loaded for this line start on %(day)s: choose that day or a later one.")
_STARTS = re.compile(r"start on (\d{4}-\d{2}-\d{2})")


def _advice(error: CaftaError) -> tuple[str, tuple[str, str] | None, dict[str, object]] | None:
    found = ADVICE.get(error.code)
    if found is None:
        return None
    advice, link = found
    if error.code == "tariff.code_too_short":
        shown = error.details.get("subheadings")
        codes = [str(c) for c in shown[:3]] if isinstance(shown, list) else []
        examples = ", ".join(hs.format(c) if hs.is_valid(c) else c for c in codes)
        return advice, link, {"examples": examples or "…"}
    starts = _STARTS.search(error.hint or "") if error.code == "tariff.no_measures" else None
    if starts is not None:  # asked for a day before the schedule's rates for the line start
        return _EARLY, None, {"day": starts.group(1)}
    return advice, link, {}


def message_of(error: CaftaError, text: str | None = None) -> Message:
    """An engine's error as a message: ``text`` (its message unless given) and its hint, or
    the portal's advice for the errors whose hint is the command line's."""
    found = _advice(error)
    if found is None:
        return Message(text or error.message, localized=False, hint=error.hint)
    advice, link, values = found
    return Message(text or error.message, localized=False, values=values, advice=advice, link=link)


def engine_message(error: CaftaError) -> Message:
    """An engine's error as a message: its text without the field's path, and its hint."""
    text = error.message
    field = error.details.get("field")
    if isinstance(field, str) and text.startswith(f"{field}: "):
        text = text[len(field) + 2 :]
    return message_of(error, text)


async def posted_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    """The posted form, once its anti-forgery token is checked (a 403 page otherwise)."""
    form = await request.form()
    submitted = form.get(csrf.CSRF_FIELD)
    nonce = request.cookies.get(csrf.CSRF_COOKIE)
    secret = portal_of(request).settings.secret
    if not isinstance(submitted, str) or not csrf.is_valid(secret, nonce, submitted):
        raise PermissionDeniedException(detail=CSRF_FAILED)
    return form


def text_of(values: Mapping[str, Any], name: str, limit: int | None = 200) -> str:
    """A text field, stripped and cut to ``limit`` characters ("" when absent or a file);
    whole with ``limit=None``, for a form that refuses what is too long (:func:`too_long`)
    rather than cutting it silently."""
    value = values.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip()[:limit]


async def upload_text(value: object, limit: int) -> tuple[str | None, Message | None]:
    """The text of an uploaded file: ``(None, None)`` when no file was chosen, else the text or
    a message saying why it cannot be read (too large, not UTF-8)."""
    if not isinstance(value, UploadFile) or not value.filename:
        return None, None
    data = await value.read(limit + 1)
    if not data:
        return None, None
    if len(data) > limit:
        return None, own(N_("The file is too large."))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, own(N_("The file is not UTF-8 text. Save it as UTF-8 and try again."))
