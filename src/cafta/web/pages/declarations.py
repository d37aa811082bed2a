"""``/declarations``: a trader's or broker's own declarations, and the officers' workbench.

A trader or broker (signed in) sees the declarations whose importer or declarant is their party,
newest first, and each one's lane, assessment with the working, Form E verdict, reasons and
timeline. Officers and administrators see every declaration, filtered by office, status and
lane (the queue of the workbench); an officer decides on a held declaration from its page
(release, reject, request documents, order an inspection or record its outcome) with a form
protected against cross-site forgery. The page also carries the declarant's forms (amend a
declaration held for documents, cancel one before release), handled in :mod:`.amendments`,
and a link to amend it in the lodging form (:mod:`.amending`). A broker declaring for another
importer gets them only while it holds that importer's authority on the node's day (the register
of representations, :mod:`.representations`); otherwise the page says why, in the words the
lodging page uses for a broker without authority.
Visitors who have not signed in are sent to sign in.

The page shows the goods as declared and a timeline whose events say what they recorded (an
officer's note, what an inspection found: :mod:`cafta.web.declaration_view`), with their names
translated and their times in the page's language and the node's time zone. The decision form
has no action chosen beforehand (Enter in the note must not release goods): a missing one is
said next to it. It offers only the decisions the declaration's status allows, and is read by
:mod:`cafta.web.decision_form`. An inspection outcome filled in goes with whatever action is
chosen (the service records it first), and the page then says the decision was recorded. A
refused decision comes back with everything typed; a declaration no longer held, or changed
meanwhile, is said in a notice above it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from anyio import to_thread
from litestar import Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect

from cafta.clearance.declaration import Declaration
from cafta.clearance.goods import party_key
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.errors import Conflict, DomainError, InvalidInput
from cafta.identifiers import locode
from cafta.services.clearance import Clearance, Decide
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.representations import no_authority as no_authority_error
from cafta.services.views import declaration_view, summary_view
from cafta.web import labels
from cafta.web.access import admitted
from cafta.web.context import portal_of
from cafta.web.decision_form import FIELDS, NOT_OFFERED, actions_for, kept, read_decision
from cafta.web.declaration_view import goods_rows, item_claim, timeline
from cafta.web.forms import (
    BAD_OFFICE,
    NO_SUCH_CHOICE,
    Errors,
    Message,
    engine_message,
    own,
    posted_form,
    text_of,
)
from cafta.web.i18n import N_
from cafta.web.language_switch import is_switch, resendable
from cafta.web.pages.representations import no_authority
from cafta.web.rendering import AnyRequest, language_of, page
from cafta.web.session import signed_in

__all__ = [
    "DECLARANTS",
    "clearance_of",
    "decide",
    "declaration_detail",
    "declaration_list",
    "lapsed_authority",
    "show_declaration",
]

_READERS = frozenset({Role.TRADER, Role.BROKER, Role.OFFICER, Role.ADMIN})
_ALL = frozenset({Role.OFFICER, Role.ADMIN})
DECLARANTS = frozenset({Role.TRADER, Role.BROKER})
"""Who gets the amend and cancel forms: traders and brokers (administrators only read here,
although the API lets them act for anyone)."""
_LIMIT = 200

NOT_HELD = N_(
    "This declaration is no longer held by customs, so no decision can be taken on it. Its "
    "current state is shown below."
)
STATUSES = {
    Status.LODGED: N_("lodged"),
    Status.ASSESSED: N_("assessed"),
    Status.HELD_FOR_DOCUMENTS: N_("held for documents"),
    Status.HELD_FOR_INSPECTION: N_("held for inspection"),
    Status.RELEASED: N_("released"),
    Status.REJECTED: N_("rejected"),
    Status.CANCELLED: N_("cancelled"),
}
LANES = {
    Lane.GREEN: N_("green"),
    Lane.YELLOW: N_("yellow"),
    Lane.RED: N_("red"),
    Lane.BLUE: N_("blue"),
}
_NOT_ALLOWED = "declarations are for traders, brokers and customs officers"


def clearance_of(request: AnyRequest) -> Clearance:
    """The node's clearance services (a 503 page without a node database)."""
    return portal_of(request).node_clearance()


async def _reader(request: AnyRequest) -> Principal | Redirect:
    return await admitted(request, _READERS, _NOT_ALLOWED)


def _row(declaration: Declaration, officer: bool) -> dict[str, Any]:
    """A line of the list: the summary, and for customs why the lane was chosen (its first
    reason; never for a declarant: :func:`cafta.services.views.declaration_view`)."""
    row = summary_view(declaration)
    lane = declaration.lane
    row["reason"] = lane.reasons[0] if officer and lane and lane.reasons else ""
    return row


def _choice(request: AnyRequest, name: str, allowed: set[str], errors: Errors) -> str | None:
    """The filter ``name`` as chosen (``None``: any); one the list does not offer is an error
    (a hand-made or outdated address), never silently ignored."""
    value = text_of(request.query_params, name, 40).lower()
    if value and value not in allowed:
        errors[name] = own(NO_SUCH_CHOICE)
        return None
    return value or None


