"""The server process: the API and the portal built from the environment.

:func:`app_from_env` is the ASGI application factory that ``cafta serve`` hands to uvicorn
(``cafta.server:app_from_env``, with ``factory=True``); each worker process calls it once.
It reads the settings as every ``cafta`` command does (``CAFTA_DATABASE_URL``, ``CAFTA_HOME``,
``CAFTA_TIMEZONE``, the rate and rule files, ``docs/operations.md``), opens the node's database
(creating or upgrading its tables, which is safe when several workers start at once), and
builds the API with the database's tokens, trust list and clearance services, with the portal
(:mod:`cafta.web`) mounted at ``/`` over the same services, tokens and trust list. The database
connections are closed when the server shuts down.

Any ASGI server can use it: ``uvicorn --factory cafta.server:app_from_env``.
"""

from __future__ import annotations

import logging
import os

from litestar import Litestar

from cafta import bootstrap
from cafta.adapters.cpus import pin_to_free_cpu
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.web.app import portal_router

__all__ = ["app_from_env"]


def app_from_env() -> Litestar:
    """The API and the portal over the database the environment names
    (``CAFTA_DATABASE_URL``, else ``cafta.db`` in the working directory); ``CAFTA_DEBUG=1`` adds
    the error's type to the detail of a 500. The portal reads ``CAFTA_SECRET`` and
    ``CAFTA_SECURE_COOKIES`` (:mod:`cafta.web.settings`). ``CAFTA_PIN_CPUS=1`` (``cafta serve
    --pin-cpus``) binds the process to a CPU of its own (:mod:`cafta.adapters.cpus`)."""
    services = bootstrap.build()
    node = bootstrap.open_node(services, upgrade=True)
    if os.environ.get("CAFTA_PIN_CPUS") == "1":
        _pin()
    tokens = StoredTokens(node.engine)
    app = create_app(
        services,
        tokens=tokens,
        trust=node.trust,
        clearance=node.clearance,
        debug=bool(os.environ.get("CAFTA_DEBUG")),
        floor=node.uow if os.environ.get("CAFTA_BENCH_FLOOR") == "1" else None,
        extra_routes=[
            portal_router(services, tokens=tokens, trust=node.trust, clearance=node.clearance)
        ],
    )
    app.on_shutdown.append(node.close)
    return app


def _pin() -> None:
    log = logging.getLogger("cafta.server")
    cpu = pin_to_free_cpu()
    if cpu is None:
        log.warning("process %d: no CPU free to pin to; running unpinned", os.getpid())
    else:
        log.info("process %d pinned to CPU %d", os.getpid(), cpu)
