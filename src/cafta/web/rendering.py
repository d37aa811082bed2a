"""Pages: a template rendered in the visitor's language, with what every page carries.

Every page gets the language and the switch to the others, the menu for the visitor's role, who
is signed in, and the anti-forgery token for its forms. The switch of a page answered to a
``POST`` sends its form again in the other language, or links to where the form is shown
(:mod:`cafta.web.language_switch`). The response sets the cookies the
request needs (a new CSRF nonce, the language chosen with the switch, the removal of a token
that is no longer valid) and is never stored by shared caches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import MediaType

from cafta.services.ports import Principal
from cafta.web import csrf
from cafta.web.context import Portal, portal_of
from cafta.web.i18n import LANGUAGES, Language, by_code, choose
from cafta.web.language_switch import FIELD as SWITCH_FIELD
from cafta.web.language_switch import get_address, resent_fields
from cafta.web.navigation import ROLE_LABELS, menu_for
from cafta.web.session import (
    cached_principal,
    cleared_token_cookie,
    has_stale_token,
    is_secure,
    signed_in,
)

__all__ = [
    "LANG_COOKIE",
    "AnyRequest",
    "csrf_nonce",
    "error_principal",
    "language_of",
    "page",
    "render",
]

AnyRequest = Request[Any, Any, Any]
LANG_COOKIE = "lang"
_LANG_STATE = "cafta_portal_language"
_NONCE_STATE = "cafta_portal_nonce"
_YEAR = 365 * 24 * 3600


def language_of(request: AnyRequest) -> Language:
    """The request's language (:func:`cafta.web.i18n.choose`)."""
    known = request.state.get(_LANG_STATE)
    if isinstance(known, Language):
        return known
    language = choose(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )
    request.state[_LANG_STATE] = language
    return language


def csrf_nonce(request: AnyRequest) -> tuple[str, bool]:
    """The request's CSRF nonce, and whether it is new (then the response sets the cookie)."""
    known = request.state.get(_NONCE_STATE)
    if isinstance(known, str):
        return known, True
    cookie = request.cookies.get(csrf.CSRF_COOKIE)
    if cookie and len(cookie) <= 100:
        return cookie, False
    nonce = csrf.new_nonce()
    request.state[_NONCE_STATE] = nonce
    return nonce, True


def _resent(request: AnyRequest) -> list[tuple[str, str]] | None:
    """The fields the switch sends again (``None``: the page answers a ``GET``, or a form that
    cannot be sent again)."""
    return None if request.method in ("GET", "HEAD") else resent_fields(request)


def _switch(request: AnyRequest, language: Language, resent: bool) -> str:
    """The switch's address for ``language``: the page's own with its query (a ``GET`` page,
    or a form sent again there); else where the form sent is shown, without it."""
    path = request.url.path
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if request.method not in ("GET", "HEAD") and not resent:
        path, query = get_address(path), []
    return f"{path}?{urlencode([*query, ('lang', language.code)])}"


def _cookies(request: AnyRequest, portal: Portal, nonce: str, new_nonce: bool) -> list[Cookie]:
    secure = is_secure(request, portal.settings)
    cookies: list[Cookie] = []
    if new_nonce:
        cookies.append(
            Cookie(
                key=csrf.CSRF_COOKIE,
                value=nonce,
                path="/",
                httponly=True,
                samesite="lax",
                secure=secure,
            )
        )
    chosen = by_code(request.query_params.get("lang"))
    if chosen is not None:
        cookies.append(
            Cookie(
                key=LANG_COOKIE,
                value=chosen.code,
                path="/",
                max_age=_YEAR,
                httponly=True,
                samesite="lax",
                secure=secure,
            )
        )
    if has_stale_token(request):
        cookies.append(cleared_token_cookie(secure=secure))
    return cookies


def render(
    request: AnyRequest,
    template: str,
    values: Mapping[str, Any],
    *,
    principal: Principal | None,
    status: int = 200,
    cookies: list[Cookie] | None = None,
) -> Response[str]:
    """``template`` as a page for ``request`` (no I/O: error pages use it too)."""
    portal = portal_of(request)
    language = language_of(request)
    nonce, new_nonce = csrf_nonce(request)
    path = request.url.path
    resent = _resent(request)
    common = {
        "lang": language,
        "languages": [(other, _switch(request, other, resent is not None)) for other in LANGUAGES],
        "resent": resent,
        "switch_field": SWITCH_FIELD,
        "menu": [(item, item.current(path)) for item in menu_for(principal)],
        "principal": principal,
        "role_labels": ROLE_LABELS,
        "csrf_field": csrf.CSRF_FIELD,
        "csrf_token": csrf.form_token(portal.settings.secret, nonce),
        "path": path,
    }
    html = portal.templates.render(language, template, {**common, **values})
    return Response(
        content=html,
        status_code=status,
        media_type=MediaType.HTML,
        headers={"Cache-Control": "no-store", "Vary": "Cookie, Accept-Language"},
        cookies=[*_cookies(request, portal, nonce, new_nonce), *(cookies or [])],
    )


async def page(
    request: AnyRequest,
    template: str,
    values: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    cookies: list[Cookie] | None = None,
) -> Response[str]:
    """``template`` as a page, with the visitor's principal looked up."""
    principal = await signed_in(request, portal_of(request).tokens)
    return render(
        request, template, values or {}, principal=principal, status=status, cookies=cookies
    )


def error_principal(request: AnyRequest) -> Principal | None:
    """Who is signed in, for an error page (only if already known: it does no I/O)."""
    return cached_principal(request)