@get("/declarations")
async def declaration_list(request: AnyRequest) -> Response[str] | Redirect:
    """Own declarations, newest first; every declaration, with filters, for officers."""
    principal = await _reader(request)
    if isinstance(principal, Redirect):
        return principal
    clearance = clearance_of(request)
    officer = principal.role in _ALL
    errors: Errors = {}
    office = text_of(request.query_params, "office", 20).replace(" ", "").upper()
    if office and not locode.is_valid(office):
        errors["office"] = own(BAD_OFFICE)
    filters = {
        "office": (office if "office" in errors else locode.compact(office)) or None,
        "status": _choice(request, "status", {s.value for s in Status}, errors),
        "lane": _choice(request, "lane", {lane.value for lane in Lane}, errors),
    }
    if not officer:
        errors = {}
    if officer:
        where = DeclarationFilter(
            office=filters["office"],
            status=filters["status"],
            lane=filters["lane"],
            limit=_LIMIT,
        )
    else:
        where = DeclarationFilter(party=party_key(principal.party), limit=_LIMIT)

    def read() -> tuple[list[dict[str, Any]], int]:
        with clearance.uow(read_only=True) as uow:
            records = uow.declarations.list(where)
            total = uow.declarations.count(where)
        found = [Declaration.from_document(r.document, r.version) for r in records]
        return [_row(declaration, officer) for declaration in found], total

    rows, total = await to_thread.run_sync(read) if not errors else ([], 0)
    values = {
        "rows": rows,
        "total": total,
        "officer": officer,
        "filters": filters if officer else {},
        "statuses": STATUSES,
        "lanes": LANES,
        "limit": _LIMIT,
        "errors": errors,
    }
    return await page(request, "declarations.html", values, status=400 if errors else 200)


