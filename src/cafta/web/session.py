"""Signing in with an API token: the ``cafta_token`` cookie and the principal it stands for.

The sign-in form takes a bearer token of the API (``cafta tokens create``) and, when the token
store knows it, keeps it in the ``cafta_token`` cookie: HttpOnly (no script can read it),
SameSite=Lax, ``Secure`` over HTTPS (or always, with ``CAFTA_SECURE_COOKIES=1``), and without an
expiry, so it goes when the browser closes. Each request looks the token's hash up again
(:func:`cafta.services.tokens.hash_token`), so a revoked token signs the visitor out at once.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from litestar import Request
from litestar.datastructures import Cookie

from cafta.services.ports import Principal, TokenStore
from cafta.services.tokens import hash_token
from cafta.web.settings import PortalSettings

__all__ = [
    "TOKEN_COOKIE",
    "cached_principal",
    "cleared_token_cookie",
    "find_principal",
    "has_stale_token",
    "is_secure",
    "signed_in",
    "token_cookie",
]

TOKEN_COOKIE = "cafta_token"
_STATE_KEY = "cafta_portal_principal"
_MAX_TOKEN = 200
_UNSET = object()


def is_secure(request: Request[Any, Any, Any], settings: PortalSettings) -> bool:
    """Whether cookies set in answer to ``request`` are ``Secure``."""
    return settings.secure_cookies or request.url.scheme == "https"


async def find_principal(tokens: TokenStore, token: str) -> Principal | None:
    """The principal a token stands for, looked up off the event loop (the store may be a
    database); ``None`` for an unknown, revoked or implausible token."""
    token = token.strip()
    if not token or len(token) > _MAX_TOKEN:
        return None
    return await to_thread.run_sync(tokens.find, hash_token(token))


async def signed_in(request: Request[Any, Any, Any], tokens: TokenStore) -> Principal | None:
    """Who is signed in on this request, if anyone (looked up once per request)."""
    known = request.state.get(_STATE_KEY, _UNSET)
    if known is not _UNSET:
        return known if isinstance(known, Principal) else None
    token = request.cookies.get(TOKEN_COOKIE)
    principal = await find_principal(tokens, token) if token else None
    request.state[_STATE_KEY] = principal
    return principal


def cached_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """The principal found earlier in this request, if it was looked up (error pages)."""
    known = request.state.get(_STATE_KEY)
    return known if isinstance(known, Principal) else None


def has_stale_token(request: Request[Any, Any, Any]) -> bool:
    """A token cookie that was looked up and is no longer valid (it will be cleared)."""
    return (
        TOKEN_COOKIE in request.cookies
        and _STATE_KEY in request.state
        and request.state.get(_STATE_KEY) is None
    )


def token_cookie(token: str, *, secure: bool) -> Cookie:
    return Cookie(
        key=TOKEN_COOKIE, value=token, path="/", httponly=True, samesite="lax", secure=secure
    )


def cleared_token_cookie(*, secure: bool) -> Cookie:
    return Cookie(
        key=TOKEN_COOKIE,
        value="",
        path="/",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
