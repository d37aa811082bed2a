"""The declarant's forms on a declaration's page: amend it, or cancel it.

``POST /declarations/{id}/amendment`` takes the whole corrected declaration as a file (JSON or
YAML, read as the lodging page reads one) while the declaration is held for documents;
``POST /declarations/{id}/cancellation`` withdraws it before release, with an optional note.
Both are for the trader or broker whose party the declaration names, go through the clearance
services the API uses, and are protected against cross-site forgery; on success the visitor
lands back on the declaration's page, which says what was done. (The same amendment typed in
the lodging form, filled with what was declared, is :mod:`.amending`; it shares the helpers
below.)

Each form carries the version of the declaration it was shown with, and the change is made only
on that version. So a form sent twice (a double click, a reload) changes the declaration once:
the second sending finds the change already made by the same party and lands on the page as the
first did. A change refused (a mistake in the file, a status that no longer allows it, a change
made meanwhile by someone else) shows the page again with the reason; so does a broker's change
refused for want of the importer's authority on the day (``declaration.no_authority``: the
page then says, as the lodging page does, that only the importer can give it, and offers no
form).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from litestar import Response, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect

from cafta.clearance.declaration import Declaration
from cafta.clearance.lifecycle import Status
from cafta.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from cafta.services.clearance import Amend, Cancel
from cafta.services.faults import is_operators
from cafta.services.ports import Principal
from cafta.web.context import portal_of
from cafta.web.documents import parse_document
from cafta.web.forms import (
    Errors,
    engine_message,
    message_of,
    own,
    posted_form,
    text_of,
    too_long,
    upload_text,
)
from cafta.web.i18n import N_
from cafta.web.language_switch import FILE_AGAIN, is_switch, resendable
from cafta.web.pages.declarations import DECLARANTS, clearance_of, show_declaration
from cafta.web.pages.lodging import MAX_FILE
from cafta.web.pages.representations import no_authority
from cafta.web.rendering import AnyRequest
from cafta.web.session import signed_in

__all__ = [
    "amend",
    "amended_or_refused",
    "back",
    "cancel",
    "declarant",
    "forbidden",
    "version_of",
]

_NOT_ALLOWED = "only the declarant amends or cancels a declaration"
CHOOSE_FILE = N_("Choose the corrected declaration file (JSON or YAML) to upload.")
CHANGED_MEANWHILE = N_(
    "This declaration was changed meanwhile, by a customs officer or by the system. Its current "
    "state is shown below: amend or cancel it again if that is still needed."
)


async def declarant(request: AnyRequest) -> Principal:
    """The trader or broker who sent a declarant's form (a 403 page for anyone else)."""
    principal = await signed_in(request, portal_of(request).tokens)
    if principal is None or principal.role not in DECLARANTS:
        raise PermissionDeniedException(detail=_NOT_ALLOWED)
    return principal


def version_of(form: Mapping[str, Any]) -> int:
    """The version the form was shown with. A form without it (not one of ours) is made on
    version 0, which no stored declaration has: it changes nothing."""
    text = text_of(form, "version", 10)
    return int(text) if text.isdigit() else 0


def _last_by(declaration: Declaration, event: str, principal: Principal) -> bool:
    """Whether ``declaration``'s latest ``event`` was ``principal``'s."""
    found = [h for h in declaration.history if h["event"] == event]
    return bool(found) and found[-1]["actor"] == principal.party


def _same(first: object, second: object) -> bool:
    def canonical(value: object) -> str:
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)

    return canonical(first) == canonical(second)


def _declaration_file(text: str, name: str) -> dict[str, Any]:
    """The uploaded declaration, read as the lodging page reads one."""
    document = parse_document(text, name)
    if not isinstance(document, dict):
        raise InvalidInput("a declaration must be an object", code="declaration.not_an_object")
    return document


