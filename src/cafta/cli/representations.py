"""``cafta representations``: the register of brokers' authorities to declare for importers.

A customs broker declares an importer's goods only with the importer's written authority
(Customs Law of the PRC, art. 9 and 10; :mod:`cafta.clearance.representation`). An importer
grants one itself (portal, API); the operator records one from the paper with ``grant``,
acting as an administrator named by ``--by`` (default :data:`OPERATOR`), lists the register
with ``list`` (a page at a time: ``--limit``, ``--offset``) and withdraws an authority with
``revoke``. Every grant and withdrawal is written
to the audit log under that name.

A running server keeps an authority it has found for 30 seconds
(:mod:`cafta.adapters.storage.authority`): one withdrawn here stops a broker's lodgings in
every server within 30 seconds, and one granted here works at once.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import UTC, date
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cafta import bootstrap
from cafta.clearance.representation import Representation, Standing
from cafta.cli.db import Database, open_node
from cafta.cli.output import console, emit_json, print_table
from cafta.core.dates import parse_date
from cafta.core.errors import InvalidInput
from cafta.services.ports import Principal, Role

__all__ = ["OPERATOR", "grant_command", "representations_app"]

OPERATOR = "operator (cli)"
"""Who the audit log says recorded or withdrew an authority when ``--by`` is not given."""

_PAGE = 100
"""How many authorities ``list`` shows unless ``--limit`` says (as ``GET /representations``)."""
_MAX_PAGE = 1000

_CACHE_SECONDS = 30
"""How long a server keeps an authority it found (``StoredAuthority``'s default ``ttl``)."""

representations_app = typer.Typer(
    no_args_is_help=True,
    help="Brokers' authorities to declare for importers: grant, list, revoke.",
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]
By = Annotated[
    str,
    typer.Option(
        "--by",
        help="Your name, for the audit log (the change is made as an administrator).",
    ),
]

_LABELS = {Standing.IN_FORCE: "in force", Standing.NOT_YET: "not yet", Standing.ENDED: "ended",
           Standing.WITHDRAWN: "withdrawn"}  # fmt: skip


def grant_command(importer: str, broker: str, database: str | None = None) -> str:
    """The command line that records ``broker``'s authority from ``importer``, quoted for a
    POSIX shell (what ``cafta declare`` suggests when a broker holds none); a ``--database``
    with a password is shown with ``***`` in its place, as every error shows it."""
    words = ["cafta", "representations", "grant", "--importer", importer, "--broker", broker]
    if database is not None:
        from cafta.adapters.storage.failures import redact_url  # noqa: PLC0415 - SQLAlchemy

        redacted = redact_url(database)
        words += ["--database", redacted if "***" in redacted else database]
    return shlex.join(words)


def _view(representation: Representation, on: date) -> dict[str, Any]:
    """The stored form (times in UTC) with where it stands on ``on``."""
    return {**representation.to_document(), "status": representation.standing(on).value}


def _operator(by: str) -> Principal:
    name = by.strip()
    if not name:
        raise InvalidInput(
            "--by: give your name; the change is recorded under it in the audit log",
            code="representation.no_operator",
        )
    return Principal(Role.ADMIN, name)


def _period(r: Representation) -> str:
    until = f"to {r.valid_until.isoformat()}" if r.valid_until else "until withdrawn"
    return f"from {r.valid_from.isoformat()} {until}"


@representations_app.command("grant")
def grant(
    importer: Annotated[
        str, typer.Option("--importer", help="The importer, as named on its declarations.")
    ],
    broker: Annotated[
        str, typer.Option("--broker", help="The customs broker who declares for it.")
    ],
    valid_from: Annotated[
        str | None,
        typer.Option("--from", help="First day of the authority (YYYY-MM-DD); default today."),
    ] = None,
    valid_until: Annotated[
        str | None,
        typer.Option("--until", help="Last day (YYYY-MM-DD); default: until withdrawn."),
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option("--reference", help="The number of the written authority."),
    ] = None,
    by: By = OPERATOR,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Record an importer's written authority for a broker to declare its goods."""
    start = parse_date(valid_from, "--from") if valid_from is not None else None
    end = parse_date(valid_until, "--until") if valid_until is not None else None
    principal = _operator(by)
    services = bootstrap.build()
    node = open_node(services, database, upgrade=True)
    try:
        granted = node.representations.grant(principal, broker, importer=importer,
                                             valid_from=start, valid_until=end,
                                             reference=reference)  # fmt: skip
    finally:
        node.close()
    if as_json:
        emit_json(_view(granted, services.clock.today()))
        return
    paper = f", reference {granted.reference}" if granted.reference else ""
    console.print(f"{granted.id}: {granted.broker} may declare for {granted.importer} "
                  f"{_period(granted)}{paper}; recorded by {granted.granted_by}",
                  markup=False)  # fmt: skip


@representations_app.command("list")
def list_command(
    importer: Annotated[
        str | None, typer.Option("--importer", help="Only the authorities this importer gave.")
    ] = None,
    broker: Annotated[
        str | None, typer.Option("--broker", help="Only the authorities this broker holds.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Include the authorities withdrawn.")
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=_MAX_PAGE, help="At most this many (1-1000).")
    ] = _PAGE,
    offset: Annotated[
        int, typer.Option("--offset", min=0, help="Skip this many of the oldest first (paging).")
    ] = 0,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """The register, oldest first: who may declare for whom, when, and whether today.

    --json prints a page: {"items": [...], "total": N, "limit": L, "offset": O}, total being
    how many match the filters; the next page is --offset O+L.
    """
    services = bootstrap.build()
    node = open_node(services, database)
    try:
        found: Sequence[Representation]
        found, total = node.representations.page(
            Principal(Role.ADMIN, OPERATOR), importer=importer, broker=broker,
            include_revoked=everything, limit=limit, offset=offset,
        )  # fmt: skip
    finally:
        node.close()
    today = services.clock.today()
    if as_json:
        emit_json({"items": [_view(r, today) for r in found], "total": total, "limit": limit,
                   "offset": offset})  # fmt: skip
        return
    if not found:
        narrowed = importer is not None or broker is not None
        if offset and total:
            console.print(f"no authorities after the first {offset} of {total}", markup=False)
        else:
            console.print("no authorities match" if narrowed else "no authorities recorded")
        return
    table = Table()
    for column in ("id", "importer", "broker", "from", "until", "reference", "status"):
        table.add_column(column, no_wrap=column in ("id", "from", "until", "status"))
    for r in found:
        table.add_row(*(escape(cell) for cell in (
            r.id, r.importer, r.broker, r.valid_from.isoformat(),
            r.valid_until.isoformat() if r.valid_until else "-", r.reference or "-",
            _LABELS[r.standing(today)])))  # fmt: skip
    print_table(table)
    if total > len(found):
        after = offset + len(found)
        shown = f"{offset + 1}-{after}" if offset else f"the oldest {len(found)}"
        more = f"; --limit shows more, --offset {after} the next ones" if after < total else ""
        console.print(f"{shown} of {total}{more}", markup=False)


@representations_app.command("revoke")
def revoke(
    representation_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The authority's id (rep_..., 'cafta representations list')."
        ),
    ],
    by: By = OPERATOR,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Withdraw an authority; declarations lodged under it stay as they are."""
    principal = _operator(by)
    services = bootstrap.build()
    node = open_node(services, database)
    try:
        revoked = node.representations.revoke(representation_id, principal)
    finally:
        node.close()
    if as_json:
        emit_json(_view(revoked, services.clock.today()))
        return
    at = revoked.revoked_at.astimezone(UTC) if revoked.revoked_at else None
    when = at.isoformat(timespec="seconds") if at else "now"
    console.print(f"withdrew {revoked.id} ({revoked.broker} for {revoked.importer}, "
                  f"{_period(revoked)}) at {when} by {revoked.revoked_by}; running servers "
                  f"refuse the broker's declarations for this importer within "
                  f"{_CACHE_SECONDS} seconds", markup=False)  # fmt: skip
