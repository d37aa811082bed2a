"""``cafta serve``: the HTTP API over the node's database, with uvicorn.

Before it prints anything or starts a server, the command checks what the workers will need,
so that a mistake is one line on standard error and exit 2 rather than workers dying (and being
started again) behind a banner: that the address and port can be bound (another server on the
port), then everything the application reads from the settings, through
``cafta.server:check_from_env`` (the risk files ``CAFTA_RISK_RULES``, ``CAFTA_RISK_QUOTAS``,
``CAFTA_TRUSTED_TRADERS``, the Form E and origin settings, the risk model, the portal's settings,
and the database, whose tables it creates or upgrades; a database a newer ``cafta`` migrated is
refused). Then it runs uvicorn on the application factory: each worker process builds the API
from the environment, with the database named here passed on as ``CAFTA_DATABASE_URL``. The
server's functions are named by their import path, not imported: the CLI and the server are
separate entry points, and uvicorn needs an import path anyway to start several workers.

uvicorn stops gracefully on SIGINT (Ctrl-C) and SIGTERM: it stops accepting connections, lets
running requests finish, and the application closes its database connections. After SIGTERM the
command ends by that signal (status 143 in a shell) with one worker or several; after SIGINT
with 0. With several workers, a worker that cannot start stops the server (exit 3).

The log (standard error) has uvicorn's start and stop lines and the application's: a line per
failure answered 5xx, with its error id. There is no line per request unless ``--access-log``
(uvicorn's access log, on standard output).
"""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cafta import bootstrap
from cafta.cli.db import Database, stored
from cafta.cli.output import console
from cafta.core.errors import InvalidInput

if TYPE_CHECKING:
    from uvicorn import Config

__all__ = ["APP_FACTORY", "CHECK", "STARTUP_FAILURE", "WORKER_FACTORY", "serve"]

APP_FACTORY = "cafta.server:app_from_env"
"""The ASGI application factory uvicorn imports in the process of a single worker."""
WORKER_FACTORY = "cafta.server:worker_app_from_env"
"""The same in each worker process of several: a worker that cannot start exits, once."""
CHECK = "cafta.server:check_from_env"
"""What the application reads from its settings, read and closed again before serving."""
STARTUP_FAILURE = 3
"""Exit status when a worker could not start (uvicorn's)."""


def _base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the API's own logger (``cafta``: 5xx details) beside it."""
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["cafta"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def check_port(host: str, port: int) -> None:
    """Stop (exit 2) if uvicorn could not listen on ``host`` and ``port``: the socket is bound
    as uvicorn binds it (``SO_REUSEADDR``, IPv6 for a host with a colon), then closed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            raise InvalidInput(
                f"port {port} on {host} is in use: {reason}",
                code="serve.port_in_use",
                hint="Stop the server that holds it, or choose another port with --port.",
            ) from None
        if error.errno == errno.EACCES:
            raise InvalidInput(
                f"cannot listen on port {port} on {host}: {reason}",
                code="serve.cannot_listen",
                hint="Ports below 1024 need privileges: choose --port 1024 or above.",
            ) from None
        raise InvalidInput(
            f"cannot listen on {host} port {port}: {reason}",
            code="serve.cannot_listen",
            hint="--host must be an address of this machine (0.0.0.0: every interface).",
        ) from None


def _end_by(sig: signal.Signals) -> int:
    """End the process by ``sig`` with its default action, as uvicorn does for one worker, so
    the exit status says how it ended; the status a shell shows, should the signal not end it."""
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(sig, signal.SIG_DFL)
    signal.raise_signal(sig)
    return 128 + int(sig)  # pragma: no cover - the signal ends the process


def _supervise(config: Config) -> int:
    """uvicorn's supervisor of several workers, which ends with 0 whatever stopped it: here
    SIGTERM ends the process by SIGTERM, and a worker that failed to start gives exit 3."""
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415

    class Supervisor(Multiprocess):
        terminated = False

        def handle_term(self) -> None:
            self.terminated = True
            super().handle_term()

    supervisor = Supervisor(config, sockets=[config.bind_socket()])
    with contextlib.suppress(KeyboardInterrupt):  # SIGINT is the supervisor's; as uvicorn.run
        supervisor.run()
    if supervisor.terminated:
        return _end_by(signal.SIGTERM)
    if any(worker.exitcode == STARTUP_FAILURE for worker in supervisor.processes):
        return STARTUP_FAILURE
    return 0


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
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log",
            help="Log a line per request on standard output (uvicorn's access log; off by "
            "default: the log has the failures answered 5xx, with their error ids).",
        ),
    ] = False,
) -> int:
    """Serve the HTTP API over the node's database (docs at /docs).

    The port and the settings are checked and the database's tables created or upgraded first;
    the server runs until Ctrl-C or SIGTERM.
    """
    import uvicorn  # noqa: PLC0415
    from uvicorn.importer import import_from_string  # noqa: PLC0415

    from cafta.adapters.storage.failures import redact_url  # noqa: PLC0415

    services = bootstrap.build()  # a settings error stops here, before any server starts
    url = stored(bootstrap.database_url(services.settings, database))
    check_port(host, port)
    check: Callable[[str], None] = import_from_string(CHECK)
    check(url)  # every file a worker reads, and the database, migrated
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
    options: dict[str, Any] = {
        "factory": True, "host": host, "port": port, "log_level": "info",
        "access_log": access_log, "log_config": _log_config(),
    }  # fmt: skip
    if workers == 1:
        uvicorn.run(APP_FACTORY, **options)
        return 0
    return _supervise(uvicorn.Config(WORKER_FACTORY, workers=workers, **options))
