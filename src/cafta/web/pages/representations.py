"""``/representations``: who may declare for whom ("Brokers" for a trader, "Authorities" else).

The node's register of representations (:mod:`cafta.services.representations`), as each role
may see and change it:

* a **trader** (an importer) sees the authorities it gave, whatever their state (in force, not
  yet in force, ended, withdrawn), grants one to a customs broker (the broker's name, optional
  first and last days, the reference of the written authority) and withdraws one;
* a **broker** sees the importers it holds authority from, and may give one up;
* **officers and administrators** read the whole register, filtered by importer and broker
  (withdrawn ones on request); an administrator also records an authority from the paper,
  naming the importer, and withdraws any. Gate operators get the 403 page.

``GET /representations`` is the page, ``POST /representations`` grants: a grant the register
refuses (an overlap with a live authority, days in the wrong order or already past, the
importer naming itself as its broker) comes back on the form with the reason next to its field,
in the page's language, and what was typed kept. ``GET /representations/{id}/withdrawal`` asks
to confirm a withdrawal, ``POST`` to the same address makes it. Every form is protected against
cross-site forgery, and one sent twice (a double click, a reload) does what it said once: a
grant this party just made with the same content, or a withdrawal it already made, lands where
the first sending did. Days are the node's (its clock and time zone) and are shown the page's
way.

The lodging page (:mod:`.lodging`) offers a broker the importers it may declare for today
(:func:`broker_importers`) and explains a refusal for want of authority (:func:`no_authority`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from babel.dates import format_date
from litestar import Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect

from cafta.clearance.goods import party_key
from cafta.clearance.representation import Representation, Standing
from cafta.core.errors import CaftaError, Conflict, DomainError, Forbidden, NotFound
from cafta.services.faults import is_operators
from cafta.services.ports import Principal, Role
from cafta.services.representations import Representations
from cafta.web.access import admitted
from cafta.web.context import portal_of
from cafta.web.documents import parse_document
from cafta.web.forms import Errors, Message, engine_message, own, posted_form, text_of, too_long
from cafta.web.i18n import N_, Language
from cafta.web.language_switch import is_switch, resendable
from cafta.web.rendering import AnyRequest, language_of, page
from cafta.web.session import signed_in

__all__ = [
    "STATES",
    "GrantForm",
    "State",
    "broker_importers",
    "grant",
    "importer_named",
    "importers_for",
    "no_authority",
    "register_page",
    "withdraw",
    "withdrawal_form",
]

_READERS = frozenset({Role.TRADER, Role.BROKER, Role.OFFICER, Role.ADMIN})
_GRANTORS = frozenset({Role.TRADER, Role.ADMIN})
_WITHDRAWERS = frozenset({Role.TRADER, Role.BROKER, Role.ADMIN})
_ALL = frozenset({Role.OFFICER, Role.ADMIN})
_NOT_ALLOWED = "the register of brokers' authorities is for traders, brokers and customs officers"
_NAME_LIMIT = 200
"""As long as a party's name the lodging form takes: a broker is matched by that name."""
_REFERENCE_LIMIT = 200
_SHOWN = 500
"""The most authorities the page lists (the register's oldest grants first)."""
_RESENT = timedelta(minutes=10)
"""How recent a grant with the same content must be for a second sending to be its form again."""
_ID_LIMIT = 64


State = Standing
"""Where an authority stands on the node's day (the register's own :class:`Standing`)."""


STATES = {
    State.IN_FORCE: N_("in force"),
    State.NOT_YET: N_("not yet in force"),
    State.ENDED: N_("ended"),
    State.WITHDRAWN: N_("withdrawn"),
}
_ORDER = {state: rank for rank, state in enumerate(State)}

HEADINGS = {
    "trader": N_("Your customs brokers"),
    "broker": N_("Your authorities from importers"),
    "register": N_("Register of brokers' authorities"),
}
FIELDS = {
    "importer": N_("Importer"),
    "broker": N_("Customs broker"),
    "valid_from": N_("First day"),
    "valid_until": N_("Last day"),
    "reference": N_("Reference of the written authority"),
}

