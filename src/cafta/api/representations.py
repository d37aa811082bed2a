"""The register of representations over HTTP: who may declare for whom.

An importer's written authority for a customs broker to declare its goods (Customs Law of the
PRC, art. 9 and 10; :mod:`cafta.clearance.representation`), kept by the node and asked before a
broker's lodging, amendment or cancellation for another importer
(``declaration.no_authority``):

* ``POST /representations`` (trader, admin): a trader grants a broker authority for itself; an
  administrator records one on the strength of a paper authority, naming the importer. **201**
  with the representation and ``Location``; an authority overlapping a live one for the same
  importer and broker is a 409 ``representation.exists`` naming it in ``details.id``.
* ``GET /representations`` (trader, broker, officer, admin): the register as the caller may see
  it, narrowed by ``importer`` and ``broker``: a trader the authorities it gave, a broker those
  it holds, officers and administrators all of them. Withdrawn ones only with
  ``include_revoked=true``. A page at a time, oldest grant first: ``limit`` (default
  :data:`PAGE`, at most :data:`MAX_PAGE`) after ``offset``, with the ``total`` on every page.
* ``GET /representations/{id}``: one of them; one the caller may not see is a 404, as for an id
  that does not exist.
* ``POST /representations/{id}/revocation`` (trader, broker, admin): withdrawn by its importer,
  given up by its broker, or withdrawn by an administrator; **200** with it. Declarations lodged
  under it stay as they are; a second withdrawal is a 409 ``representation.revoked``.

Who may do what is decided by :class:`~cafta.services.representations.Representations`; the
routes' roles (:func:`~cafta.api.auth.only`) refuse the others with 403 ``auth.forbidden``
before the body is read, as on every other route. Every answer says whether the authority is
in force on the node's day (``in_force_today``); the bodies and documents are in
:mod:`.representation_schemas`. The register's work runs in the API's worker threads
(:class:`~cafta.api.workers.WorkerThreads`); an application built without a database answers
these routes with 503 ``clearance.unavailable``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.params import Body, Parameter

from cafta.api.auth import only, principal_of
from cafta.api.bodies import StrictBody, strict
from cafta.api.context import context_of
from cafta.api.errors import problem_responses
from cafta.api.inputs import with_field
from cafta.api.representation_schemas import (
    GRANT_EXAMPLE,
    NAME_LIMIT,
    REVOCATION_EXAMPLE,
    GrantBody,
    RepresentationPage,
    RepresentationView,
    RevocationBody,
)
from cafta.clearance.representation import Representation
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.fields import field_error
from cafta.core.names import checked_name
from cafta.services.ports import Principal, Role
from cafta.services.representations import Representations

__all__ = ["RepresentationsController"]

AnyRequest = Request[Any, Any, Any]

_GRANTORS = only(Role.TRADER, Role.ADMIN)
_READERS = only(Role.TRADER, Role.BROKER, Role.OFFICER, Role.ADMIN)
_WITHDRAWERS = only(Role.TRADER, Role.BROKER, Role.ADMIN)

PAGE = 100
"""How many representations a page of ``GET /representations`` holds unless ``limit`` says."""
MAX_PAGE = 1000
"""The largest ``limit``: the whole register (tens of thousands of rows, megabytes) is read a
page at a time."""
MAX_OFFSET = 1_000_000
"""The largest ``offset``, as for declarations."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
"""What an id can be (``rep_`` and 12 hex digits when the node made it): anything else is
refused before it reaches the database, as a representation that does not exist."""
_FIELDS = {
    "representation.invalid_broker": "broker",
    "representation.invalid_importer": "importer",
    "representation.reference": "reference",
}
"""The body's member each of the domain's refusals is about, where the refusal (a name with a
control character, from :func:`~cafta.core.names.checked_name`) does not name it."""

_LOCATION = ResponseHeader(
    name="Location",
    value="/api/v1/representations/rep_3f9c1a2b4d5e",
    description="The representation's URL.",
    documentation_only=True,
)
RepresentationId = Annotated[
    str, Parameter(description="The representation's id, e.g. rep_3f9c1a2b4d5e.")
]


def _view(representation: Representation, today: dt.date) -> RepresentationView:
    # Times in UTC (to_document): the answer to a grant or a withdrawal, made at the clock's
    # time in the node's zone, reads as every later GET of it does.
    document = {**representation.to_document(), "in_force_today": representation.in_force(today)}
    return msgspec.convert(document, RepresentationView)


def _checked_id(representation_id: str) -> str:
    """The id, if it can be one; anything else is a representation that does not exist."""
    wanted = representation_id.strip()
    if not _ID.match(wanted):
        raise NotFound(
            f"no representation {wanted[:80]}",
            code="representation.not_found",
            hint="Check the id (rep_...); you see only the authorities you gave or hold.",
        )
    return wanted


def _party_filter(name: str, text: str | None) -> str | None:
    """A query parameter naming a party: ``None`` when left empty; a 400 naming ``name`` when it
    holds a control character (no party's name can, and the database is spared it)."""
    if text is None or not text.strip():
        return None
    try:
        return checked_name(text, f"the {name}", "request.invalid")
    except InvalidInput as error:
        raise field_error(name, error.message, code=error.code, hint=error.hint) from None


# --- the work, in a worker thread -------------------------------------------------------------


def _grant(register: Representations, principal: Principal, body: GrantBody) -> RepresentationView:
    try:
        granted = register.grant(
            principal,
            body.broker,
            importer=body.importer,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            reference=body.reference,
        )
    except InvalidInput as error:
        raise with_field(error, _FIELDS) from None
    return _view(granted, register.clock.today())


