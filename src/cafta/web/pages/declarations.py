"""``/declarations``: a trader's or broker's own declarations, and the officers' workbench.

A trader or broker (signed in) sees the declarations whose importer or declarant is their party,
newest first, and each one's lane, assessment with the working, Form E verdict, reasons and
timeline. Officers and administrators see every declaration, filtered by office, status and
lane (the queue of the workbench); an officer decides on a held declaration from its page
(release, reject, request documents, order an inspection or record its outcome) with a form
protected against cross-site forgery. Visitors who have not signed in are sent to sign in.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from litestar import Response, get, post
from litestar.exceptions import ClientException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect

from cafta.clearance.declaration import Declaration
from cafta.clearance.goods import party_key
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.errors import CaftaError
from cafta.services.clearance import Action, Clearance, Decide
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.views import declaration_view, summary_view
from cafta.web.context import portal_of
from cafta.web.forms import posted_form, text_of
from cafta.web.i18n import N_
from cafta.web.rendering import AnyRequest, page
from cafta.web.session import signed_in

__all__ = ["decide", "declaration_detail", "declaration_list"]

_READERS = frozenset({Role.TRADER, Role.BROKER, Role.OFFICER, Role.ADMIN})
_ALL = frozenset({Role.OFFICER, Role.ADMIN})
_LIMIT = 200

ACTIONS = {
    Action.RELEASE: N_("Release"),
    Action.REJECT: N_("Reject"),
    Action.REQUEST_DOCUMENTS: N_("Request documents"),
    Action.INSPECT: N_("Order or record an inspection"),
}
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


def _clearance(request: AnyRequest) -> Clearance:
    clearance = portal_of(request).clearance
    if clearance is None:
        raise CaftaError(
            "this server has no node database for declarations", code="clearance.unavailable"
        )
    return clearance


async def _reader(request: AnyRequest) -> Principal | Redirect:
    principal = await signed_in(request, portal_of(request).tokens)
    if principal is None:
        return Redirect(f"/signin?next={quote(request.url.path)}", status_code=303)
    if principal.role not in _READERS:
        raise PermissionDeniedException(detail=_NOT_ALLOWED)
    return principal


def _choice(request: AnyRequest, name: str, allowed: set[str]) -> str | None:
    value = text_of(request.query_params, name, 40).lower()
    return value if value in allowed else None


@get("/declarations")
async def declaration_list(request: AnyRequest) -> Response[str] | Redirect:
    """Own declarations, newest first; every declaration, with filters, for officers."""
    principal = await _reader(request)
    if isinstance(principal, Redirect):
        return principal
    clearance = _clearance(request)
    officer = principal.role in _ALL
    filters = {
        "office": text_of(request.query_params, "office", 10).replace(" ", "").upper() or None,
        "status": _choice(request, "status", {s.value for s in Status}),
        "lane": _choice(request, "lane", {lane.value for lane in Lane}),
    }
    if officer:
        where = DeclarationFilter(
            office=filters["office"],
            status=filters["status"],
            lane=filters["lane"],
            limit=_LIMIT,
        )
    else:
        where = DeclarationFilter(party=party_key(principal.party), limit=_LIMIT)

    def read() -> list[dict[str, Any]]:
        with clearance.uow(read_only=True) as uow:
            records = uow.declarations.list(where)
        return [summary_view(Declaration.from_document(r.document, r.version)) for r in records]

    rows = await to_thread.run_sync(read)
    values = {
        "rows": rows,
        "officer": officer,
        "filters": filters if officer else {},
        "statuses": STATUSES,
        "lanes": LANES,
        "limit": _LIMIT,
    }
    return await page(request, "declarations.html", values)


@get("/declarations/{declaration_id:str}")
async def declaration_detail(
    request: AnyRequest, declaration_id: FromPath[str]
) -> Response[str] | Redirect:
    """One declaration: lane, assessment with the working, Form E verdict, reasons, timeline;
    for an officer and a held declaration, the decision form."""
    principal = await _reader(request)
    if isinstance(principal, Redirect):
        return principal
    clearance = _clearance(request)
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    values = {
        "d": declaration_view(declaration),
        "can_decide": principal.role is Role.OFFICER and declaration.status.held,
        "actions": ACTIONS,
        "statuses": STATUSES,
        "lanes": LANES,
    }
    return await page(request, "declaration.html", values)


def _outcome(form: Any, currency: str) -> dict[str, Any] | None:
    found = text_of(form, "found", 10)
    if found not in ("yes", "no"):
        return None
    outcome: dict[str, Any] = {"found": found == "yes"}
    what = text_of(form, "what", 500)
    if what:
        outcome["what"] = what
    recovered = text_of(form, "revenue_recovered", 30).replace(",", "")
    if recovered:
        try:
            amount = Decimal(recovered)
        except InvalidOperation:
            amount = Decimal(-1)  # refused by the service as an invalid amount
        outcome["revenue_recovered"] = {"amount": f"{amount:f}", "currency": currency}
    return outcome


@post("/declarations/{declaration_id:str}/decision", status_code=303)
async def decide(request: AnyRequest, declaration_id: FromPath[str]) -> Redirect:
    """An officer's decision on a held declaration; back to its page."""
    form = await posted_form(request)
    principal = await signed_in(request, portal_of(request).tokens)
    if principal is None or principal.role is not Role.OFFICER:
        raise PermissionDeniedException(detail="only customs officers decide on declarations")
    clearance = _clearance(request)
    action = text_of(form, "action", 40)
    if action not in {a.value for a in Action}:
        raise ClientException(detail="choose a decision")
    declaration = await to_thread.run_sync(clearance.get, declaration_id[:100], principal)
    currency = declaration.assessment.currency if declaration.assessment else "CNY"
    outcome = _outcome(form, currency) if action == Action.INSPECT.value else None
    version = text_of(form, "version", 10)
    command = Decide(
        declaration.id,
        principal,
        Action(action),
        text_of(form, "note", 500) or None,
        outcome,
        expected_version=int(version) if version.isdigit() else None,
    )
    await to_thread.run_sync(clearance.decide, command)
    return Redirect(f"/declarations/{quote(declaration.id)}", status_code=303)