MISSING_BROKER = N_("Enter the customs broker's name, as on the declarations it lodges.")
MISSING_IMPORTER = N_("Enter the importer's name.")
BAD_DATE = N_("Enter a date as YYYY-MM-DD, e.g. 2026-06-01.")
BACKWARDS = N_("The last day is before the first.")
ALREADY_OVER = N_(
    "This last day has passed: an authority that has ended needs no recording. Give a later "
    "last day, or none for an authority that runs until it is withdrawn."
)
ITSELF = N_(
    "This is the importer itself: an importer needs no authority to declare its own goods. "
    "Name the customs broker who declares for it."
)
UNREADABLE = N_("Write it on one line, with characters people can read.")
OVERLAP = N_(
    "%(broker)s already holds an authority from %(importer)s that covers some of these days "
    "(%(id)s, from %(first)s to %(last)s). Withdraw that one first to change its days, or "
    "choose days that do not overlap."
)
OVERLAP_OPEN = N_(
    "%(broker)s already holds an authority from %(importer)s that covers some of these days "
    "(%(id)s, from %(first)s until it is withdrawn). Withdraw that one first to change its "
    "days, or choose days that do not overlap."
)
GRANTED = N_("The authority was recorded: %(broker)s may declare for %(importer)s from %(first)s.")
WITHDRAWN = N_(
    "The authority was withdrawn: %(broker)s may no longer declare for %(importer)s. "
    "Declarations lodged before stay as they are."
)
GIVEN_UP = N_(
    "You gave up the authority of %(importer)s: you may no longer declare its goods. "
    "Declarations you lodged before stay as they are."
)
WITHDRAWN_BEFORE = N_("This authority was withdrawn on %(day)s: nothing is left to withdraw.")
NO_AUTHORITY = N_(
    "You hold no authority from %(importer)s to declare its goods on %(day)s. Only the importer "
    "can give it: ask %(importer)s to add you as its customs broker on its Brokers page of this "
    "portal, or to have customs record its written authority. This form cannot grant it."
)
_MESSAGES = {
    "representation.missing_broker": ("broker", MISSING_BROKER),
    "representation.missing_importer": ("importer", MISSING_IMPORTER),
    "representation.invalid_broker": ("broker", UNREADABLE),
    "representation.invalid_importer": ("importer", UNREADABLE),
    "representation.reference": ("reference", UNREADABLE),
    "representation.self": ("broker", ITSELF),
}
"""The register's refusals of a grant the portal says in its own words, by the field they are
about."""


@dataclass(frozen=True, slots=True)
class Row:
    """An authority as a line of the page."""

    id: str
    importer: str
    broker: str
    valid_from: date
    valid_until: date | None
    reference: str | None
    granted_by: str
    state: State
    withdrawn_on: date | None
    may_withdraw: bool


def _row(representation: Representation, principal: Principal, now: datetime) -> Row:
    r = representation
    state = r.standing(now.date())
    withdrawn_on = r.revoked_at.astimezone(now.tzinfo).date() if r.revoked_at else None
    may_withdraw = principal.role in _WITHDRAWERS and state in (State.IN_FORCE, State.NOT_YET)
    return Row(r.id, r.importer, r.broker, r.valid_from, r.valid_until, r.reference,
               r.granted_by, state, withdrawn_on, may_withdraw)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Grant:
    """A grant as the form asks for it, read."""

    importer: str | None
    broker: str
    valid_from: date | None
    valid_until: date | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class GrantForm:
    """The grant form's fields as typed (kept when the form comes back)."""

    importer: str = ""
    broker: str = ""
    valid_from: str = ""
    valid_until: str = ""
    reference: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> GrantForm:
        """The fields as posted, whole (one too long is refused, never cut)."""
        return cls(
            importer=text_of(form, "importer", None),
            broker=text_of(form, "broker", None),
            valid_from=text_of(form, "valid_from", 40),
            valid_until=text_of(form, "valid_until", 40),
            reference=text_of(form, "reference", None),
        )

    def read(self, *, names_importer: bool) -> tuple[Grant | None, Errors]:
        """The grant, or what is wrong with the form (by field); ``names_importer``: the form
        has the importer's field (an administrator's)."""
        errors: Errors = {}
        if names_importer and not self.importer:
            errors["importer"] = own(MISSING_IMPORTER)
        if not self.broker:
            errors["broker"] = own(MISSING_BROKER)
        for name, text, limit in (("importer", self.importer, _NAME_LIMIT),
                                  ("broker", self.broker, _NAME_LIMIT),
                                  ("reference", self.reference, _REFERENCE_LIMIT)):  # fmt: skip
            if len(text) > limit:
                errors[name] = too_long(limit)
        first, last = _date(self.valid_from), _date(self.valid_until)
        for name, text, value in (("valid_from", self.valid_from, first),
                                  ("valid_until", self.valid_until, last)):  # fmt: skip
            if text and value is None:
                errors[name] = own(BAD_DATE)
        if first and last and last < first:
            errors["valid_until"] = own(BACKWARDS)
        if errors:
            return None, errors
        importer = self.importer if names_importer else None
        return Grant(importer, self.broker, first, last, self.reference or None), {}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _day(value: date, language: Language) -> str:
    """``value`` the page's way (as the templates' ``day`` filter writes it)."""
    return str(format_date(value, "medium", locale=language.locale))


