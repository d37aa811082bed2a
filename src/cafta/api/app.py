"""The application factory: routes, authentication, problem details and the OpenAPI document.

Layout:

* ``GET /healthz``: liveness, public;
* ``/api/v1/...``: the API, version 1, every route behind a bearer token (:mod:`.auth`);
* ``GET /schema/openapi.json``: the OpenAPI 3.1 document, public;
* ``GET /docs``: Swagger UI, served offline (:mod:`.docs_ui`), public.

A later version of the API is another router (``/api/v2``) beside the first; new resources of
version 1 are more controllers in :data:`V1_CONTROLLERS`, as the declarations are
(:mod:`.declarations`, :mod:`.amendments`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from litestar import Litestar, Router, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap

from cafta import __version__
from cafta.api.amendments import AmendmentsController
from cafta.api.auth import BearerAuthentication
from cafta.api.context import STATE_KEY, ApiContext
from cafta.api.declarations import DeclarationsController
from cafta.api.docs_ui import docs_router
from cafta.api.engines import (
    CertificatesController,
    DutyController,
    HsController,
    OriginController,
    TariffController,
)
from cafta.api.errors import (
    cafta_error_handler,
    http_error_handler,
    problem_responses,
    unexpected_error_handler,
)
from cafta.api.floor import floor_handler
from cafta.api.options import allow_every_method
from cafta.api.responses import Health
from cafta.bootstrap import Services
from cafta.certificates.trust import TrustList
from cafta.core.errors import CaftaError
from cafta.services.clearance import Clearance
from cafta.services.ports import TokenStore, UnitOfWorkFactory

__all__ = ["API_PREFIX", "V1_CONTROLLERS", "create_app"]

API_PREFIX = "/api/v1"
BEARER = "bearer"

V1_CONTROLLERS: Sequence[ControllerRouterHandler] = (
    HsController,
    TariffController,
    DutyController,
    OriginController,
    CertificatesController,
    DeclarationsController,
    AmendmentsController,
)
"""The resources of version 1; a route open to only some roles says which in its ``opt``
(:func:`cafta.api.auth.only`)."""

_DESCRIPTION = """\
Tariffs, duty, rules of origin and Form E certificates for China-ASEAN trade.

Every route under `/api/v1` needs `Authorization: Bearer <token>`. Errors are
`application/problem+json` (RFC 9457) with a stable `code` and, for invalid input, `errors`
naming each field. Amounts are exact decimals written as strings. See `docs/api.md`.
"""


@get(
    "/healthz",
    summary="Liveness",
    tags=["Operations"],
    responses=problem_responses(500),
)
async def healthz() -> Health:
    """``{"status": "ok"}`` while the process serves requests (no token needed)."""
    return Health(status="ok")


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="CAFTA Smart Port API",
        version=__version__,
        description=_DESCRIPTION,
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A token from 'cafta tokens create' (cafta_...).",
                )
            }
        ),
        tags=[
            Tag(name="HS codes"),
            Tag(name="Tariff"),
            Tag(name="Rules of origin"),
            Tag(name="Certificates of origin"),
            Tag(
                name="Declarations",
                description="Lodge an import declaration (cleared at once), read and list "
                "declarations, officers' decisions, and the declarant's amendments and "
                "cancellations (docs/clearance.md).",
            ),
            Tag(name="Operations"),
        ],
        use_handler_docstrings=True,
    )


_HANDLERS: ExceptionHandlersMap = {
    CaftaError: cafta_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}


def create_app(
    services: Services,
    *,
    tokens: TokenStore,
    trust: Callable[[], TrustList] | None = None,
    clearance: Clearance | None = None,
    debug: bool = False,
    floor: UnitOfWorkFactory | None = None,
    extra_routes: Sequence[ControllerRouterHandler] = (),
) -> Litestar:
    """The API over ``services``; ``tokens`` resolves bearer tokens, ``trust`` gives the trust
    list Form E are verified against (``None``: no issuer is trusted), ``clearance`` serves the
    declarations (``None``: their routes answer 503 ``clearance.unavailable``)."""
    handlers: list[ControllerRouterHandler] = list(V1_CONTROLLERS)
    if floor is not None:  # only for bench/clearance.py (CAFTA_BENCH_FLOOR=1)
        handlers.append(floor_handler(floor))
    v1 = Router(
        path=API_PREFIX,
        route_handlers=handlers,
        middleware=[DefineMiddleware(BearerAuthentication)],
        security=[{BEARER: []}],
    )
    context = ApiContext(services=services, tokens=tokens, trust=trust, clearance=clearance)
    return Litestar(
        route_handlers=[healthz, v1, docs_router(), *extra_routes],
        openapi_config=_openapi(),
        exception_handlers=_HANDLERS,
        before_request=allow_every_method,
        state=State({STATE_KEY: context}),
        on_shutdown=[context.workers.close],
        logging_config=None,
        debug=debug,
    )
