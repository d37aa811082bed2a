"""The declarant's changes over HTTP: amend a declaration held for documents, or cancel one.

* ``POST /declarations/{id}/amendments`` (trader, broker, admin): the whole corrected
  declaration document, as lodged (:class:`~cafta.api.declaration_schemas.CustomsDeclarationBody`),
  while the declaration is ``held_for_documents``. It replaces what was declared and is assessed
  again from the start (Form E check, duty, lane, release when green): **200** with the
  declaration. The customs office and the importer cannot change (400
  ``declaration.amend_identity``: cancel and lodge anew).
* ``POST /declarations/{id}/cancellation`` (trader, broker, admin): the declaration withdrawn
  before release, with an optional ``note``; **200** with the declaration, now ``cancelled``.

Both take ``If-Match: "<version>"`` as an officer's decision does (:mod:`.declarations`): the
change is made only on the version read, else 409 ``declaration.version``. A status that does
not allow the change is 409 ``declaration.transition``; an officer's token is a 403; a
declaration the token's party may not read is a 404, as for an id that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import Body

from cafta.api.auth import only, principal_of
from cafta.api.bodies import StrictBody, strict
from cafta.api.context import context_of
from cafta.api.declaration_schemas import (
    CancellationBody,
    CustomsDeclarationBody,
    DeclarationView,
)
from cafta.api.declarations import (
    ETAG,
    DeclarationId,
    IfMatch,
    answer,
    checked_id,
    expected_version_of,
    without_nulls,
)
from cafta.api.errors import problem_responses
from cafta.api.examples import AMENDMENT_EXAMPLE, CANCELLATION_EXAMPLE
from cafta.services.clearance import Amend, Cancel
from cafta.services.ports import Role

__all__ = ["AmendmentsController"]

AnyRequest = Request[Any, Any, Any]

_DECLARANTS = only(Role.TRADER, Role.BROKER, Role.ADMIN)


class AmendmentsController(Controller):
    path = "/declarations"
    tags = ("Declarations",)

    @post(
        "/{declaration_id:str}/amendments",
        opt=_DECLARANTS,
        dto=StrictBody,
        status_code=200,
        summary="Amend a declaration held for documents",
        response_headers=[ETAG],
        responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 503),
    )
    async def amend(
        self,
        request: AnyRequest,
        declaration_id: DeclarationId,
        data: Annotated[CustomsDeclarationBody, Body(examples=[AMENDMENT_EXAMPLE])],
        if_match: IfMatch = None,
    ) -> Response[DeclarationView]:
        """Corrected goods for a declaration held for documents (yellow lane, or documents an
        officer requested): the whole declaration document, as lodged. It replaces what was
        declared and runs through the pipeline again (Form E check, duty, lane, release when
        green) before the answer; the version goes up by one.

        The customs office and the importer cannot change (400 ``declaration.amend_identity``);
        the token's party must stay the importer or the declarant. 409
        ``declaration.transition`` when the declaration is not held for documents; 409
        ``declaration.version`` when ``If-Match`` names a version that is no longer current.
        """
        context = context_of(request)
        clearance = context.clearance_service()
        expected = expected_version_of(request, if_match)
        body = strict(request, data)
        command = Amend(
            declaration_id=checked_id(declaration_id),
            document=without_nulls(msgspec.to_builtins(body)),
            principal=principal_of(request),
            expected_version=expected,
        )
        declaration = await context.workers.run(clearance.amend, command)
        return answer(declaration, command.principal)

    @post(
        "/{declaration_id:str}/cancellation",
        opt=_DECLARANTS,
        dto=StrictBody,
        status_code=200,
        summary="Cancel a declaration before release",
        response_headers=[ETAG],
        responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 503),
    )
    async def cancel(
        self,
        request: AnyRequest,
        declaration_id: DeclarationId,
        data: Annotated[CancellationBody | None, Body(examples=[CANCELLATION_EXAMPLE])] = None,
        if_match: IfMatch = None,
    ) -> Response[DeclarationView]:
        """The declarant withdraws the declaration before its goods are released; the body
        (an optional ``note``) may be left out, or be ``null``. Cancelled is final.

        409 ``declaration.transition`` when the declaration is released, rejected or already
        cancelled; 409 ``declaration.version`` when ``If-Match`` names a version that is no
        longer current.
        """
        context = context_of(request)
        clearance = context.clearance_service()
        expected = expected_version_of(request, if_match)
        body = strict(request, data)  # None: the body was left out, or null
        command = Cancel(
            declaration_id=checked_id(declaration_id),
            principal=principal_of(request),
            note=body.note if body is not None else None,
            expected_version=expected,
        )
        declaration = await context.workers.run(clearance.cancel, command)
        return answer(declaration, command.principal)
