"""``cafta outbox relay``: deliver the node's events (declarations lodged, goods released ...)
to a JSON Lines file or standard output, at least once and in order of id (except that a batch
whose relay died is delivered again when its lease ends, after newer ones; see
:mod:`cafta.services.relay`)."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from cafta import bootstrap
from cafta.cli.db import Database
from cafta.cli.output import errors

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, help="The outbox: events waiting to leave the node.")


@app.command("relay")
def relay(
    database: Database = None,
    to: Annotated[
        Path | None, typer.Option("--to", help="Append to this file (default: standard output).")
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is waiting, then stop.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.05, help="Seconds between polls when idle.")
    ] = 1.0,
    batch: Annotated[int, typer.Option("--batch", min=1, max=10_000)] = 500,
    lease: Annotated[
        float,
        typer.Option(
            "--lease",
            min=1,
            help="Seconds a claimed batch is kept from other relays; if this one dies or is "
            "still delivering then, it is delivered again.",
        ),
    ] = 60.0,
) -> None:
    """Deliver waiting events as JSON lines (each with its id: consumers deduplicate by it)."""
    from cafta.adapters.sinks import JsonLinesSink  # noqa: PLC0415
    from cafta.services.relay import relay_once  # noqa: PLC0415

    services = bootstrap.build()
    node = bootstrap.open_node(services, database, upgrade=True)
    stream = to.open("a", encoding="utf-8") if to is not None else sys.stdout
    sink = JsonLinesSink(stream, durable=to is not None)
    delivered = 0
    try:
        while True:
            count = relay_once(node.uow, sink, services.clock, batch, timedelta(seconds=lease))
            delivered += count
            if once and count < batch:
                break
            if count == 0:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        node.close()
        if to is not None:
            stream.close()
    if to is not None or once:
        errors.print(f"{delivered} event(s) delivered", markup=False)
