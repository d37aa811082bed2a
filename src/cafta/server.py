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

``cafta serve`` also calls :func:`check_from_env` once before it starts any worker, so that a
setting a worker would fail on (a broken risk file, a short ``CAFTA_SECRET``, a database newer
than the code) is one line and exit 2 before the server binds its port, and its workers run
:func:`worker_app_from_env`: a worker that still cannot build the application (the database went
away meanwhile) logs one line and exits with uvicorn's "failed to start" status, which stops
the server instead of starting the worker again and again.
"""

from __future__ import annotations

import logging
import os
import sys

from litestar import Litestar

from cafta import bootstrap
from cafta.adapters.cpus import pin_to_free_cpu
from cafta.adapters.storage.schema import upgrade
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.core.errors import CaftaError
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

__all__ = ["STARTUP_FAILURE", "app_from_env", "check_from_env", "worker_app_from_env"]

STARTUP_FAILURE = 3
"""The exit status of a worker that could not start (uvicorn's: its supervisor then stops)."""


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
        representations=node.representations,
        debug=bool(os.environ.get("CAFTA_DEBUG")),
        floor=node.uow if os.environ.get("CAFTA_BENCH_FLOOR") == "1" else None,
        extra_routes=[
            portal_router(
                services,
                tokens=tokens,
                trust=node.trust,
                clearance=node.clearance,
                representations=node.representations,
            )
        ],
    )
    app.on_shutdown.append(node.close)
    return app


def check_from_env(database: str | None = None) -> None:
    """Read everything :func:`app_from_env` reads that a setting can break, and close it again:
    the settings, the portal's settings, and the node over ``database`` (else the environment's):
    its risk files, Form E and origin settings, risk model, and database, upgraded. Raises the
    :class:`~cafta.core.errors.CaftaError` a worker would fail with."""
    services = bootstrap.build()
    PortalSettings.from_env()
    # The files and settings first, as open_node reads them: nothing is connected for them.
    bootstrap.risk_configuration(services.settings)
    services.verification_policy  # noqa: B018 - reading the property checks the settings
    services.rulebook  # noqa: B018
    # Then the database, upgraded by an engine that is disposed of whatever happens.
    url = bootstrap.database_url(services.settings, database)
    upgrade(url)
    bootstrap.open_node(services, url).close()


def worker_app_from_env() -> Litestar:
    """:func:`app_from_env` in a worker process of ``cafta serve --workers N``: a failure is one
    line on the ``cafta`` logger and exit status :data:`STARTUP_FAILURE`, not a traceback."""
    log = logging.getLogger("cafta.server")
    try:
        return app_from_env()
    except CaftaError as error:
        log.error("error: %s", error)  # one line, as the command line says it
    except Exception:
        log.exception("error: unexpected failure while building the application")
    sys.exit(STARTUP_FAILURE)


def _pin() -> None:
    log = logging.getLogger("cafta.server")
    cpu = pin_to_free_cpu()
    if cpu is None:
        log.warning("process %d: no CPU free to pin to; running unpinned", os.getpid())
    else:
        log.info("process %d pinned to CPU %d", os.getpid(), cpu)