def _show(register: Representations, wanted: str, principal: Principal) -> RepresentationView:
    return _view(register.get(wanted, principal), register.clock.today())


def _page(register: Representations, principal: Principal, *, importer: str | None,
          broker: str | None, include_revoked: bool, limit: int,
          offset: int) -> RepresentationPage:  # fmt: skip
    found, total = register.page(principal, importer=importer, broker=broker,
                                 include_revoked=include_revoked, limit=limit,
                                 offset=offset)  # fmt: skip
    today = register.clock.today()
    return RepresentationPage(items=[_view(r, today) for r in found], total=total, limit=limit,
                              offset=offset)  # fmt: skip


def _revoke(register: Representations, wanted: str, principal: Principal) -> RepresentationView:
    return _view(register.revoke(wanted, principal), register.clock.today())


class RepresentationsController(Controller):
    path = "/representations"
    tags = ("Representations",)

    @post(
        "/",
        opt=_GRANTORS,
        dto=StrictBody,
        status_code=201,
        summary="Grant a broker authority to declare",
        response_headers=[_LOCATION],
        responses=problem_responses(400, 401, 403, 409, 413, 415, 503),
    )
    async def grant(
        self,
        request: AnyRequest,
        data: Annotated[GrantBody, Body(examples=[GRANT_EXAMPLE])],
    ) -> Response[RepresentationView]:
        """The importer lets a customs broker declare its goods, from ``valid_from`` (default
        today) to ``valid_until`` (default: until withdrawn). A trader grants for itself (an
        ``importer`` naming another party is a 403 ``representation.not_your_party``); an
        administrator records a written authority and names the importer (400
        ``representation.missing_importer`` otherwise).

        400 ``representation.self`` when the broker is the importer, ``representation.dates``
        when the days are out of order or already over; 409 ``representation.exists`` (with
        ``details.id``) when the broker already holds a live authority from the importer for
        some of those days. A member the body does not define (``valid_untill``) is a 400
        ``request.invalid`` naming it, never ignored.
        """
        context = context_of(request)
        register = context.representation_register()
        body = strict(request, data)
        view = await context.workers.run(_grant, register, principal_of(request), body)
        location = f"{request.url.path.rstrip('/')}/{view.id}"
        return Response(view, status_code=201, headers={"Location": location})

    @get(
        "/",
        opt=_READERS,
        summary="List representations",
        responses=problem_responses(400, 401, 403, 503),
    )
    async def index(
        self,
        request: AnyRequest,
        *,
        importer: Annotated[
            str | None,
            Parameter(description="Only those this importer gave.", max_length=NAME_LIMIT),
        ] = None,
        broker: Annotated[
            str | None,
            Parameter(description="Only those this broker holds.", max_length=NAME_LIMIT),
        ] = None,
        include_revoked: Annotated[
            bool, Parameter(description="Withdrawn ones too (default: only live ones).")
        ] = False,
        limit: Annotated[int, Parameter(description="How many at most.", ge=1, le=MAX_PAGE)] = PAGE,
        offset: Annotated[int, Parameter(description="How many to skip.", ge=0, le=MAX_OFFSET)] = 0,
    ) -> RepresentationPage:
        """The register as the caller may see it: a trader the authorities it gave, a broker
        those it holds, officers and administrators every one. Parties are matched with case,
        spacing and character width folded; withdrawn ones only with ``include_revoked=true``.

        A page at a time, oldest grant first: ``total`` is how many match on every page; the
        next page is ``offset`` + ``limit``."""
        context = context_of(request)
        register = context.representation_register()
        wanted_importer = _party_filter("importer", importer)
        wanted_broker = _party_filter("broker", broker)
        work = partial(_page, register, principal_of(request), importer=wanted_importer,
                       broker=wanted_broker, include_revoked=include_revoked, limit=limit,
                       offset=offset)  # fmt: skip
        return await context.workers.run(work)

    @get(
        "/{representation_id:str}",
        opt=_READERS,
        summary="A representation",
        responses=problem_responses(401, 403, 404, 503),
    )
    async def show(
        self, request: AnyRequest, representation_id: RepresentationId
    ) -> RepresentationView:
        """One authority of the register. One the caller may not see (another trader's, another
        broker's) is a 404 ``representation.not_found``, as for an id that does not exist."""
        context = context_of(request)
        register = context.representation_register()
        wanted = _checked_id(representation_id)
        return await context.workers.run(_show, register, wanted, principal_of(request))

    @post(
        "/{representation_id:str}/revocation",
        opt=_WITHDRAWERS,
        dto=StrictBody,
        status_code=200,
        summary="Withdraw a representation",
        responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 503),
    )
    async def revoke(
        self,
        request: AnyRequest,
        representation_id: RepresentationId,
        data: Annotated[RevocationBody | None, Body(examples=[REVOCATION_EXAMPLE])] = None,
    ) -> RepresentationView:
        """The importer withdraws the authority, or its broker gives it up (an administrator
        may do either); the body may be left out, or be ``{}`` (a member in it is a 400
        ``request.invalid`` naming it). From now on the broker's
        lodgings for the importer are refused (403 ``declaration.no_authority``); declarations
        lodged before stay as they are.

        409 ``representation.revoked`` when it was already withdrawn; 404
        ``representation.not_found`` for one the caller may not see.
        """
        context = context_of(request)
        register = context.representation_register()
        strict(request, data)  # nothing to read in it yet, but a body of the wrong shape is a 400
        wanted = _checked_id(representation_id)
        return await context.workers.run(_revoke, register, wanted, principal_of(request))
