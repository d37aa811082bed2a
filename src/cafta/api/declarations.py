"""Declarations over HTTP: lodge one (cleared at once), read it, list them, decide on it.

* ``POST /declarations`` (trader, broker, admin): the declaration document
  (:class:`~cafta.api.declaration_schemas.CustomsDeclarationBody`) is validated, priced, its
  Form E checked, given a lane and, in the green or blue lane, released before the answer:
  **201** with the declaration and ``Location``. An ``Idempotency-Key`` makes a retry safe: the
  same key with the same body answers **200** with the declaration the first request made
  (``Idempotent-Replayed: true``, with ``Location`` and ``ETag`` as the 201 has them, and so
  documented); the same key with another body is a 409
  ``idempotency.key_reused``.
* ``GET /declarations/{id}`` (any role): the declaration, with its version as ``ETag``.
  Officers and admins see every declaration; other roles (traders, brokers, gates) only those
  naming their party as importer or declarant: any other id is a 404, so an id does not reveal
  that someone else's declaration exists.
* ``GET /declarations`` (any role): newest first, filtered by ``status``, ``lane`` and
  ``office``; the officers' workbench queue is ``?status=held_for_inspection&office=CNYYG``.
* ``POST /declarations/{id}/decisions`` (officers): release, reject, request documents or
  inspect. ``If-Match: "<version>"`` makes the decision conditional on the version the officer
  read: when two officers decide at once, one wins and the other gets 409
  ``declaration.version``.
* ``POST /declarations/{id}/amendments`` and ``POST /declarations/{id}/cancellation``
  (declarants): corrected goods for a declaration held for documents, and its withdrawal before
  release (:mod:`.amendments`, which shares this module's helpers).

Every answer with a declaration gives the caller's view of it
(:func:`~cafta.services.views.declaration_view`): officers and admins get customs' view, with
the ``risk`` section and why the lane was chosen (rule hits, score, quota, random draw) in
``reasons`` and in the ``LaneAssigned`` timeline entry; traders, brokers and gates the
declarant's, with ``risk`` null, the Form E findings and what the lane means as ``reasons``,
and the ``LaneAssigned`` entry without its reasons, score and ``selected_by``. Selectivity
criteria are confidential: a declarant who read them would learn how to stay under them.

The clearance services are synchronous (database and engines): they run in the application's
worker threads (:class:`~cafta.api.workers.WorkerThreads`, a cheaper hop than anyio's). A body
is decoded once, strictly (:class:`~cafta.api.bodies.StrictBody`), and routes open to only some
roles say so in their ``opt`` (:func:`~cafta.api.auth.only`).
An application built without them (:func:`cafta.api.app.create_app` with ``clearance=None``)
answers these routes with 503 ``clearance.unavailable``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Schema
from litestar.params import Body, HeaderParameter, Parameter

from cafta.api.auth import only, principal_of
from cafta.api.bodies import StrictBody, strict
from cafta.api.context import context_of
from cafta.api.declaration_schemas import (
    CustomsDeclarationBody,
    DecisionBody,
    DeclarationPage,
    DeclarationSummary,
    DeclarationView,
)
from cafta.api.errors import problem_responses
from cafta.api.examples import DECISION_EXAMPLE, DECLARATION_EXAMPLE
from cafta.api.inputs import parameter
from cafta.api.openapi import replayed_with
from cafta.clearance.declaration import Declaration
from cafta.clearance.goods import party_key
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.errors import NotFound
from cafta.core.fields import field_error
from cafta.identifiers import locode
from cafta.services.clearance import Clearance, Decide, Lodge
from cafta.services.ports import DeclarationFilter, DeclarationRecord, Principal, Role
from cafta.services.views import declaration_view, stored_summary

__all__ = [
    "ETAG",
    "IDEMPOTENCY_KEY_PATTERN",
    "IF_MATCH_PATTERN",
    "DeclarationId",
    "DeclarationsController",
    "IfMatch",
    "answer",
    "checked_id",
    "expected_version",
    "expected_version_of",
    "given_once",
    "sees_selection",
    "summary_of",
    "without_nulls",
]

AnyRequest = Request[Any, Any, Any]

IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,198}[!-~])?$"
"""1 to 200 printable ASCII characters, not starting or ending with a space."""
IF_MATCH_PATTERN = r'^(\*|"[1-9][0-9]{0,8}"|[1-9][0-9]{0,8})$'
"""The version as its ETag (``"3"``), bare (``3``), or ``*`` (any version). ETags compare as
text (RFC 9110 8.8.3.2), so ``"003"`` is no version's: versions start at 1, without leading
zeros. One version, not a list (``"1", "2"``): a change is made on the version the caller
read."""

_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_DIGITS_TAG = re.compile(r'"?[0-9]+"?')
"""Digits, quoted or not, that :data:`IF_MATCH_PATTERN` refuses: ``"0"``, ``"003"``."""
_DECLARATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")

_LODGERS = only(Role.TRADER, Role.BROKER, Role.ADMIN)
_SEE_ALL = frozenset({Role.OFFICER, Role.ADMIN})
_CUSTOMS = frozenset({Role.OFFICER, Role.ADMIN})
"""The roles given customs' view of a declaration: its risk section and why its lane was chosen."""
_OFFICE_HINT = "Give a customs office's UN/LOCODE, e.g. office=CNYYG, or leave office out."
MAX_PAGE = 500
MAX_OFFSET = 1_000_000

