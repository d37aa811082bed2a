"""``cafta serve``: the HTTP API over the node's database, with uvicorn.

The command creates or upgrades the database's tables first (so a bad URL or an unreachable
database is one line on standard error, before any server starts), then runs uvicorn on the
application factory ``cafta.server:app_from_env``: each worker process builds the API from
the environment, with the database named here passed on as ``CAFTA_DATABASE_URL``. The factory
is named by its import path, not imported: the CLI and the API are separate entry points, and
uvicorn needs an import path anyway to start several workers.

uvicorn stops gracefully on SIGINT (Ctrl-C) and SIGTERM: it stops accepting connections, lets
running requests finish, and the application closes its database connections.
"""

from __future__ import annotations

import copy
import os
from typing import Annotated, Any

import typer

from cafta import bootstrap
from cafta.cli.db import Database
from cafta.cli.output import console

__all__ = ["APP_FACTORY", "serve"]

APP_FACTORY = "cafta.server:app_from_env"
"""The ASGI application factory uvicorn imports in each worker."""


def _base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the API's own logger (``cafta``: 5xx details) beside it."""
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["cafta"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    database: Database = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
    pin_cpus: Annotated[
        bool,
        typer.Option(
            "--pin-cpus",
            help="Bind each worker process to a CPU of its own (Linux; for a machine that does "
            "little else; workers beyond the CPUs run unpinned). Also CAFTA_PIN_CPUS=1.",
        ),
    ] = False,
) -> None:
    """Serve the HTTP API over the node's database (docs at /docs).

    The database's tables are created or upgraded first; the server runs until Ctrl-C or
    SIGTERM.
    """
    import uvicorn  # noqa: PLC0415

    from cafta.adapters.storage.failures import redact_url  # noqa: PLC0415
    from cafta.adapters.storage.schema import upgrade  # noqa: PLC0415

    services = bootstrap.build()  # a settings error stops here, before any server starts
    url = bootstrap.database_url(services.settings, database)
    upgrade(url)
    os.environ["CAFTA_DATABASE_URL"] = url  # for the factory, in this process and the workers
    if pin_cpus:
        os.environ["CAFTA_PIN_CPUS"] = "1"
    base = _base_url(host, port)
    plural = "s" if workers > 1 else ""
    console.print(
        f"CAFTA Smart Port on {base} ({workers} worker{plural}"
        f"{', each on a CPU of its own' if os.environ.get('CAFTA_PIN_CPUS') == '1' else ''}), "
        f"database {redact_url(url)}\n"
        f"  portal: {base}/\n"
        f"  API:    {base}/api/v1  (docs: {base}/docs)\n"
        f"  health: {base}/healthz\n"
        "Create a token with 'cafta tokens create --role trader --party NAME'. "
        "Stop with Ctrl-C.",
        markup=False,
    )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
        log_config=_log_config(),
    )
