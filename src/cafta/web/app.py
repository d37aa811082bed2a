"""The portal's router: its pages, its static files, its error pages and its headers.

Mount it on the API's application (``create_app(..., extra_routes=[portal_router(...)])``, as
:mod:`cafta.server` does). Pages:

* ``GET /``: home;
* ``GET /hs``, ``GET /hs/browse``, ``GET /hs/browse/{code}``: find your product;
* ``GET /tariff``: tariff and duty;
* ``GET|POST /origin``, ``POST /origin/upload``: origin check (``GET /origin/upload`` goes
  to ``/origin``);
* ``GET|POST /certificates``: certificate check;
* ``GET|POST /signin``, ``GET|POST /signout``: signing in with an API token;
* ``GET /declarations``, ``GET /declarations/{id}``: a trader's or broker's own declarations,
  every declaration for officers (filtered by office, status, lane);
  ``POST /declarations/{id}/decision``: an officer's decision;
  ``POST /declarations/{id}/amendment``, ``POST /declarations/{id}/cancellation``: the
  declarant amends a declaration held for documents (a corrected file), or cancels one before
  release; ``GET|POST /declarations/{id}/amend``: the declarant amends it in the lodging form,
  filled with what was declared;
* ``GET|POST /declarations/new``, ``POST /declarations/upload``: a trader or broker lodges a
  declaration, typed in or as a file;
* ``GET /dashboard``: declarations per hour, clearance times, lanes against quotas, ACFTA use,
  top lines and origins, for officers and administrators (charts drawn on the server);
* ``GET|POST /representations``, ``GET|POST /representations/{id}/withdrawal``: brokers'
  authorities to declare for importers: a trader grants and withdraws its own, a broker gives
  one up, officers and administrators read the whole register;
* ``GET /static/...``: the style sheet and the script;
* any other address whose first segment is none of the application's (``/nothing``): the
  portal's 404 page for a browser, the application's own answer for other clients and under
  ``/api`` (:mod:`cafta.web.pages.missing`).

None of them is in the API's OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from cafta.bootstrap import Services
from cafta.certificates.trust import TrustList
from cafta.services.clearance import Clearance
from cafta.services.ports import TokenStore
from cafta.services.representations import Representations
from cafta.services.snapshots import Snapshots
from cafta.web import charts
from cafta.web.context import OPT_KEY, Portal
from cafta.web.errors import HANDLERS
from cafta.web.pages import (
    amending,
    amendments,
    certificates,
    dashboard,
    declarations,
    home,
    hs,
    lodging,
    missing,
    origin,
    representations,
    signin,
    tariff,
)
from cafta.web.security import security_headers
from cafta.web.settings import PortalSettings
from cafta.web.templating import Templates

__all__ = ["PAGES", "portal_router"]

PAGES: tuple[ControllerRouterHandler, ...] = (
    home.home,
    hs.search,
    hs.browse,
    hs.entry,
    tariff.tariff,
    origin.origin_form,
    origin.assess_form,
    origin.upload_page,
    origin.assess_upload,
    certificates.check_form,
    certificates.check,
    signin.signin_form,
    signin.signin,
    signin.signout_form,
    signin.signout,
    declarations.declaration_list,
    lodging.lodge_form,
    lodging.lodge_typed,
    lodging.lodge_upload,
    declarations.declaration_detail,
    declarations.decide,
    amendments.amend,
    amending.amend_form,
    amending.amend_typed,
    amendments.cancel,
    dashboard.dashboard,
    representations.register_page,
    representations.grant,
    representations.withdrawal_form,
    representations.withdraw,
    missing.not_found,
)
"""Every page handler."""

_STATIC_MAX_AGE = 3600


def _static_directory() -> Path:
    return Path(str(resources.files("cafta.web") / "static"))


def portal_router(
    services: Services,
    *,
    tokens: TokenStore,
    trust: Callable[[], TrustList] | None = None,
    settings: PortalSettings | None = None,
    clearance: Clearance | None = None,
    representations: Representations | None = None,
) -> Router:
    """The portal over ``services``: ``tokens`` resolves the sign-in tokens, ``trust`` gives the
    trust list Form E are checked against (``None``: none is trusted), ``settings`` default to
    the environment's (:class:`~cafta.web.settings.PortalSettings`), ``clearance`` is the node's
    clearance services the declaration pages read and decide with (``None``: those pages answer
    503). With them, the dashboard's chart renderer starts in the background.
    ``representations`` is the node's register of brokers' authorities (``None``: its page
    answers 503)."""
    if clearance is not None:
        charts.warm_up()
    settings = settings or PortalSettings.from_env()
    portal = Portal(
        services=services,
        tokens=tokens,
        settings=settings,
        templates=Templates(),
        trust=trust,
        clearance=clearance,
        dashboards=Snapshots(settings.dashboard_refresh),
        representations=representations,
    )
    static = create_static_files_router(
        path="/static",
        directories=[_static_directory()],
        cache_control=CacheControlHeader(max_age=_STATIC_MAX_AGE),
        include_in_schema=False,
        name="portal-static",
    )
    return Router(
        path="/",
        route_handlers=[*PAGES, static],
        opt={OPT_KEY: portal},
        middleware=[security_headers],
        exception_handlers=HANDLERS,
        include_in_schema=False,
    )
