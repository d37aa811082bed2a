"""``/declarations/{id}/amend``: the declarant amends a declaration in the lodging form.

A trader whose declaration is held for documents usually has one value to put right, not a file
to upload again. ``GET /declarations/{id}/amend`` shows the form ``/declarations/new`` lodges
with, filled with the declaration as it was filed (:meth:`DeclarationForm.from_document`), the
customs office and the importer read-only since an amendment cannot change them, and says what
of the filed document the form cannot carry. ``POST /declarations/{id}/amend`` reads it as the
lodging page does and amends through the clearance services: the declaration is checked,
assessed and given a lane again from the start, and the visitor lands on its page.

As with the uploaded amendment (:mod:`.amendments`), only the trader or broker whose party may
read the declaration amends it, only while it is held for documents, and only on the version
the form was shown with: a form sent twice lands on the page as the first sending did, and a
change made meanwhile shows the declaration as it is now. A mistake the engines find comes back
on the form, next to its field, with what was typed kept. A broker without the importer's
authority on the day gets the declaration's page saying why instead of the form
(:func:`~cafta.web.pages.declarations.lapsed_authority`).
"""

from __future__ import annotations

from anyio import to_thread
from litestar import Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from cafta.clearance.declaration import Declaration
from cafta.clearance.lifecycle import Status
from cafta.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from cafta.services.clearance import Amend
from cafta.services.faults import is_operators
from cafta.web.access import admitted
from cafta.web.declaration_form import DeclarationForm
from cafta.web.forms import Errors, own, posted_form, text_of
from cafta.web.i18n import N_
from cafta.web.language_switch import is_switch, resendable, row_fields
from cafta.web.pages.amendments import amended_or_refused, back, declarant, forbidden, version_of
from cafta.web.pages.declarations import (
    DECLARANTS,
    clearance_of,
    lapsed_authority,
    show_declaration,
)
from cafta.web.pages.lodging import removed_row, show_form
from cafta.web.rendering import AnyRequest, language_of

__all__ = ["amend_form", "amend_typed"]

_NOT_ALLOWED = "only the declarant amends a declaration"
NOT_HELD = N_(
    "This declaration can no longer be amended: only a declaration held for documents can be. "
    "Its current state is shown below."
)


async def _show(
    request: AnyRequest,
    declaration: Declaration,
    form: DeclarationForm,
    version: int,
    *,
    errors: Errors | None = None,
    status: int = 200,
) -> Response[str]:
    """The form amending ``declaration`` at ``version``, ``errors`` next to their fields."""
    left_out = DeclarationForm.left_out(declaration.goods.source)
    amending = {"id": declaration.id, "version": version, "left_out": left_out}
    return await show_form(request, form, errors or {}, status, amending=amending)


@get("/declarations/{declaration_id:str}/amend")
async def amend_form(
    request: AnyRequest, declaration_id: FromPath[str]
) -> Response[str] | Redirect:
    """The lodging form filled with the declaration as filed, to correct and send."""
    principal = await admitted(request, DECLARANTS, _NOT_ALLOWED)
    if isinstance(principal, Redirect):
        return principal
    clearance = clearance_of(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    if declaration.status is not Status.HELD_FOR_DOCUMENTS:
        # Said as a notice: the page has no form to check.
        notice = own(NOT_HELD)
        return await show_declaration(request, declaration, principal, {}, 409, notice=notice)
    lapsed = await lapsed_authority(request, declaration, principal)
    if lapsed is not None:  # a form the services would refuse: why, instead
        return await show_declaration(request, declaration, principal, {}, 403, notice=lapsed,
                                      lapsed=lapsed)  # fmt: skip
    numbers = language_of(request).code
    form = DeclarationForm.from_document(declaration.goods.source, numbers)
    return await _show(request, declaration, form, declaration.version)


@post("/declarations/{declaration_id:str}/amend", status_code=303)
async def amend_typed(
    request: AnyRequest, declaration_id: FromPath[str]
) -> Response[str] | Redirect:
    """Rows added or removed, or the corrected declaration filed; back to its page."""
    posted = await posted_form(request)
    removed = removed_row(posted)
    form = DeclarationForm.from_form(posted, language_of(request).code)
    resendable(request, posted, row_fields(posted, "i", removed, form.numbers))
    principal = await declarant(request)
    clearance = clearance_of(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    version = version_of(posted)
    if removed is not None:
        return await _show(request, declaration, form.removing_row(removed), version)
    if text_of(posted, "action", 20) == "add_rows":
        return await _show(request, declaration, form.adding_rows(), version)
    document, numbers, errors = form.document()
    if errors or is_switch(posted):  # a switch of language shows the form again, never files
        status = 400 if errors else 200
        return await _show(request, declaration, form, version, errors=errors, status=status)
    command = Amend(declaration.id, document, principal, version)
    try:
        await to_thread.run_sync(clearance.amend, command)
    except Forbidden as error:
        return await forbidden(request, error, declaration, principal)
    except Conflict as error:
        return await amended_or_refused(request, error, declaration, principal, document)
    except (InvalidInput, NotFound) as error:
        if is_operators(error):
            raise
        status = 404 if isinstance(error, NotFound) else 400
        errors = form.error_for(error, numbers)
        return await _show(request, declaration, form, version, errors=errors, status=status)
    except DomainError as error:
        errors = form.error_for(error, numbers)
        return await _show(request, declaration, form, version, errors=errors, status=422)
    return back(declaration, "amended")
