"""``/origin``: decide origin from a bill of materials typed in the form or uploaded as a file.

``POST /origin`` takes the form: its "Add rows" and "Remove" buttons change the rows (no script
needed), "Check origin" asks the engine. ``POST /origin/upload`` takes a BOM file (JSON or YAML,
``docs/origin.md``). The answer is the engine's evidence pack (the API's ``POST
/api/v1/origin/assessments``): the decision, the criterion and Box 8, the RVC with its working,
the tariff shift of every material, de minimis, every criterion tried and why it failed. The
result prints as a report (the print style sheet leaves out the menu and the forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from anyio import to_thread
from litestar import Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect

from cafta.bootstrap import configured
from cafta.core.dates import parse_date
from cafta.core.errors import InvalidInput, NotFound
from cafta.origin import decision
from cafta.origin.bom import parse_bom
from cafta.origin.evidence import to_document
from cafta.services.faults import is_operators
from cafta.web.bom_form import BomForm
from cafta.web.context import Portal, portal_of
from cafta.web.documents import parse_document
from cafta.web.forms import (
    Errors,
    engine_message,
    message_of,
    own,
    posted_form,
    text_of,
    upload_text,
)
from cafta.web.i18n import N_
from cafta.web.language_switch import is_switch, resendable, row_fields
from cafta.web.rendering import AnyRequest, language_of, page

__all__ = ["assess_form", "assess_upload", "origin_form", "upload_page"]

_MAX_FILE = 1_000_000
_BOM_TEXT, _BOM_NAME = "bom_text", "bom_name"
"""An uploaded BOM's text and file name, as the language switch of its report sends them
again (a page cannot send a file again)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    evidence: dict[str, Any] | None
    errors: Errors
    status: int


def _day(text: str, today: date) -> date:
    return parse_date(text, "date") if text else today


def _decide(portal: Portal, document: object, on: date) -> dict[str, Any]:
    services = portal.services
    rulebook = configured(lambda: services.rulebook, "the rules of origin")
    bom = parse_bom(document)
    return to_document(decision.assess(bom, on, rulebook=rulebook, rates=services.rates))


def _assess_form(portal: Portal, form: BomForm) -> Outcome:
    document, numbers, errors = form.document()
    try:
        on = _day(form.on, portal.services.clock.today())
    except InvalidInput as error:
        errors["on"] = engine_message(error)
    if errors:
        return Outcome(None, errors, 400)
    try:
        return Outcome(_decide(portal, document, on), {}, 200)
    except (InvalidInput, NotFound) as error:
        if is_operators(error, portal.services.clock.today()):
            raise
        status = 404 if isinstance(error, NotFound) else 400
        return Outcome(None, form.error_for(error, numbers), status)


def _assess_document(portal: Portal, text: str, name: str, on_text: str) -> Outcome:
    try:
        on = _day(on_text, portal.services.clock.today())
    except InvalidInput as error:
        return Outcome(None, {"upload_on": engine_message(error)}, 400)
    try:
        document = parse_document(text, name)
        if isinstance(document, dict):
            document = {key: value for key, value in document.items() if key != "on"}
        return Outcome(_decide(portal, document, on), {}, 200)
    except (InvalidInput, NotFound) as error:
        if is_operators(error, portal.services.clock.today()):
            raise
        # The path stays in the message: it names a place in the visitor's own file.
        message = message_of(error)
        return Outcome(None, {"bom_file": message}, 404 if isinstance(error, NotFound) else 400)


async def _show(request: AnyRequest, form: BomForm, outcome: Outcome) -> Response[str]:
    values = {
        "form": form.restyled(language_of(request).code),
        "evidence": outcome.evidence,
        "errors": outcome.errors,
    }
    return await page(request, "origin.html", values, status=outcome.status)


@get("/origin")
async def origin_form(request: AnyRequest) -> Response[str]:
    """The blank form."""
    blank = BomForm(numbers=language_of(request).code)
    return await _show(request, blank, Outcome(None, {}, 200))


def _removed_row(form: FormMultiDict) -> int | None:
    action = text_of(form, "remove", 10)
    return int(action) if action.isdigit() else None


@post("/origin", status_code=200)
async def assess_form(request: AnyRequest) -> Response[str]:
    """Rows added or removed, or the decision for the bill of materials typed in."""
    posted = await posted_form(request)
    removed = _removed_row(posted)
    form = BomForm.from_form(posted, language_of(request).code)
    # Sent again by the language switch, the form is worked out again: nothing is stored.
    resendable(request, posted, row_fields(posted, "m", removed, form.numbers))
    if removed is not None:
        return await _show(request, form.removing_row(removed), Outcome(None, {}, 200))
    if text_of(posted, "action", 20) == "add_rows":
        return await _show(request, form.adding_rows(), Outcome(None, {}, 200))
    outcome = await to_thread.run_sync(_assess_form, portal_of(request), form)
    return await _show(request, form, outcome)


@get("/origin/upload")
async def upload_page(request: AnyRequest) -> Redirect:
    """The upload form is on the origin page: a visit here (a reload, the language switch of a
    result page) goes there, with its query."""
    query = request.url.query
    return Redirect("/origin" + (f"?{query}" if query else ""), status_code=303)


@post("/origin/upload", status_code=200)
async def assess_upload(request: AnyRequest) -> Response[str]:
    """The decision for an uploaded BOM file."""
    posted = await posted_form(request)
    upload = posted.get("bom_file")
    text, problem = await upload_text(upload, _MAX_FILE)
    name = str(getattr(upload, "filename", "") or "")
    if text is None and problem is None and is_switch(posted):  # the file's text, sent again
        text = text_of(posted, _BOM_TEXT, None)[: _MAX_FILE + 1] or None
        name = text_of(posted, _BOM_NAME, 200)
        if text is not None and len(text) > _MAX_FILE:
            text, problem = None, own(N_("The file is too large."))
    if text is None:
        message = problem or own(N_("Choose a BOM file (JSON or YAML) to upload."))
        return await _show(request, BomForm(), Outcome(None, {"bom_file": message}, 400))
    on_text = text_of(posted, "upload_on", 20)
    kept = [(_BOM_TEXT, text), (_BOM_NAME, name), ("upload_on", on_text)]
    resendable(request, posted, kept)
    outcome = await to_thread.run_sync(_assess_document, portal_of(request), text, name, on_text)
    return await _show(request, BomForm(), outcome)
