"""Read endpoints of the engines: HS search, tariff look-up, duty, origin, Form E verification.

They compute and store nothing, and are open to every authenticated role. Each answers with the
document its CLI command prints with ``--json``. Dates default to today in the server's zone
(``CAFTA_TIMEZONE``). Engine work runs in a worker thread, off the event loop, in the pool the
lodging uses (:class:`~cafta.api.workers.WorkerThreads`).

A body is declared as the handler's ``data``, which gives the OpenAPI document its schema, and
is decoded once, strictly (:class:`~cafta.api.bodies.StrictBody`, the handler's ``dto``, read
through :func:`~cafta.api.bodies.strict`): that strict reading is what the engines get.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Body, Parameter

from cafta.api import serialize
from cafta.api.bodies import StrictBody, strict
from cafta.api.context import ApiContext, context_of
from cafta.api.errors import problem_responses
from cafta.api.examples import BOM_EXAMPLE, DUTY_EXAMPLE, VERIFICATION_EXAMPLE
from cafta.api.inputs import (
    country_parameter,
    duty_request,
    line_parameter,
    parse_under,
    with_field,
)
from cafta.api.responses import (
    DutyAssessment,
    HsSearch,
    OriginAssessment,
    TariffLookupDocument,
    VerificationDocument,
)
from cafta.api.schemas import BillOfMaterialsBody, DutyBody, VerificationBody
from cafta.bootstrap import configured
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.verification import verify
from cafta.core.errors import InvalidInput
from cafta.origin import decision
from cafta.origin.bom import parse_bom
from cafta.refdata.nomenclature import Nomenclature
from cafta.tariff import duty as duty_engine
from cafta.tariff.lookup import lookup

__all__ = [
    "CertificatesController",
    "DutyController",
    "HsController",
    "OriginController",
    "TariffController",
]

AnyRequest = Request[Any, Any, Any]
_LINE_FIELDS = {"tariff.ambiguous_line": "line", "tariff.code_too_short": "line"}
"""The look-up's errors about the line, which name no field themselves: on the tariff route the
line is the path's ``line``, on the duty route the body's."""

On = Annotated[
    dt.date | None,
    Parameter(description="Day of the question (YYYY-MM-DD); default today."),
]


def _search_hs(q: str, limit: int) -> HsSearch:
    nomenclature = Nomenclature.hs2022()
    return serialize.hs_search(q, nomenclature.edition, nomenclature.search(q, limit=limit))


class HsController(Controller):
    path = "/hs"
    tags = ("HS codes",)

    @get(
        "/search",
        summary="Search HS 2022 codes",
        responses=problem_responses(400, 401, 403),
    )
    async def search(
        self,
        request: AnyRequest,
        q: Annotated[
            str,
            Parameter(
                description="Words describing the goods, or a code.",
                min_length=1,
                max_length=200,
            ),
        ],
        limit: Annotated[int, Parameter(description="How many matches.", ge=1, le=100)] = 10,
    ) -> HsSearch:
        """HS 2022 codes whose descriptions match the words, best match first."""
        return await context_of(request).workers.run(_search_hs, q, limit)


class TariffController(Controller):
    path = "/tariff"
    tags = ("Tariff",)

    @get(
        "/{line:str}",
        summary="Measures for a tariff line",
        responses=problem_responses(400, 401, 403, 404, 503),
    )
    async def show(
        self,
        request: AnyRequest,
        line: Annotated[str, Parameter(description="Tariff line or HS code, e.g. 0810.60.00.")],
        origin: Annotated[str, Parameter(description="Country of origin, e.g. TH.")],
        destination: Annotated[str, Parameter(description="Importing party, e.g. CN.")],
        on: On = None,
    ) -> TariffLookupDocument:
        """The measures for a line, and the best rate with and without each proof of origin.

        A code that splits into national lines with different rates is a 400 whose
        ``details.lines`` lists them; a code the HS does not have is a 404.
        """
        context = context_of(request)
        return await context.workers.run(_tariff, context, line, origin, destination, on)


def _tariff(
    context: ApiContext, line: str, origin: str, destination: str, on: dt.date | None
) -> TariffLookupDocument:
    services = context.services
    schedule = configured(lambda: services.schedule, "the tariff schedules")
    code = line_parameter("line", line)
    origin_code = country_parameter("origin", origin)
    party = country_parameter("destination", destination)
    try:
        result = lookup(schedule, code, origin_code, party, on or services.clock.today())
    except InvalidInput as error:
        raise with_field(error, _LINE_FIELDS) from None
    return serialize.tariff(result)


def _assess_duty(context: ApiContext, body: DutyBody) -> DutyAssessment:
    services = context.services
    schedule = configured(lambda: services.schedule, "the tariff schedules")
    wanted = duty_request(msgspec.to_builtins(body), services.clock.today())
    try:
        result = duty_engine.assess(wanted, schedule, services.rates)
    except InvalidInput as error:
        raise with_field(error, {**duty_engine.REQUEST_FIELDS, **_LINE_FIELDS}) from None
    return serialize.assessment(result)


class DutyController(Controller):
    path = "/duty"
    tags = ("Tariff",)

    @post(
        "/",
        dto=StrictBody,
        status_code=200,
        summary="Duty and import taxes for a consignment",
        responses=problem_responses(400, 401, 403, 404, 413, 415, 503),
    )
    async def assess(
        self, request: AnyRequest, data: Annotated[DutyBody, Body(examples=[DUTY_EXAMPLE])]
    ) -> DutyAssessment:
        """Duty, consumption tax and VAT with the working, the regime applied and the others.

        404 when no rate is known for the line, origin and day, or no exchange rate for the
        value's currency on that day; 503 when the server's exchange rates are too old for
        today (its operator must load current ones).
        """
        body = strict(request, data)
        context = context_of(request)
        return await context.workers.run(_assess_duty, context, body)


def _assess_origin(context: ApiContext, body: BillOfMaterialsBody) -> OriginAssessment:
    services = context.services
    rulebook = configured(lambda: services.rulebook, "the rules of origin")
    document = msgspec.to_builtins(body)
    document.pop("on", None)
    bom = parse_bom(document)
    found = decision.assess(
        bom, body.on or services.clock.today(), rulebook=rulebook, rates=services.rates
    )
    return serialize.origin_assessment(found)


class OriginController(Controller):
    path = "/origin"
    tags = ("Rules of origin",)

    @post(
        "/assessments",
        dto=StrictBody,
        status_code=200,
        summary="Decide origin from a bill of materials",
        responses=problem_responses(400, 401, 403, 404, 413, 415, 503),
    )
    async def assess(
        self,
        request: AnyRequest,
        data: Annotated[BillOfMaterialsBody, Body(examples=[BOM_EXAMPLE])],
    ) -> OriginAssessment:
        """Whether the good is originating under ACFTA, by which criterion, and the evidence.

        The body is a bill of materials as in ``docs/origin.md`` (with an optional ``on``);
        the answer is the evidence pack of ``cafta origin assess --json``. Nothing is stored.
        """
        body = strict(request, data)
        context = context_of(request)
        return await context.workers.run(_assess_origin, context, body)


def _verify(context: ApiContext, body: VerificationBody) -> VerificationDocument:
    services = context.services
    declaration = (
        parse_under("declaration", parse_declaration, msgspec.to_builtins(body.declaration))
        if body.declaration is not None
        else None
    )
    policy = configured(lambda: services.verification_policy, "the Form E settings")
    rulebook = configured(lambda: services.rulebook, "the rules of origin")
    result = verify(
        body.certificate,
        context.trust_list(),
        context.verifier,
        on=body.on or services.clock.today(),
        declaration=declaration,
        policy=policy,
        rules=rulebook,
    )
    return serialize.verification(result)


class CertificatesController(Controller):
    path = "/certificates"
    tags = ("Certificates of origin",)

    @post(
        "/verifications",
        dto=StrictBody,
        status_code=200,
        summary="Verify a signed Form E",
        responses=problem_responses(400, 401, 403, 413, 415, 503),
    )
    async def verify(
        self,
        request: AnyRequest,
        data: Annotated[VerificationBody, Body(examples=[VERIFICATION_EXAMPLE])],
    ) -> VerificationDocument:
        """Check a signed Form E: signature, issuer, dates, and a declaration item by item.

        A certificate that fails a check is a verdict (``rejected``, with findings), not an
        error: only a body that cannot be read is a 400. Without a trust list configured on the
        server, every certificate is untrusted.
        """
        body = strict(request, data)
        context = context_of(request)
        return await context.workers.run(_verify, context, body)
