"""``/declarations/new``: a trader or broker lodges a declaration, typed in or uploaded.

``GET /declarations/new`` shows the form: the customs office, the parties, the transport and
the goods items (rows added and removed as in the origin form), each item with an optional
Form E reference; ``POST /declarations/new`` lodges it, ``POST /declarations/upload`` lodges a
declaration file (JSON or YAML, the API's document, ``docs/clearance.md``). Both go through the
clearance services the API uses: validation, the Form E check, the duty, the risk rules and the
lane, release when the lane is green. The visitor then lands on the declaration's page. A form
sent twice (a double click, a reload) lodges one declaration: each form carries its own
idempotency key. The same form, filled with what was declared, amends a declaration held for
documents (:mod:`.amending`).

The browser's Back button after lodging shows the form blank, with a new key: the form is
``autocomplete="off"``, so the browser restores none of its fields (it used to restore some and
not others, and the hidden key never). Typed in again and sent, the same content would lodge a
second declaration; so a form whose key is new and whose document is the same as one the party
lodged in the last hour is answered with a 409 naming that declaration, and lodges only when
sent again (the form then carries the declaration's id in ``again``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from litestar import Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from cafta.clearance.goods import party_key
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.services.clearance import Clearance, Lodge
from cafta.services.faults import is_operators
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.web import labels
from cafta.web.access import admitted
from cafta.web.declaration_form import INCOTERMS, TRANSPORT_MODES, DeclarationForm, new_key
from cafta.web.documents import parse_document
from cafta.web.forms import Errors, Message, message_of, own, posted_form, text_of, upload_text
from cafta.web.i18n import N_
from cafta.web.language_switch import FILE_AGAIN, is_switch, resendable, row_fields
from cafta.web.pages.declarations import clearance_of
from cafta.web.pages.representations import broker_importers, importer_named, no_authority
from cafta.web.rendering import AnyRequest, language_of, page

__all__ = ["MAX_FILE", "lodge_form", "lodge_typed", "lodge_upload", "removed_row", "show_form"]

_LODGERS = frozenset({Role.TRADER, Role.BROKER, Role.ADMIN})
_NOT_ALLOWED = "declarations are lodged by traders and customs brokers"
MAX_FILE = 512_000
ALREADY_SENT = N_(
    "This form was already sent and lodged; your declarations list has it. "
    "Send the form again to lodge it as a new declaration."
)
LODGED_BEFORE = N_(
    "You lodged a declaration with exactly this content a short while ago: %(id)s. If you came "
    "back to this form with your browser's Back button, it is already lodged. To lodge the same "
    "goods again as a new declaration, send the form again."
)
_RECENT = timedelta(hours=1)
"""How far back a declaration the same content lodged makes a new form ask first."""
_RECENT_LIMIT = 50
MODES = labels.MODES


@dataclass(frozen=True, slots=True)
class Outcome:
    declaration_id: str | None
    errors: Errors
    status: int
    form: DeclarationForm
    again: str = ""
    """A declaration the same content lodged lately: sending the form again lodges anyway."""


async def _lodger(request: AnyRequest) -> Principal | Redirect:
    return await admitted(request, _LODGERS, _NOT_ALLOWED, back_to="/declarations/new")


def _lodge(clearance: Clearance, document: object, principal: Principal, key: str) -> str:
    if not isinstance(document, dict):
        raise InvalidInput("a declaration must be an object", code="declaration.not_an_object")
    return clearance.lodge(Lodge(document, principal, key or None)).declaration.id


def _lodged_lately(
    clearance: Clearance, document: Mapping[str, Any], principal: Principal, key: str
) -> str | None:
    """The declaration the party lodged in the last hour with exactly ``document``, unless the
    form's ``key`` is one already used (then the idempotency key answers)."""
    party = party_key(principal.party)
    since = clearance.clock.now() - _RECENT
    with clearance.uow(read_only=True) as uow:
        if key and uow.idempotency.find(party, key) is not None:
            return None
        records = uow.declarations.list(DeclarationFilter(party=party, limit=_RECENT_LIMIT))
    for record in records:
        if record.lodged_at < since:
            break
        if record.document.get("filed") == document:
            return record.id
    return None


def _lodge_form(
    clearance: Clearance, form: DeclarationForm, principal: Principal, again: str = ""
) -> Outcome:
    document, numbers, errors = form.document()
    if errors:
        return Outcome(None, errors, 400, form)
    earlier = _lodged_lately(clearance, document, principal, form.key)
    if earlier is not None and earlier != again:
        message = Message(LODGED_BEFORE, values={"id": earlier})
        return Outcome(None, {"": message}, 409, form, again=earlier)
    try:
        return Outcome(_lodge(clearance, document, principal, form.key), {}, 201, form)
    except Conflict as error:
        if error.code != "idempotency.key_reused":
            raise
        return Outcome(None, {"": own(ALREADY_SENT)}, 409, replace(form, key=new_key()))
    except (InvalidInput, NotFound) as error:
        if is_operators(error):
            raise
        status = 404 if isinstance(error, NotFound) else 400
        return Outcome(None, form.error_for(error, numbers), status, form)


def _lodge_file(clearance: Clearance, text: str, name: str, principal: Principal, key: str) -> str:
    return _lodge(clearance, parse_document(text, name), principal, key)