# --- reading the register ---------------------------------------------------------------------


def _register(request: AnyRequest) -> Representations:
    """The node's register (a 503 page without a node database)."""
    return portal_of(request).node_representations()


def _view(principal: Principal) -> str:
    if principal.role is Role.TRADER:
        return "trader"
    if principal.role is Role.BROKER:
        return "broker"
    return "register"


def _sort_key(principal: Principal) -> Any:
    def key(row: Row) -> tuple[int, str, str, date]:
        first, second = (row.broker, row.importer)
        if principal.role is not Role.TRADER:
            first, second = second, first
        return _ORDER[row.state], first.casefold(), second.casefold(), row.valid_from

    return key


def _rows(
    register: Representations, principal: Principal, filters: Mapping[str, str]
) -> tuple[list[Row], int]:
    """The authorities ``principal`` sees, narrowed by ``filters`` (officers and
    administrators), in force first; at most :data:`_SHOWN`, and how many there are."""
    found = register.list(
        principal,
        importer=filters.get("importer") or None,
        broker=filters.get("broker") or None,
        include_revoked=principal.role not in _ALL or bool(filters.get("withdrawn")),
    )
    now = register.clock.now()
    rows = sorted((_row(r, principal, now) for r in found), key=_sort_key(principal))
    return rows[:_SHOWN], len(rows)


def _found(register: Representations, representation_id: str, principal: Principal) -> Row:
    return _row(register.get(representation_id, principal), principal, register.clock.now())


def _done(
    register: Representations, principal: Principal, done: Mapping[str, str], language: Language
) -> Message | None:
    """What the page says was just ``done`` (``?granted=ID``, ``?withdrawn=ID``), if anything."""
    for name in ("granted", "withdrawn"):
        found = done.get(name)
        if not found:
            continue
        try:
            row = _found(register, found, principal)
        except NotFound:
            return None
        values = {"broker": row.broker, "importer": row.importer,
                  "first": _day(row.valid_from, language)}  # fmt: skip
        if name == "granted":
            return Message(GRANTED, values=values)
        return Message(GIVEN_UP if principal.role is Role.BROKER else WITHDRAWN, values=values)
    return None


async def _show(
    request: AnyRequest,
    principal: Principal,
    *,
    form: GrantForm | None = None,
    errors: Errors | None = None,
    status: int = 200,
) -> Response[str]:
    """The page for ``principal``: the register as it may see it, the grant form (with
    ``form`` as typed and ``errors`` next to their fields) for those who grant."""
    register = _register(request)
    officer = principal.role in _ALL
    params = request.query_params if request.method == "GET" else {}
    filters = {
        "importer": text_of(params, "importer", _NAME_LIMIT),
        "broker": text_of(params, "broker", _NAME_LIMIT),
        "withdrawn": "1" if text_of(params, "include_withdrawn", 5) == "1" else "",
    }
    if not officer:
        filters = {}
    asked = {name: text_of(params, name, _ID_LIMIT) for name in ("granted", "withdrawn")}
    language = language_of(request)

    def read() -> tuple[list[Row], int, Message | None]:
        rows, total = _rows(register, principal, filters)
        return rows, total, _done(register, principal, asked, language)

    rows, total, done = await to_thread.run_sync(read)
    view = _view(principal)
    values = {
        "view": view,
        "heading": HEADINGS[view],
        "rows": rows,
        "total": total,
        "states": {state.value: label for state, label in STATES.items()},
        "filters": filters,
        "can_grant": principal.role in _GRANTORS,
        "names_importer": principal.role is Role.ADMIN,
        "form": form or GrantForm(),
        "errors": errors or {},
        "fields": FIELDS,
        "done": done,
        "confirm": None,
    }
    return await page(request, "representations.html", values, status=status)


