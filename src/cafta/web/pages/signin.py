"""``/signin`` and ``/signout``: the API's bearer token kept in an HttpOnly cookie.

Signing in shows the role and party in the page header; the pages for declarations and the
officers' workbench, still to come, will be shown to the roles that may use them. The tools
(HS, tariff, origin, certificates) need no sign-in.
"""

from __future__ import annotations

from litestar import Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from cafta.web import csrf
from cafta.web.context import portal_of
from cafta.web.forms import Errors, own, posted_form, text_of
from cafta.web.i18n import N_
from cafta.web.language_switch import is_switch, resendable
from cafta.web.rendering import AnyRequest, page
from cafta.web.session import (
    cleared_token_cookie,
    find_principal,
    is_secure,
    signed_in,
    token_cookie,
)

__all__ = ["signin", "signin_form", "signout", "signout_form"]

_MAX_TOKEN = 200


def _next(text: str) -> str:
    """Where to go after signing in: a path of this site only (never another site)."""
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text[:500]
    return "/"


@get("/signin")
async def signin_form(request: AnyRequest) -> Response[str]:
    """The sign-in form."""
    values = {"next": _next(text_of(request.query_params, "next", 500)), "errors": {}}
    return await page(request, "signin.html", values)


@post("/signin", status_code=200)
async def signin(request: AnyRequest) -> Response[str] | Redirect:
    """Keep a valid token in the cookie and go on; a bad one is shown the form again."""
    posted = await posted_form(request)
    portal = portal_of(request)
    token = text_of(posted, "token", _MAX_TOKEN + 1)
    target = _next(text_of(posted, "next", 500))
    resendable(request, posted, [("next", target)])  # never the token: it is a secret
    errors: Errors = {}
    if is_switch(posted):
        return await page(request, "signin.html", {"next": target, "errors": errors})
    if not token:
        errors["token"] = own(N_("Paste your token."))
    elif await find_principal(portal.tokens, token) is None:
        errors["token"] = own(
            N_("This token is not valid: it is unknown or was revoked. Ask for a new one.")
        )
    if errors:
        return await page(request, "signin.html", {"next": target, "errors": errors}, status=400)
    secure = is_secure(request, portal.settings)
    fresh = Cookie(
        key=csrf.CSRF_COOKIE,
        value=csrf.new_nonce(),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    return Redirect(target, status_code=303, cookies=[token_cookie(token, secure=secure), fresh])


@get("/signout")
async def signout_form(request: AnyRequest) -> Response[str] | Redirect:
    """A button to sign out (signing out is a form, so another site cannot do it)."""
    if await signed_in(request, portal_of(request).tokens) is None:
        return Redirect("/", status_code=303)
    return await page(request, "signout.html")


@post("/signout", status_code=200)
async def signout(request: AnyRequest) -> Redirect:
    """Forget the token and go home."""
    await posted_form(request)
    secure = is_secure(request, portal_of(request).settings)
    return Redirect("/", status_code=303, cookies=[cleared_token_cookie(secure=secure)])
