"""Who is calling: bearer tokens resolved to a principal, and the roles each route admits.

Every route under ``/api/v1`` needs ``Authorization: Bearer <token>``. The middleware hashes the
token (:func:`cafta.services.tokens.hash_token`) and looks the hash up in the application's
:class:`~cafta.services.ports.TokenStore`; the :class:`~cafta.services.ports.Principal` found is
``request.user``. A store that can answer from memory (:class:`CachedTokens`, as
:class:`~cafta.adapters.storage.token_source.StoredTokens` does for the tokens it has seen in the
last 30 seconds) is asked that first, on the event loop; only a token it does not hold costs a
trip to a worker thread and the store's ``find``. A missing, malformed or unknown token is a 401
with a ``WWW-Authenticate: Bearer`` challenge (RFC 6750); a known token whose role a route does
not admit is a 403.

A route open to only some roles says so in its ``opt`` (``@post(..., opt=only(Role.OFFICER))``)
and the middleware checks the role as soon as it knows the principal, before the route's
guards, hooks and parameters, where a guard would run. It is not a Litestar guard because
Litestar copies the route handler (some 60 attributes) for every guard on every request: with a
guard on the router for every role and another on the route, that was two copies and two
calls per request, for a set look-up. ``OPTIONS`` is answered without a token or a role, as
CORS needs: the middleware lets it through untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from anyio import to_thread
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from cafta.api.context import context_of
from cafta.services.ports import Principal, Role
from cafta.services.tokens import hash_token

__all__ = ["ROLES", "Admitted", "BearerAuthentication", "CachedTokens", "only", "principal_of"]

REALM = "cafta"
ROLES = "cafta_roles"
"""The key, in a route's ``opt``, of the roles it admits (:func:`only`); without it, every
role."""


@dataclass(frozen=True, slots=True)
class Admitted:
    """The roles a route admits, and their names for the 403's detail."""

    roles: frozenset[Role]
    names: str

    def check(self, principal: Principal) -> None:
        if principal.role not in self.roles:
            raise PermissionDeniedException(
                detail=f"The {principal.role.value} role may not do this; it is open to: "
                f"{self.names}."
            )


def only(*roles: Role) -> dict[str, Any]:
    """A route's ``opt`` admitting only ``roles``: ``@post(..., opt=only(Role.OFFICER))``."""
    admitted = frozenset(roles)
    return {ROLES: Admitted(admitted, ", ".join(sorted(r.value for r in admitted)))}


@runtime_checkable
class CachedTokens(Protocol):
    """A token store that can also answer from memory, without blocking."""

    def find_cached(self, token_hash: str) -> Principal | None:
        """The principal if it is held in memory (and fresh), else ``None``: ask ``find``."""
        ...


def _challenge(detail: str, error: str | None) -> NotAuthorizedException:
    challenge = f'Bearer realm="{REALM}"' + (f', error="{error}"' if error else "")
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": challenge})


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """Resolves ``Authorization: Bearer <token>`` to a :class:`Principal` (or answers 401),
    with the application's token store (:class:`~cafta.api.context.ApiContext`)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if not header:
            raise _challenge(
                "This route needs a token: send 'Authorization: Bearer <token>'.", None
            )
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _challenge(
                "The Authorization header must read 'Bearer <token>'.", "invalid_request"
            )
        tokens = context_of(connection).tokens
        token_hash = hash_token(token)
        # What isinstance(tokens, CachedTokens) decides, without the cost of a runtime protocol
        # check (it walks the protocol's members on every call): the method, if the store has
        # one.
        find_cached: Callable[[str], Principal | None] | None = getattr(tokens, "find_cached", None)
        principal = find_cached(token_hash) if find_cached is not None else None
        if principal is None:
            # The store may be a database: look the hash up off the event loop.
            principal = await to_thread.run_sync(tokens.find, token_hash)
        if principal is None:
            raise _challenge(
                "The token is not valid: it is unknown or was revoked. Ask for a new one.",
                "invalid_token",
            )
        opt: Mapping[str, Any] = connection.route_handler.opt
        admitted: Admitted | None = opt.get(ROLES)
        if admitted is not None:
            admitted.check(principal)
        return AuthenticationResult(user=principal, auth=principal.token_id)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The caller, as the middleware resolved it."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise _challenge("This route needs a token.", None)
    return user