ETAG = ResponseHeader(
    name="ETag",
    value='"3"',
    description='The declaration\'s version, e.g. "3": send it back as If-Match to decide, '
    "amend or cancel.",
    documentation_only=True,
)
_LOCATION = ResponseHeader(
    name="Location",
    value="/api/v1/declarations/CD20260601-4F1A9C02B7",
    description="The declaration's URL.",
    documentation_only=True,
)
_REPLAYED = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.STRING, enum=["true"]),
    description="true: this is the declaration an earlier request with the same "
    "Idempotency-Key and body lodged; nothing was lodged again.",
    required=True,
)
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description="Makes a retry safe: the same key and body answer with the declaration "
        "the first request made. 1 to 200 printable ASCII characters, e.g. a UUID.",
        schema_extra={"maxLength": 200, "pattern": IDEMPOTENCY_KEY_PATTERN},
    ),
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description='The version the change is made on, as its ETag ("3"), or * for any: a '
        "409 declaration.version if the declaration has changed since. One ETag, once: a list "
        '("1", "2") or an ETag no version has ("0", "003") is a 400.',
        schema_extra={"pattern": IF_MATCH_PATTERN},
    ),
]
DeclarationId = Annotated[
    str, Parameter(description="The declaration's id, e.g. CD20260601-4F1A9C02B7.")
]


def _etag(declaration: Declaration) -> str:
    return f'"{declaration.version}"'


def given_once(request: AnyRequest, name: str, code: str, hint: str) -> None:
    """A 400 ``code`` naming the header ``name`` when the request has it more than once
    (Litestar would read the first and say nothing)."""
    count = len(request.headers.getall(name, []))
    if count > 1:
        raise field_error(name, f"given {count} times: send it once", code=code, hint=hint)


def _idempotency_key(request: AnyRequest, text: str | None) -> str | None:
    given_once(request, "Idempotency-Key", "request.invalid_idempotency_key",
               "Send one key: the same key only to retry the same declaration.")  # fmt: skip
    if text is None:
        return None
    if not _IDEMPOTENCY_KEY.match(text):
        raise field_error(
            "Idempotency-Key",
            "must be 1 to 200 printable ASCII characters, without spaces at either end",
            code="request.invalid_idempotency_key",
            hint="Use e.g. a UUID, and the same key only to retry the same declaration.",
        )
    return text


_ACTED_ON = "Send back the ETag of the GET you acted on."


def expected_version(text: str | None) -> int | None:
    """The version ``If-Match`` names (:data:`IF_MATCH_PATTERN`); ``None`` for any version."""
    if text is None:
        return None
    if _IF_MATCH.match(text):
        return None if text == "*" else int(text.strip('"'))
    if "," in text:
        problem = 'must name one version, the one you read, e.g. "3": not a list of ETags'
    elif _DIGITS_TAG.fullmatch(text):
        problem = (
            "is the ETag of no version: versions are 1, 2, 3, ... written without leading "
            'zeros, e.g. "3"'
        )
    else:
        problem = 'must be the declaration\'s ETag, e.g. "3"'
    raise field_error("If-Match", problem, code="request.invalid_if_match", hint=_ACTED_ON)


def expected_version_of(request: AnyRequest, text: str | None) -> int | None:
    """:func:`expected_version` of the request's ``If-Match``, which it must give once."""
    given_once(request, "If-Match", "request.invalid_if_match", _ACTED_ON)
    return expected_version(text)


def _not_found(declaration_id: str) -> NotFound:
    return NotFound(
        f"no declaration {declaration_id}",
        code="declaration.not_found",
        hint="Check the id; you see only your own party's declarations.",
    )


def checked_id(declaration_id: str) -> str:
    """The id, if it can be one: anything else is a declaration that does not exist."""
    if not _DECLARATION_ID.match(declaration_id):
        raise _not_found(declaration_id[:80])
    return declaration_id