@post("/declarations/{declaration_id:str}/amendment", status_code=303)
async def amend(request: AnyRequest, declaration_id: FromPath[str]) -> Response[str] | Redirect:
    """The corrected declaration, uploaded: assessed again from the start; back to its page."""
    form = await posted_form(request)
    resendable(request, form)
    principal = await declarant(request)
    clearance = clearance_of(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    if is_switch(form):  # shown again in another language: the file is not sent again
        again = {"declaration_file": own(FILE_AGAIN)}
        return await show_declaration(request, declaration, principal, again, 200)
    upload = form.get("declaration_file")
    text, problem = await upload_text(upload, MAX_FILE)
    if text is None:
        errors: Errors = {"declaration_file": problem or own(CHOOSE_FILE)}
        return await show_declaration(request, declaration, principal, errors, 400)
    name = str(getattr(upload, "filename", "") or "")
    try:
        document = await to_thread.run_sync(_declaration_file, text, name)
        command = Amend(declaration.id, document, principal, version_of(form))
        await to_thread.run_sync(clearance.amend, command)
    except Forbidden as error:
        return await forbidden(request, error, declaration, principal)
    except Conflict as error:
        return await amended_or_refused(request, error, declaration, principal, document)
    except (InvalidInput, NotFound) as error:
        if is_operators(error):
            raise
        # The path stays in the message: it names a place in the visitor's own file.
        message = message_of(error)
        status = 404 if isinstance(error, NotFound) else 400
        return await show_declaration(request, declaration, principal,
                                      {"declaration_file": message}, status)  # fmt: skip
    except DomainError as error:
        errors = {"declaration_file": engine_message(error)}
        return await show_declaration(request, declaration, principal, errors, 422)
    return back(declaration, "amended")


_NOTE_LIMIT = 500


@post("/declarations/{declaration_id:str}/cancellation", status_code=303)
async def cancel(request: AnyRequest, declaration_id: FromPath[str]) -> Response[str] | Redirect:
    """The declaration withdrawn before release; back to its page."""
    form = await posted_form(request)
    resendable(request, form)
    principal = await declarant(request)
    clearance = clearance_of(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    note = text_of(form, "cancel_note", None)
    if is_switch(form) and len(note) <= _NOTE_LIMIT:  # shown again in another language
        return await show_declaration(request, declaration, principal, {}, 200,
                                      posted={"cancel_note": note})  # fmt: skip
    if len(note) > _NOTE_LIMIT:  # refused, not cut: the note is the declarant's own words
        return await show_declaration(request, declaration, principal,
                                      {"cancel_note": too_long(_NOTE_LIMIT)}, 400,
                                      posted={"cancel_note": note})  # fmt: skip
    command = Cancel(declaration.id, principal, note or None, version_of(form))
    try:
        await to_thread.run_sync(clearance.cancel, command)
    except Forbidden as error:
        return await forbidden(request, error, declaration, principal)
    except Conflict as error:
        current = await to_thread.run_sync(clearance.get, declaration.id, principal)
        if current.status is Status.CANCELLED and _last_by(
            current, "DeclarationCancelled", principal
        ):
            return back(current, "cancelled")  # this same form, sent again
        changed = error.code == "declaration.version"
        notice = own(CHANGED_MEANWHILE) if changed else engine_message(error)
        return await show_declaration(request, current, principal, {}, 409,
                                      posted={"cancel_note": note}, notice=notice)  # fmt: skip
    except DomainError as error:
        errors = {"cancel_note": engine_message(error)}
        status = 400 if isinstance(error, InvalidInput) else 422
        return await show_declaration(request, declaration, principal, errors, status,
                                      posted={"cancel_note": note})  # fmt: skip
    return back(declaration, "cancelled")


async def amended_or_refused(
    request: AnyRequest,
    error: Conflict,
    declaration: Declaration,
    principal: Principal,
    document: Mapping[str, Any],
) -> Response[str] | Redirect:
    """An amendment with ``document`` refused by ``error``: the declaration's page as it is
    now, with the reason (409), or the page the first sending led to when the declaration's
    latest amendment is this party's with this same document (the form sent twice)."""
    current = await to_thread.run_sync(clearance_of(request).get, declaration.id, principal)
    if error.code != "declaration.version":
        notice = engine_message(error)
    elif _last_by(current, "DeclarationAmended", principal) and _same(
        current.goods.source, document
    ):
        return back(current, "amended")  # this same form, sent again
    else:
        notice = own(CHANGED_MEANWHILE)
    # A notice, not a form's error: the declaration as it is now may offer no form.
    return await show_declaration(request, current, principal, {}, 409, notice=notice)


async def forbidden(
    request: AnyRequest, error: Forbidden, declaration: Declaration, principal: Principal
) -> Response[str]:
    """A change the services refused with ``error``: for a broker without the importer's
    authority today, the declaration's page saying why (403, no forms); the 403 page for
    anything else."""
    lapsed = no_authority(request, error, declaration.goods.importer.name)
    if lapsed is None:
        raise PermissionDeniedException(detail=error.message)
    return await show_declaration(request, declaration, principal, {}, 403, notice=lapsed,
                                  lapsed=lapsed)  # fmt: skip


def back(declaration: Declaration, done: str) -> Redirect:
    """To the declaration's page, saying what was ``done`` (``?amended=1``)."""
    return Redirect(f"/declarations/{quote(declaration.id)}?{done}=1", status_code=303)
