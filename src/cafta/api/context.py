"""What the request handlers share: the services, the token store, the trust list, the worker
threads and, on a server with a database, the clearance services and the register of
representations.

It lives in the application's state (``app.state``) rather than in Litestar's dependency
injection, which would validate the services as if they were request data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from litestar.connection import ASGIConnection

from cafta.adapters.crypto import Ed25519Verifier
from cafta.api.workers import WorkerThreads
from cafta.bootstrap import Services, configured
from cafta.certificates.trust import TrustList
from cafta.core.errors import CaftaError
from cafta.services.clearance import Clearance
from cafta.services.ports import TokenStore
from cafta.services.representations import Representations

__all__ = ["STATE_KEY", "ApiContext", "context_of"]

STATE_KEY = "cafta"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ApiContext:
    services: Services
    tokens: TokenStore
    trust: Callable[[], TrustList] | None = None
    """Called for each verification, so a trust list kept in a file can change underneath."""
    verifier: Ed25519Verifier = field(default_factory=Ed25519Verifier)
    """One for the application: it keeps the public keys it has built."""
    clearance: Clearance | None = None
    """The declarations' services over the node's database; ``None`` on an engines-only app."""
    workers: WorkerThreads = field(default_factory=WorkerThreads)
    """Where the handlers run the synchronous services; stopped when the application shuts
    down."""
    representations: Representations | None = None
    """The register of brokers' authorities over the node's database; ``None`` on an
    engines-only app."""

    def clearance_service(self) -> Clearance:
        """The clearance services; a 503 (``clearance.unavailable``) when the application was
        built without them."""
        if self.clearance is None:
            raise CaftaError(
                "this server handles no declarations: it was started without a database",
                code="clearance.unavailable",
                hint="Start the API with 'cafta serve', which opens the node's database.",
            )
        return self.clearance

    def representation_register(self) -> Representations:
        """The register of representations; a 503 (``clearance.unavailable``, as for the
        declarations it governs) when the application was built without it."""
        if self.representations is None:
            raise CaftaError(
                "this server keeps no register of representations: it was started without a "
                "database",
                code="clearance.unavailable",
                hint="Start the API with 'cafta serve', which opens the node's database.",
            )
        return self.representations

    def trust_list(self) -> TrustList:
        """The trust list now; an empty one (every certificate untrusted) when none is set."""
        if self.trust is None:
            return TrustList()
        return configured(self.trust, "the trust list")


def context_of(connection: ASGIConnection[Any, Any, Any, Any]) -> ApiContext:
    context = connection.app.state.get(STATE_KEY)
    if not isinstance(context, ApiContext):
        raise RuntimeError("the application was not built by cafta.api.app.create_app")
    return context