async def _reader(request: AnyRequest) -> Principal | Redirect:
    return await admitted(request, _READERS, _NOT_ALLOWED)


@get("/representations")
async def register_page(request: AnyRequest) -> Response[str] | Redirect:
    """The register as the visitor may see it, and the grant form for an importer."""
    principal = await _reader(request)
    if isinstance(principal, Redirect):
        return principal
    return await _show(request, principal)


# --- granting ---------------------------------------------------------------------------------


def _grant(register: Representations, principal: Principal, grant: Grant) -> Representation:
    return register.grant(principal, grant.broker, importer=grant.importer,
                          valid_from=grant.valid_from, valid_until=grant.valid_until,
                          reference=grant.reference)  # fmt: skip


def _same(existing: Representation, grant: Grant, principal: Principal, now: datetime) -> bool:
    """Whether ``existing`` is what ``grant`` asks for, granted by ``principal`` just now: the
    same form sent again."""
    return (
        existing.granted_by == principal.party
        and now - existing.granted_at < _RESENT
        and existing.broker_key == party_key(grant.broker)
        and (grant.importer is None or existing.importer_key == party_key(grant.importer))
        and existing.valid_from == (grant.valid_from or now.date())
        and existing.valid_until == grant.valid_until
        and existing.reference == grant.reference
    )


def _overlap(
    register: Representations, principal: Principal, grant: Grant, error: Conflict,
    language: Language,
) -> Message | str:  # fmt: skip
    """The portal's message for an overlap with another authority, or that authority's id
    when it is this same grant sent again."""
    other_id = str(error.details.get("id", ""))
    try:
        other = register.get(other_id, principal)
    except NotFound:
        return engine_message(error)
    if _same(other, grant, principal, register.clock.now()):
        return other.id
    values = {"broker": other.broker, "importer": other.importer, "id": other.id,
              "first": _day(other.valid_from, language)}  # fmt: skip
    if other.valid_until is None:
        return Message(OVERLAP_OPEN, values=values)
    return Message(OVERLAP, values={**values, "last": _day(other.valid_until, language)})


def _refusal(error: DomainError, grant: Grant, today: date) -> Errors:
    """A grant the register refused, as the message next to the field it is about."""
    known = _MESSAGES.get(error.code)
    if known is not None:
        return {known[0]: own(known[1])}
    if error.code == "representation.dates":
        over = grant.valid_until is not None and grant.valid_until < today
        return {"valid_until": own(ALREADY_OVER if over else BACKWARDS)}
    field = error.details.get("field")
    return {field if field in FIELDS else "": engine_message(error)}


@post("/representations", status_code=200)
async def grant(request: AnyRequest) -> Response[str] | Redirect:
    """A trader's grant to a broker (an administrator's record of a written one); back to the
    page, which says it was recorded."""
    posted = await posted_form(request)
    principal = await admitted(request, _GRANTORS, _NOT_ALLOWED, back_to="/representations")
    if isinstance(principal, Redirect):
        return principal
    form = GrantForm.from_form(posted)
    resendable(request, posted)
    wanted, errors = form.read(names_importer=principal.role is Role.ADMIN)
    if wanted is None:
        return await _show(request, principal, form=form, errors=errors, status=400)
    if is_switch(posted):  # shown again in another language: nothing is granted
        return await _show(request, principal, form=form, errors={}, status=200)
    register = _register(request)
    try:
        made = await to_thread.run_sync(_grant, register, principal, wanted)
    except Forbidden as error:
        raise PermissionDeniedException(detail=error.message) from None
    except Conflict as error:
        if error.code != "representation.exists":
            raise
        found = await to_thread.run_sync(
            _overlap, register, principal, wanted, error, language_of(request)
        )
        if isinstance(found, str):  # this same form, sent again
            return _back("granted", found)
        return await _show(request, principal, form=form, errors={"broker": found}, status=409)
    except DomainError as error:
        if is_operators(error):
            raise
        errors = _refusal(error, wanted, register.clock.now().date())
        return await _show(request, principal, form=form, errors=errors, status=400)
    return _back("granted", made.id)


def _back(done: str, representation_id: str) -> Redirect:
    return Redirect(f"/representations?{done}={quote(representation_id)}", status_code=303)


# --- withdrawing ------------------------------------------------------------------------------


async def _withdrawer(request: AnyRequest) -> Principal | Redirect:
    return await admitted(request, _WITHDRAWERS, "only the importer, its broker or an "
                          "administrator withdraws an authority")  # fmt: skip


