"""The application factory: routes, authentication, problem details and the OpenAPI document.

Layout:

* ``GET /healthz``: liveness, public;
* ``/api/v1/...``: the API, version 1, every route behind a bearer token (:mod:`.auth`);
* ``GET /schema/openapi.json``: the OpenAPI 3.1 document, public;
* ``GET /docs``: Swagger UI, served offline (:mod:`.docs_ui`), public.

Every ``GET`` route also answers ``HEAD`` (:mod:`.head`); a single-valued query parameter of an
``/api`` route given twice is a 400 (:mod:`.query`); a request body is read only if it is JSON
(415 otherwise) and at most :data:`~cafta.api.bodies.MAX_BODY_BYTES` long (413 otherwise).

A later version of the API is another router (``/api/v2``) beside the first; new resources of
version 1 are more controllers in :data:`V1_CONTROLLERS`, as the declarations are
(:mod:`.declarations`, :mod:`.amendments`) and the register of representations
(:mod:`.representations`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from litestar import Litestar, Request, Response, Router, get
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
from cafta.api.bodies import MAX_BODY_BYTES
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
from cafta.api.head import head_as_get
from cafta.api.openapi import schema_router
from cafta.api.options import allow_every_method
from cafta.api.query import GivenOnce
from cafta.api.representations import RepresentationsController
from cafta.api.responses import Health
from cafta.bootstrap import Services
from cafta.certificates.trust import TrustList
from cafta.core.errors import CaftaError
from cafta.services.clearance import Clearance
from cafta.services.ports import TokenStore, UnitOfWorkFactory
from cafta.services.representations import Representations

__all__ = ["API_PREFIX", "V1_CONTROLLERS", "create_app"]

API_PREFIX = "/api/v1"
SCHEMA_PATH = "/schema"
BEARER = "bearer"

V1_CONTROLLERS: Sequence[ControllerRouterHandler] = (
    HsController,
    TariffController,
    DutyController,
    OriginController,
    CertificatesController,
    DeclarationsController,
    AmendmentsController,
    RepresentationsController,
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
        path=SCHEMA_PATH,
        openapi_router=schema_router(SCHEMA_PATH),
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
            Tag(
                name="Representations",
                description="Who may declare for whom: an importer's authority for a customs "
                "broker to declare its goods, granted, listed and withdrawn (docs/api.md).",
            ),
            Tag(name="Operations"),
        ],
        use_handler_docstrings=True,
    )


def _api_hooks(given_once: GivenOnce) -> Callable[[Request[Any, Any, Any]], Awaitable[Any]]:
    """The ``before_request`` of the ``/api`` routes: the application's (which a router's hook
    replaces for its routes, Litestar's ``OPTIONS`` handlers included), then :class:`GivenOnce`."""

    async def before_request(request: Request[Any, Any, Any]) -> Response[None] | None:
        answered = await allow_every_method(request)
        if answered is None:
            await given_once(request)
        return answered

    return before_request


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
    representations: Representations | None = None,
    debug: bool = False,
    floor: UnitOfWorkFactory | None = None,
    extra_routes: Sequence[ControllerRouterHandler] = (),
) -> Litestar:
    """The API over ``services``; ``tokens`` resolves bearer tokens, ``trust`` gives the trust
    list Form E are verified against (``None``: no issuer is trusted), ``clearance`` serves the
    declarations (``None``: their routes answer 503 ``clearance.unavailable``), and
    ``representations`` the register of brokers' authorities (``None``: likewise)."""
    handlers: list[ControllerRouterHandler] = list(V1_CONTROLLERS)
    if floor is not None:  # only for bench/clearance.py (CAFTA_BENCH_FLOOR=1)
        handlers.append(floor_handler(floor))
    v1 = Router(
        path=API_PREFIX,
        route_handlers=handlers,
        middleware=[DefineMiddleware(BearerAuthentication)],
        security=[{BEARER: []}],
        before_request=_api_hooks(GivenOnce()),
    )
    context = ApiContext(services=services, tokens=tokens, trust=trust, clearance=clearance,
                         representations=representations)  # fmt: skip
    app = Litestar(
        route_handlers=[healthz, v1, docs_router(), *extra_routes],
        openapi_config=_openapi(),
        exception_handlers=_HANDLERS,
        before_request=allow_every_method,
        request_max_body_size=MAX_BODY_BYTES,
        state=State({STATE_KEY: context}),
        on_shutdown=[context.workers.close],
        logging_config=None,
        debug=debug,
    )
    # Before routing, which sends HEAD only to handlers declared for it (.head).
    app.asgi_handler = head_as_get(app.asgi_handler)
    return app