async def show_form(
    request: AnyRequest,
    form: DeclarationForm,
    errors: Errors,
    status: int,
    *,
    amending: Mapping[str, Any] | None = None,
    again: str = "",
) -> Response[str]:
    """The declaration form with ``errors`` next to their fields: for lodging, or, with
    ``amending`` (the declaration's ``id``, the ``version`` the form amends and what of the
    filed document the form ``left_out``), for amending a declaration
    (:mod:`cafta.web.pages.amending`). Its amounts are shown as the page's language writes
    numbers; ``again`` is a declaration the same content lodged lately."""
    values = {
        "form": form.restyled(language_of(request).code),
        "again": again,
        "errors": errors,
        "modes": MODES,
        "transport_modes": TRANSPORT_MODES,
        "incoterms": INCOTERMS,
        "upload_key": new_key(),
        "amending": amending,
        "importers": await broker_importers(request) if amending is None else None,
    }
    return await page(request, "declaration_new.html", values, status=status)


def _lodged(declaration_id: str) -> Redirect:
    return Redirect(f"/declarations/{quote(declaration_id)}?lodged=1", status_code=303)


@get("/declarations/new")
async def lodge_form(request: AnyRequest) -> Response[str] | Redirect:
    """The blank form, with the signed-in party as declarant (and importer for a trader)."""
    principal = await _lodger(request)
    if isinstance(principal, Redirect):
        return principal
    numbers = language_of(request).code
    broker = principal.role is Role.BROKER
    blank = DeclarationForm.blank_for(principal.party, broker=broker, numbers=numbers)
    return await show_form(request, blank, {}, 200)


def removed_row(form: FormMultiDict) -> int | None:
    """The row whose "Remove" button sent the form, if one did."""
    action = text_of(form, "remove", 10)
    return int(action) if action.isdigit() else None


@post("/declarations/new", status_code=200)
async def lodge_typed(request: AnyRequest) -> Response[str] | Redirect:
    """Rows added or removed, or the declaration typed in lodged."""
    posted = await posted_form(request)
    removed = removed_row(posted)
    form = DeclarationForm.from_form(posted, language_of(request).code)
    resendable(request, posted, row_fields(posted, "i", removed, form.numbers))
    principal = await _lodger(request)
    if isinstance(principal, Redirect):
        return principal
    if is_switch(posted):  # the same form in another language: shown again, never lodged
        _, _, errors = form.document()
        # With a new key: the key sent again may be one a declaration was lodged with (the
        # page said so, with a new key the switch did not send).
        fresh = replace(form, key=new_key())
        return await show_form(request, fresh, errors, 400 if errors else 200)
    if removed is not None:
        return await show_form(request, form.removing_row(removed), {}, 200)
    if text_of(posted, "action", 20) == "add_rows":
        return await show_form(request, form.adding_rows(), {}, 200)
    clearance = clearance_of(request)
    again = text_of(posted, "again", 100)
    try:
        outcome = await to_thread.run_sync(_lodge_form, clearance, form, principal, again)
    except Forbidden as error:
        refused = no_authority(request, error, form.importer_name)
        if refused is None:
            raise PermissionDeniedException(detail=error.message) from None
        return await show_form(request, form, {"importer_name": refused}, 403)
    if outcome.declaration_id is not None:
        return _lodged(outcome.declaration_id)
    return await show_form(
        request, outcome.form, outcome.errors, outcome.status, again=outcome.again
    )


@post("/declarations/upload", status_code=200)
async def lodge_upload(request: AnyRequest) -> Response[str] | Redirect:
    """A declaration file lodged."""
    posted = await posted_form(request)
    resendable(request, posted)
    principal = await _lodger(request)
    if isinstance(principal, Redirect):
        return principal
    blank = DeclarationForm.blank_for(principal.party, broker=principal.role is Role.BROKER)
    if is_switch(posted):  # shown again in another language: the file is not sent again
        return await show_form(request, blank, {"declaration_file": own(FILE_AGAIN)}, 200)
    upload = posted.get("declaration_file")
    text, problem = await upload_text(upload, MAX_FILE)
    if text is None:
        missing = problem or own(N_("Choose a declaration file (JSON or YAML) to upload."))
        return await show_form(request, blank, {"declaration_file": missing}, 400)
    name = str(getattr(upload, "filename", "") or "")
    key = text_of(posted, "idempotency_key", 80)
    clearance = clearance_of(request)
    try:
        declaration_id = await to_thread.run_sync(
            _lodge_file, clearance, text, name, principal, key
        )
    except Forbidden as error:
        refused = no_authority(request, error, importer_named(text, name))
        if refused is None:
            raise PermissionDeniedException(detail=error.message) from None
        return await show_form(request, blank, {"declaration_file": refused}, 403)
    except (InvalidInput, NotFound, Conflict) as error:
        if is_operators(error):
            raise
        # The path stays in the message: it names a place in the visitor's own file.
        if isinstance(error, Conflict):
            message: Message = own(ALREADY_SENT)
        else:
            message = message_of(error)
        status = {NotFound: 404, Conflict: 409}.get(type(error), 400)
        return await show_form(request, blank, {"declaration_file": message}, status)
    return _lodged(declaration_id)
