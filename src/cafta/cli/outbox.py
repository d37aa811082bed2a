"""``cafta outbox relay``: deliver the node's events (declarations lodged, goods released ...)
to a JSON Lines file or standard output, at least once and in order of id (except that a batch
whose relay died is delivered again when its lease ends, after newer ones; see
:mod:`cafta.services.relay`). ``cafta outbox list``: the events waiting, without delivering any.

A batch counts as delivered when it is synced to the ``--to`` file, or, on standard output,
when the reader has read it (:class:`cafta.adapters.sinks.JsonLinesSink`): a reader that stops
early (``| head -c 300``) leaves the batch it did not read in the outbox, and the relay stops
with exit 1.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.markup import escape
from rich.table import Table

from cafta import bootstrap
from cafta.cli.db import Database, open_node
from cafta.cli.output import console, discard_closed, emit_json, errors, print_table
from cafta.core.errors import CaftaError, InvalidInput

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True, help="The outbox: events waiting to leave the node.")


def _open_target(path: Path) -> TextIO:
    """``--to`` opened for appending; a path that cannot be is one line, exit 2."""
    try:
        return path.open("a", encoding="utf-8")
    except IsADirectoryError:
        problem = "is a directory; name a file to append the events to"
    except (FileNotFoundError, NotADirectoryError):
        problem = f"cannot be created: there is no folder {path.parent}"
    except OSError as error:
        problem = f"cannot be opened for appending: {error.strerror or error}"
    raise InvalidInput(f"--to: {path} {problem}", code="outbox.invalid_target")


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
    batch: Annotated[
        int,
        typer.Option("--batch", min=1, max=10_000, help="Events claimed and written at a time."),
    ] = 500,
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
    """Deliver waiting events as JSON lines (each with its id: consumers deduplicate by it).

    On standard output a batch counts as delivered once its reader has read it: a reader that
    goes away first leaves it in the outbox ('cafta outbox list' shows what waits)."""
    from cafta.adapters.sinks import JsonLinesSink  # noqa: PLC0415
    from cafta.services.relay import relay_once  # noqa: PLC0415

    # The target first: a --to that cannot be opened stops before the node is opened.
    stream = _open_target(to) if to is not None else sys.stdout
    delivered = 0
    interrupted = False
    try:
        services = bootstrap.build()
        node = open_node(services, database, upgrade=True)
        sink = JsonLinesSink(stream, durable=to is not None)
        try:
            while True:
                count = relay_once(node.uow, sink, services.clock, batch,
                                   timedelta(seconds=lease))  # fmt: skip
                delivered += count
                if once and count < batch:
                    break
                if count == 0:
                    time.sleep(interval)
        except KeyboardInterrupt:  # Ctrl-C ends a relay that runs until stopped
            interrupted = True
        except BrokenPipeError:
            discard_closed(sys.stdout)
            raise CaftaError(
                f"standard output was closed after {delivered} event(s) were delivered; the "
                "batch it did not read stays in the outbox ('cafta outbox list')",
                code="outbox.reader_gone",
            ) from None
        finally:
            node.close()
    finally:
        if to is not None:
            stream.close()
    if interrupted:
        errors.print(f"stopped: {delivered} event(s) delivered", markup=False)
    elif to is not None or once:
        errors.print(f"{delivered} event(s) delivered", markup=False)


def _waiting(engine: Any, limit: int, now: datetime) -> tuple[int, list[dict[str, Any]]]:
    """How many events are not sent yet, and the oldest ``limit`` of them (as ``--json``
    shows them), read in one read-only transaction."""
    from sqlalchemy import func, select  # noqa: PLC0415
    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from cafta.adapters.storage.columns import from_json_text  # noqa: PLC0415
    from cafta.adapters.storage.engine import READ_ONLY_OPTION  # noqa: PLC0415
    from cafta.adapters.storage.failures import storage_error  # noqa: PLC0415
    from cafta.adapters.storage.tables import outbox  # noqa: PLC0415

    unsent = outbox.c.sent_at.is_(None)
    try:
        with engine.connect() as connection:
            reading = connection.execution_options(**{READ_ONLY_OPTION: True})
            with reading.begin():
                total = reading.execute(select(func.count()).where(unsent)).scalar_one()
                rows = reading.execute(
                    select(outbox).where(unsent).order_by(outbox.c.id).limit(limit)
                ).all()
    except DBAPIError as error:
        raise storage_error(error, engine.url) from error
    events = []
    for row in rows:
        leased = row.claimed_until is not None and row.claimed_until > now
        events.append({
            "id": row.id,
            "topic": row.topic,
            "key": row.key,
            "created_at": row.created_at.isoformat(),
            "state": "being_relayed" if leased else "waiting",
            "lease_ends": row.claimed_until.isoformat() if leased else None,
            "payload": from_json_text(row.payload),
        })  # fmt: skip
    return int(total), events


@app.command("list")
def list_command(
    database: Database = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="Show at most this many.")
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
) -> None:
    """The events waiting to be relayed, oldest first (delivers nothing, changes nothing).

    An event a relay is delivering shows when its lease ends; after that any relay may deliver
    it again."""
    services = bootstrap.build()
    node = open_node(services, database)
    try:
        total, events = _waiting(node.engine, limit, services.clock.now())
    finally:
        node.close()
    if as_json:
        emit_json({"waiting": total, "events": events})
        return
    if not events:
        console.print("no events waiting")
        return
    table = Table()
    for column in ("id", "topic", "key", "created (UTC)", "state"):
        table.add_column(column, no_wrap=column != "key")
    for event in events:
        state = "waiting"
        if event["lease_ends"] is not None:
            state = f"being relayed (lease ends {event['lease_ends'][:19]})"
        cells = (event["id"], event["topic"], event["key"], event["created_at"][:19], state)
        table.add_row(*(escape(str(cell)) for cell in cells))
    print_table(table)
    if total > len(events):
        console.print(f"the oldest {len(events)} of {total}; --limit shows more", markup=False)
    else:
        console.print(f"{total} event(s) waiting", markup=False)
