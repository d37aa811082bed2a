"""``GET /``: what the portal does, where to go, and what its figures are worth."""

from __future__ import annotations

from litestar import Response, get

from cafta.web.rendering import AnyRequest, page

__all__ = ["home"]


@get("/")
async def home(request: AnyRequest) -> Response[str]:
    """The home page."""
    return await page(request, "home.html")
