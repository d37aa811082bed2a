"""What the portal's handlers share: the services, the token store, the trust list, settings
and templates.

It travels in the ``opt`` of the portal's router (``request.route_handler.opt``), so the portal
needs nothing from the application that mounts it and two portals could sit side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from litestar.connection import ASGIConnection

from cafta.adapters.crypto import Ed25519Verifier
from cafta.bootstrap import Services, configured
from cafta.certificates.trust import TrustList
from cafta.core.errors import CaftaError
from cafta.services.clearance import Clearance
from cafta.services.dashboard import Dashboard, Period
from cafta.services.ports import TokenStore
from cafta.services.representations import Representations
from cafta.services.snapshots import Snapshots
from cafta.web.settings import PortalSettings
from cafta.web.templating import Templates

__all__ = ["OPT_KEY", "Portal", "portal_of"]

OPT_KEY = "cafta_portal"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Portal:
    services: Services
    tokens: TokenStore
    settings: PortalSettings
    templates: Templates
    trust: Callable[[], TrustList] | None = None
    """Called for each verification, so a trust list kept elsewhere can change underneath."""
    verifier: Ed25519Verifier = field(default_factory=Ed25519Verifier)
    clearance: Clearance | None = None
    """The node's clearance services (declarations, decisions); ``None``: no node database."""
    dashboards: Snapshots[Period, Dashboard] = field(default_factory=Snapshots)
    """The dashboard's figures, kept per period for ``settings.dashboard_refresh``."""
    representations: Representations | None = None
    """The node's register of brokers' authorities; ``None``: no node database."""

    def __deepcopy__(self, memo: dict[int, object]) -> Portal:
        """The portal itself: Litestar copies a router's ``opt`` when it is registered, and the
        services, token store and templates are shared, never copied."""
        return self

    def node_clearance(self) -> Clearance:
        """The node's clearance services; a 503 page (``clearance.unavailable``) without them."""
        if self.clearance is None:
            raise CaftaError(
                "this server has no node database for declarations", code="clearance.unavailable"
            )
        return self.clearance

    def node_representations(self) -> Representations:
        """The node's register of representations; a 503 page (``clearance.unavailable``)
        without it."""
        if self.representations is None:
            raise CaftaError(
                "this server has no node database for the register of representations",
                code="clearance.unavailable",
            )
        return self.representations

    def trust_list(self) -> TrustList:
        """The trust list now; an empty one (every certificate untrusted) when none is set."""
        if self.trust is None:
            return TrustList()
        return configured(self.trust, "the trust list")


def portal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Portal:
    """The portal a request reached (from its route's ``opt``)."""
    handler = connection.scope.get("route_handler")
    portal = handler.opt.get(OPT_KEY) if handler is not None else None
    if not isinstance(portal, Portal):
        raise RuntimeError("the route was not built by cafta.web.app.portal_router")
    return portal