async def _confirmation(
    request: AnyRequest, principal: Principal, row: Row, *, notice: Message | None = None,
    status: int = 200,
) -> Response[str]:  # fmt: skip
    values = {
        "view": _view(principal),
        "heading": HEADINGS[_view(principal)],
        "states": {state.value: label for state, label in STATES.items()},
        "fields": FIELDS,
        "confirm": row,
        "notice": notice,
        "errors": {},
    }
    return await page(request, "representations.html", values, status=status)


def _withdrawn_before(row: Row, language: Language) -> Message:
    day = _day(row.withdrawn_on, language) if row.withdrawn_on else ""
    return Message(WITHDRAWN_BEFORE, values={"day": day})


@get("/representations/{representation_id:str}/withdrawal")
async def withdrawal_form(
    request: AnyRequest, representation_id: FromPath[str]
) -> Response[str] | Redirect:
    """The authority, and a button to withdraw it (or give it up): the confirmation step."""
    principal = await _withdrawer(request)
    if isinstance(principal, Redirect):
        return principal
    register = _register(request)
    row = await to_thread.run_sync(_found, register, representation_id[:_ID_LIMIT], principal)
    notice = None
    if row.state is State.WITHDRAWN:
        notice = _withdrawn_before(row, language_of(request))
    return await _confirmation(request, principal, row, notice=notice)


@post("/representations/{representation_id:str}/withdrawal", status_code=303)
async def withdraw(
    request: AnyRequest, representation_id: FromPath[str]
) -> Response[str] | Redirect:
    """The authority withdrawn (by its importer or an administrator) or given up (by its
    broker); back to the page, which says so. Declarations lodged under it stay as they are."""
    await posted_form(request)
    principal = await signed_in(request, portal_of(request).tokens)
    if principal is None or principal.role not in _WITHDRAWERS:
        raise PermissionDeniedException(detail="only the importer, its broker or an "
                                        "administrator withdraws an authority")  # fmt: skip
    register = _register(request)
    wanted = representation_id[:_ID_LIMIT]
    try:
        done = await to_thread.run_sync(register.revoke, wanted, principal)
    except Forbidden as error:
        raise PermissionDeniedException(detail=error.message) from None
    except Conflict as error:
        if error.code != "representation.revoked":
            raise
        current = await to_thread.run_sync(register.get, wanted, principal)
        if current.revoked_by == principal.party:
            return _back("withdrawn", current.id)  # this same form, sent again
        row = _row(current, principal, register.clock.now())
        notice = _withdrawn_before(row, language_of(request))
        return await _confirmation(request, principal, row, notice=notice, status=409)
    return _back("withdrawn", done.id)


# --- for the lodging page ---------------------------------------------------------------------


def importers_for(register: Representations, principal: Principal) -> list[str]:
    """The importers a broker holds an authority in force from on the node's day, by name."""
    if principal.role is not Role.BROKER:
        return []
    today = register.clock.now().date()
    names = {r.importer_key: r.importer for r in register.list(principal) if r.in_force(today)}
    return sorted(names.values(), key=str.casefold)


async def broker_importers(request: AnyRequest) -> Sequence[str] | None:
    """For the lodging form: the importers the broker signed in may declare for today; ``None``
    when no broker is signed in or the node keeps no register."""
    portal = portal_of(request)
    principal = await signed_in(request, portal.tokens)
    if principal is None or principal.role is not Role.BROKER or portal.representations is None:
        return None
    return await to_thread.run_sync(importers_for, portal.representations, principal)


def no_authority(request: AnyRequest, error: CaftaError, importer: str) -> Message | None:
    """The lodging page's message for a broker refused for want of ``importer``'s authority
    (``declaration.no_authority``): only the importer can give it. ``None`` for any other
    error."""
    if error.code != "declaration.no_authority":
        return None
    today = portal_of(request).node_clearance().clock.now().date()
    return Message(NO_AUTHORITY, values={"importer": importer.strip(),
                                         "day": _day(today, language_of(request))})  # fmt: skip


def importer_named(text: str, name: str) -> str:
    """The importer's name in an uploaded declaration file ("" when it names none)."""
    try:
        document = parse_document(text, name)
    except CaftaError:
        return ""
    importer = document.get("importer") if isinstance(document, dict) else None
    found = importer.get("name") if isinstance(importer, dict) else None
    return found if isinstance(found, str) else ""
