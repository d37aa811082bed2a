"""Who may open a page that needs signing in: the roles it admits.

A visitor who has not signed in is sent to the sign-in page, which brings them back; a principal
whose role the page does not admit gets the 403 page, saying why.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import quote

from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from cafta.services.ports import Principal, Role
from cafta.web.context import portal_of
from cafta.web.rendering import AnyRequest
from cafta.web.session import signed_in

__all__ = ["admitted"]


async def admitted(
    request: AnyRequest, roles: Collection[Role], refusal: str, *, back_to: str | None = None
) -> Principal | Redirect:
    """The principal signed in, if its role is one of ``roles``; a redirect to sign in (and
    back to ``back_to``, by default the page asked for) when nobody is; else a 403 with
    ``refusal`` as the reason."""
    principal = await signed_in(request, portal_of(request).tokens)
    if principal is None:
        path = back_to or request.url.path
        return Redirect(f"/signin?next={quote(path)}", status_code=303)
    if principal.role not in roles:
        raise PermissionDeniedException(detail=refusal)
    return principal