def sees_selection(principal: Principal) -> bool:
    """Whether ``principal`` is given customs' view of a declaration, with why its lane was
    chosen (officers and admins); every other role gets the declarant's
    (:func:`~cafta.services.views.declaration_view`)."""
    return principal.role in _CUSTOMS


def _document(declaration: Declaration, principal: Principal) -> DeclarationView:
    view = declaration_view(declaration, customs=sees_selection(principal))
    return msgspec.convert(view, DeclarationView)


def answer(
    declaration: Declaration,
    principal: Principal,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response[DeclarationView]:
    """The declaration as ``principal`` may see it, with its version as ``ETag``."""
    return Response(
        _document(declaration, principal),
        status_code=status,
        headers={"ETag": _etag(declaration), **(headers or {})},
    )


_NESTED = (dict, list)


def without_nulls(value: Any) -> Any:
    """The body as the domain reads a document: a member that is null is a member left out."""
    if isinstance(value, dict):
        # A loop rather than a comprehension calling itself on every member: most members are
        # strings and numbers, and a declaration has about a hundred of them.
        kept = {}
        for k, v in value.items():
            if v is None:
                continue
            kept[k] = without_nulls(v) if isinstance(v, _NESTED) else v
        return kept
    if isinstance(value, list):
        return [without_nulls(v) if isinstance(v, _NESTED) else v for v in value]
    return value


def _lodge(clearance: Clearance, body: CustomsDeclarationBody, principal: Principal,
           key: str | None) -> tuple[Declaration, bool, Any]:  # fmt: skip
    """The whole lodging in one worker thread: the pipeline and the answer's document.

    The view of a declaration this request made is answered as it is (a ``dict``), without
    converting it to :class:`DeclarationView` first, which cost as much as building it: it is
    built by this release's code from the document just stored, so it already has the Struct's
    members in the Struct's order and encodes to the same bytes. The end-to-end tests hold it to
    that (the answer read into the Struct and written again is the same bytes), and the OpenAPI
    document still takes the schema from the handler's ``Response[DeclarationView]``. A
    replay's declaration was stored earlier, perhaps by an earlier release, so it is converted
    as every stored declaration is (:func:`answer`).

    Either way the view is the one the lodger may see (:func:`sees_selection`): a trader or a
    broker gets the declarant's, without why the lane was chosen, as its later GET does."""
    document = without_nulls(msgspec.to_builtins(body))
    lodged = clearance.lodge(Lodge(document, principal, key))
    view = declaration_view(lodged.declaration, lodged.stored, customs=sees_selection(principal))
    if lodged.replayed:
        return lodged.declaration, True, msgspec.convert(view, DeclarationView)
    return lodged.declaration, False, view


def _show(clearance: Clearance, wanted: str, principal: Principal) -> Response[DeclarationView]:
    return answer(clearance.get(wanted, principal), principal)


def summary_of(record: DeclarationRecord) -> DeclarationSummary:
    """A list's line: :func:`~cafta.services.views.stored_summary` of a stored declaration."""
    return msgspec.convert(stored_summary(record), DeclarationSummary)


def _page(clearance: Clearance, where: DeclarationFilter) -> DeclarationPage:
    with clearance.uow(read_only=True) as uow:
        records = uow.declarations.list(where)
        total = uow.declarations.count(where)
    summaries = [summary_of(r) for r in records]
    return DeclarationPage(items=summaries, limit=where.limit, offset=where.offset, total=total)


class DeclarationsController(Controller):
    path = "/declarations"
    tags = ("Declarations",)

    @post(
        "/",
        opt=_LODGERS,
        dto=StrictBody,
        status_code=201,
        summary="Lodge a declaration",
        response_headers=[_LOCATION, ETAG],
        # The replay's 200 has the 201's headers and its own; each listed by name, not in a
        # set's order.
        operation_class=replayed_with(200, 201, {"Idempotent-Replayed": _REPLAYED}),
        responses={
            200: ResponseSpec(
                data_container=DeclarationView,
                description="A retry with the same Idempotency-Key and body: the declaration "
                "the first request made (Idempotent-Replayed: true)",
                generate_examples=False,
            ),
            **problem_responses(400, 401, 403, 404, 409, 413, 415, 503),
        },
    )
    async def lodge(
        self,
        request: AnyRequest,
        data: Annotated[CustomsDeclarationBody, Body(examples=[DECLARATION_EXAMPLE])],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[DeclarationView]:
        """Lodge a declaration: validated, priced, its Form E checked, given a lane and, in the
        green or blue lane, released, all before the answer.

        The lodger must be the importer or the declarant the document names (an admin may
        lodge for anyone). An item whose line has no rate for its origin and day is a 400
        ``tariff.no_measures`` naming ``items[n].line``, a currency without an exchange rate a
        400 ``fx.rate_unavailable`` naming ``items[n].value.currency``.

        Traders and brokers get the declarant's view: ``risk`` is null, ``reasons`` are the
        Form E findings and what the lane means, and the ``LaneAssigned`` timeline entry says
        the lane only; why it was chosen is for customs (admins get customs' view).
        """
        context = context_of(request)
        clearance = context.clearance_service()
        key = _idempotency_key(request, idempotency_key)
        body = strict(request, data)
        declaration, replayed, view = await context.workers.run(
            _lodge, clearance, body, principal_of(request), key
        )
        headers = {"ETag": _etag(declaration),
                   "Location": f"{request.url.path.rstrip('/')}/{declaration.id}"}  # fmt: skip
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(view, status_code=200 if replayed else 201, headers=headers)

    @get(
        "/{declaration_id:str}",
        summary="A declaration",
        response_headers=[ETAG],
        responses=problem_responses(401, 403, 404, 503),
    )
    async def show(
        self, request: AnyRequest, declaration_id: DeclarationId
    ) -> Response[DeclarationView]:
        """The declaration: status and lane, the assessment with its working, the Form E
        verdict, the reasons and the timeline. Traders and brokers see only their own party's
        (another's is a 404).

        Officers and admins see why the lane was chosen: the ``risk`` section (score, what
        selected it, the rules' reasons), the lane's reasons in ``reasons`` and in the
        ``LaneAssigned`` timeline entry. Every other role gets the declarant's view: ``risk``
        null, ``reasons`` the Form E findings and what the lane means, and the ``LaneAssigned``
        entry with the lane only."""
        context = context_of(request)
        clearance = context.clearance_service()
        wanted = checked_id(declaration_id)
        return await context.workers.run(_show, clearance, wanted, principal_of(request))

    @get(
        "/",
        summary="List declarations",
        responses=problem_responses(400, 401, 403, 503),
    )
    async def index(
        self,
        request: AnyRequest,
        *,
        status: Annotated[Status | None, Parameter(description="Only this status.")] = None,
        lane: Annotated[Lane | None, Parameter(description="Only this lane.")] = None,
        office: Annotated[
            str | None,
            Parameter(description="Only this customs office (UN/LOCODE).", max_length=20),
        ] = None,
        limit: Annotated[int, Parameter(description="How many at most.", ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Parameter(description="How many to skip.", ge=0, le=MAX_OFFSET)] = 0,
    ) -> DeclarationPage:
        """Declarations, newest first. Officers and admins see every party's; traders and
        brokers their own. The workbench queue of an office:
        ``?status=held_for_inspection&office=CNYYG``."""
        clearance = context_of(request).clearance_service()
        principal = principal_of(request)
        where = DeclarationFilter(
            office=parameter("office", office, locode.validate, _OFFICE_HINT)
            if office is not None
            else None,
            status=status.value if status is not None else None,
            lane=lane.value if lane is not None else None,
            party=None if principal.role in _SEE_ALL else party_key(principal.party),
            limit=limit,
            offset=offset,
        )
        return await context_of(request).workers.run(_page, clearance, where)

    @post(
        "/{declaration_id:str}/decisions",
        opt=only(Role.OFFICER),
        dto=StrictBody,
        status_code=200,
        summary="Decide on a declaration",
        response_headers=[ETAG],
        responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 503),
    )
    async def decide(
        self,
        request: AnyRequest,
        declaration_id: DeclarationId,
        data: Annotated[DecisionBody, Body(examples=[DECISION_EXAMPLE])],
        if_match: IfMatch = None,
    ) -> Response[DeclarationView]:
        """An officer's decision: ``release``, ``reject``, ``request_documents`` or
        ``inspect`` (with an ``outcome``, it records what the inspection found).

        409 ``declaration.transition`` when the declaration's status does not allow it (a
        released declaration is final); 409 ``declaration.version`` when ``If-Match`` names a
        version that is no longer current.
        """
        context = context_of(request)
        clearance = context.clearance_service()
        expected = expected_version_of(request, if_match)
        body = strict(request, data)
        outcome = without_nulls(msgspec.to_builtins(body.outcome)) if body.outcome else None
        command = Decide(
            declaration_id=checked_id(declaration_id),
            principal=principal_of(request),
            action=body.action,
            note=body.note,
            outcome=outcome,
            expected_version=expected,
        )
        declaration = await context.workers.run(clearance.decide, command)
        return answer(declaration, command.principal)