@get("/declarations/{declaration_id:str}")
async def declaration_detail(
    request: AnyRequest, declaration_id: FromPath[str]
) -> Response[str] | Redirect:
    """One declaration: lane, assessment with the working, Form E verdict, reasons, timeline;
    for an officer and a held declaration, the decision form."""
    principal = await _reader(request)
    if isinstance(principal, Redirect):
        return principal
    clearance = clearance_of(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    done = next((n for n in _NOTICES if request.query_params.get(n) == "1"), None)
    return await show_declaration(request, declaration, principal, {}, 200, done=done)


_NOTICES = ("lodged", "amended", "cancelled", "decided")
"""What the page says was just done (``?lodged=1``): after a lodging, an amendment, a
cancellation, an officer's decision."""


async def show_declaration(
    request: AnyRequest,
    declaration: Declaration,
    principal: Principal,
    errors: Errors,
    status: int,
    *,
    done: str | None = None,
    posted: dict[str, str] | None = None,
    notice: Message | None = None,
    lapsed: Message | None = None,
) -> Response[str]:
    """The declaration's page: the forms the principal may use on it, ``errors`` next to their
    fields and what was ``posted`` kept; ``notice``, a message about the declaration rather
    than a form (changed meanwhile, no longer held), above everything. ``lapsed``: why a
    broker may not amend or cancel it (:func:`lapsed_authority`), when already known; asked
    here otherwise."""
    declarant = principal.role in DECLARANTS
    if lapsed is None:
        lapsed = await lapsed_authority(request, declaration, principal)
    declarant = declarant and lapsed is None
    zone = clearance_of(request).clock.now().tzinfo
    # Why a declaration was selected is for customs only (the declarant's view says what its
    # lane means instead): a declarant who read it would learn what is watched.
    view = declaration_view(declaration, customs=principal.role in _ALL)
    assessed = view["assessment"]["status"] if view["assessment"] else ""
    values = {
        "d": view,
        "goods": goods_rows(declaration),
        "timeline": timeline(view["timeline"], assessed=assessed),
        "claims": {
            item["item"]: item_claim(item["preference"])
            for item in (view["assessment"] or {}).get("items", ())
        },
        "meanings": frozenset(labels.LANE_MEANINGS.values()),
        "zone": zone,
        "zone_name": str(zone),
        "events": labels.EVENTS,
        "actors": labels.ACTORS,
        "outcomes": labels.OUTCOMES,
        "severities": labels.SEVERITIES,
        "modes": labels.MODES,
        "can_decide": principal.role is Role.OFFICER and declaration.status.held,
        "can_amend": declarant and declaration.status is Status.HELD_FOR_DOCUMENTS,
        "can_cancel": declarant and declaration.may_be_withdrawn,
        "cannot_cancel": _cannot_cancel(declaration) if declarant else None,
        "no_authority": lapsed,
        "actions": actions_for(declaration.status),
        "statuses": STATUSES,
        "lanes": LANES,
        "errors": errors,
        "notice": notice,
        "done": done,
        "posted": posted or {},
    }
    return await page(request, "declaration.html", values, status=status)


async def lapsed_authority(
    request: AnyRequest, declaration: Declaration, principal: Principal
) -> Message | None:
    """Why a broker may not amend or cancel ``declaration`` of another importer: it holds no
    authority from that importer in force on the node's day (the lodging page's words for
    ``declaration.no_authority``). ``None`` for anyone else, for a declaration that offers
    neither form, or when the node keeps no register (the services then decide alone)."""
    if principal.role is not Role.BROKER:
        return None
    if not (declaration.status is Status.HELD_FOR_DOCUMENTS or declaration.may_be_withdrawn):
        return None
    importer, broker = declaration.goods.importer, party_key(principal.party)
    register = portal_of(request).representations
    if broker == importer.key or register is None:
        return None
    today = clearance_of(request).clock.now().date()
    if await to_thread.run_sync(register.in_force, importer.key, broker, today):
        return None
    return no_authority(request, no_authority_error(principal.party, importer.name, today),
                        importer.name)  # fmt: skip


CANNOT_CANCEL_INSPECTION = N_(
    "This declaration cannot be withdrawn while a physical inspection of its goods is due. "
    "If it must be cancelled, ask the customs office (%(office)s)."
)
CANNOT_CANCEL_FINDING = N_(
    "This declaration cannot be withdrawn: an inspection found something, and customs closes "
    "it. If it must be cancelled, ask the customs office (%(office)s)."
)


def _cannot_cancel(declaration: Declaration) -> Message | None:
    """Why the declarant gets no cancel form on a declaration not yet released or closed (an
    inspection is due, or one found something: :meth:`Declaration.cancel`); ``None`` when the
    form is offered or the declaration is final."""
    if declaration.status.final or declaration.may_be_withdrawn:
        return None
    why = CANNOT_CANCEL_FINDING if declaration.finding_recorded else CANNOT_CANCEL_INSPECTION
    return Message(why, values={"office": declaration.goods.office})


CHANGED_MEANWHILE = N_(
    "This declaration was changed meanwhile, by another officer or by the system. Its current "
    "state is shown below: decide again if a decision is still needed."
)


@post("/declarations/{declaration_id:str}/decision", status_code=303)
async def decide(request: AnyRequest, declaration_id: FromPath[str]) -> Response[str] | Redirect:
    """An officer's decision on a held declaration (:mod:`cafta.web.decision_form`); back to
    its page. A decision the form or the service refuses (no outcome chosen, an invalid
    amount, a declaration no longer held, a change made meanwhile) shows the page again with
    the reason next to the field it is about, and what was typed."""
    form = await posted_form(request)
    resendable(request, form)
    principal = await signed_in(request, portal_of(request).tokens)
    if principal is None or principal.role is not Role.OFFICER:
        raise PermissionDeniedException(detail="only customs officers decide on declarations")
    clearance = clearance_of(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    if not declaration.status.held:  # decided meanwhile, or a form of another page
        notice = own(NOT_HELD)
        return await show_declaration(request, declaration, principal, {}, 409, notice=notice)
    currency = declaration.assessment.currency if declaration.assessment else "CNY"
    language = language_of(request).code
    decision, errors = read_decision(form, declaration.status, currency, language)
    typed = kept(decision, language)
    version = text_of(form, "version", 10)
    # The language switch sends what the page shows: the amount written the page's way.
    resendable(request, form, [("version", version), *typed.items()])
    if is_switch(form):  # the same form in another language: shown again, never decided
        status = 400 if errors else 200
        return await show_declaration(request, declaration, principal, errors, status,
                                      posted=typed)  # fmt: skip
    if errors or decision.action is None:
        return await show_declaration(request, declaration, principal, errors, 400, posted=typed)
    command = Decide(
        declaration.id,
        principal,
        decision.action,
        decision.typed["note"] or None,
        decision.outcome,
        expected_version=int(version) if version.isdigit() else None,
    )
    try:
        await to_thread.run_sync(clearance.decide, command)
    except Conflict as error:
        current = await to_thread.run_sync(clearance.get, declaration.id, principal)
        if error.code == "declaration.version":
            notice = own(CHANGED_MEANWHILE)
            return await show_declaration(request, current, principal, {}, 409, posted=typed,
                                          notice=notice)  # fmt: skip
        if error.code != "declaration.transition":
            errors = {"action": engine_message(error)}
        elif current.status.held:  # another officer's decision, on a form without a version
            errors = {"action": own(NOT_OFFERED)}
        else:
            notice = own(NOT_HELD)
            return await show_declaration(request, current, principal, {}, 409, notice=notice)
        return await show_declaration(request, current, principal, errors, 409, posted=typed)
    except DomainError as error:
        path = error.details.get("field")
        field = FIELDS.get(path, "") if isinstance(path, str) else ""
        status = 400 if isinstance(error, InvalidInput) else 422
        errors = {field: engine_message(error)}
        return await show_declaration(request, declaration, principal, errors, status,
                                      posted=typed)  # fmt: skip
    return Redirect(f"/declarations/{quote(declaration.id)}?decided=1", status_code=303)
