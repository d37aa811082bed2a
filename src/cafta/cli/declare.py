"""``cafta declare``: lodge, show, list, decide, amend and cancel declarations in the node's
database (the API tokens' commands are in :mod:`.tokens`).

The command line acts on the database directly (``--database``, else ``CAFTA_DATABASE_URL``,
else ``cafta.db`` in the working directory), as the party and role given (``--as``, ``--role``):
by default the declaration's own declarant, so an operator can replay a file. A declaration is
cleared as it is lodged; ``--wait`` turns the outcome into the exit status for scripts.
``amend`` and ``cancel`` are the declarant's changes: corrected goods for a declaration held
for documents (assessed again from the start), and its withdrawal before release; with
``--expected-version`` they apply only to the version read (``show`` prints it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from cafta import bootstrap
from cafta.adapters.document_files import load_document
from cafta.clearance.declaration import Declaration
from cafta.clearance.goods import parse_goods
from cafta.clearance.lifecycle import Lane, Status
from cafta.cli.db import Database, open_node
from cafta.cli.output import console, emit_json, print_table
from cafta.cli.representations import grant_command
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.core.provenance import Status as Provenance
from cafta.core.vocabulary import parse_member
from cafta.identifiers import hs, locode
from cafta.services.clearance import Amend, Cancel, Decide, Lodge, parse_action
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.views import declaration_view, stored_summary

__all__ = ["app"]

HELD_EXIT = 3
REJECTED_EXIT = 4
LODGED = "lodged (UTC)"
ILLUSTRATIVE_MARK = "*"
"""After a total in ``cafta declare list``: computed from illustrative data."""

_EXAMPLE = """\
Example declaration (JSON or YAML; more in examples/; every field: docs/api.md, POST declarations):

  {"type": "import", "office": "CNYYG",
   "declarant": {"name": "Pingxiang Border Brokers Co.", "country": "CN"},
   "importer": {"name": "Guangxi Fresh Fruit Trading Co.", "country": "CN"},
   "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
   "transport": {"mode": "road", "vehicle_plate": "GX-F-A1234", "container": "CSQU3054383"},
   "items": [{"line": "0810.60.00", "description": "Fresh durian", "origin": "TH",
              "quantity": {"amount": "18000", "unit": "kg"},
              "value": {"amount": "612000.00", "currency": "CNY"}, "incoterm": "CIF",
              "preference": {"scheme": "ACFTA", "certificate": "E2026TH-..."}}]}
"""

app = typer.Typer(
    no_args_is_help=True,
    help="Declarations: lodge one (cleared at once), show, list, decide, amend, cancel.",
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]
As = Annotated[str | None, typer.Option("--as", help="The party you act for (default: the "
                                                     "declaration's declarant).")]  # fmt: skip
DeclarantRole = Annotated[str, typer.Option("--role", help="trader or broker.")]
ExpectedVersion = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        min=1,
        help="Change only this version (see 'cafta declare show'); exit 2 if it has changed.",
    ),
]


def _role(text: str) -> Role:
    return parse_member(Role, text, what="role", code="auth.role")


def _show(declaration: Declaration, as_json: bool) -> None:
    """The declaration after a change: its view as JSON, or the summary lines."""
    if as_json:
        emit_json(declaration_view(declaration))
    else:
        _print(declaration)


def _print(declaration: Declaration) -> None:
    view = declaration_view(declaration)
    lane = view["lane"] or "-"
    console.print(f"[bold]{escape(view['id'])}[/] at {escape(view['office'])}: "
                  f"{escape(view['status'])} (lane {escape(lane)}), "
                  f"version {view['version']}")  # fmt: skip
    assessment = view["assessment"]
    if assessment:
        console.print(f"Duty {assessment['duty']}  consumption tax {assessment['consumption_tax']}"
                      f"  VAT {assessment['vat']}  total {assessment['total']} "
                      f"{assessment['currency']}  ({assessment['status']})",
                      markup=False)  # fmt: skip
        for item in assessment["items"]:
            line = hs.format(item["line"])
            console.print(f"  item {item['item']} {line}: {item['regime']}, duty "
                          f"{item['duty']['amount']}, Form E {item['preference']}",
                          markup=False)  # fmt: skip
            for note in item["notes"]:
                console.print(f"    note: {note}", markup=False)
    for reason in view["reasons"]:
        console.print(f"  reason: {reason}", markup=False)


@contextmanager
def _authority_hint(importer: Callable[[], str], broker: str,
                    database: str | None) -> Iterator[None]:  # fmt: skip
    """A broker's change refused for want of the importer's authority
    (``declaration.no_authority``) ends with the command that records it."""
    try:
        yield
    except Forbidden as error:
        if error.code != "declaration.no_authority":
            raise
        command = grant_command(importer(), broker, database)
        raise Forbidden(
            error.message,
            code=error.code,
            hint="The importer grants it in the portal (Brokers), or record its written "
            f"authority: {command}",
            details=error.details,
        ) from None


@contextmanager
def _reused_key(key: str | None) -> Iterator[None]:
    """A key used before for another declaration, said in the command line's words."""
    try:
        yield
    except Conflict as error:
        if error.code != "idempotency.key_reused":
            raise
        raise Conflict(
            f"--idempotency-key '{key}' was already used for a different declaration",
            code=error.code,
            hint="Use a new key for a new declaration; repeat a key only with the same file.",
            details=error.details,
        ) from None


@contextmanager
def _known_id() -> Iterator[None]:
    """A declaration id the database does not hold: the command line sees every party's
    declarations, so the id is wrong (the API's hint speaks of the caller's party)."""
    try:
        yield
    except NotFound as error:
        if error.code != "declaration.not_found":
            raise
        raise NotFound(error.message, code=error.code, details=error.details,
                       hint="Check the id: 'cafta declare list' shows them.") from None  # fmt: skip


def _yes_no(flag: object) -> str:
    return "yes" if flag else "no"


def _said(entry: dict[str, Any]) -> str:
    """What a timeline entry says beyond its name: an officer's or declarant's note, an
    inspection's outcome."""
    detail: dict[str, Any] = entry.get("detail") or {}
    parts = []
    if entry["event"] == "InspectionRecorded":
        parts.append(f"found something: {_yes_no(detail.get('found'))}")
        if detail.get("what"):
            parts.append(f"what: {detail['what']}")
        if detail.get("revenue_recovered") is not None:
            parts.append(f"revenue recovered {detail['revenue_recovered']} "
                         f"{detail.get('currency') or ''}".rstrip())  # fmt: skip
    if detail.get("note"):
        parts.append(f"note: {detail['note']}")
    return f": {'; '.join(parts)}" if parts else ""


@app.command("submit", epilog=_EXAMPLE)
def submit(
    file: Annotated[Path, typer.Argument(help="The declaration, JSON or YAML.")],
    database: Database = None,
    party: As = None,
    role: DeclarantRole = "broker",
    key: Annotated[
        str | None,
        typer.Option(
            "--idempotency-key",
            help="Retry-safe key: the same key and file give the same declaration.",
        ),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help=f"Exit {HELD_EXIT} if the goods are held, "
            f"{REJECTED_EXIT} if rejected, 0 once released.",
        ),
    ] = False,
    as_json: Json = False,
) -> int:
    """Lodge a declaration: it is validated, priced, its Form E checked, risk-scored, given a
    lane and, in the green lane, released before this command returns."""
    if key is not None and not key.strip():
        raise InvalidInput(
            "--idempotency-key is empty: give a key, or leave the option out",
            code="idempotency.empty_key",
        )
    document: Any = load_document(file)
    who = party or parse_goods(document).declarant.name
    services = bootstrap.build()
    node = open_node(services, database, upgrade=True)
    try:
        with (
            _authority_hint(lambda: parse_goods(document).importer.name, who, database),
            _reused_key(key),
        ):
            lodged = node.clearance.lodge(Lodge(document, Principal(_role(role), who), key))
    finally:
        node.close()
    declaration = lodged.declaration
    if as_json:
        emit_json({**declaration_view(declaration), "replayed": lodged.replayed})
    else:
        if lodged.replayed:
            console.print(f"Already lodged with idempotency key '{key}': this is that "
                          "declaration as it is now; nothing new was lodged.",
                          markup=False)  # fmt: skip
        _print(declaration)
    if not wait:
        return 0
    if declaration.status is Status.RELEASED:
        return 0
    return REJECTED_EXIT if declaration.status is Status.REJECTED else HELD_EXIT


@app.command("show")
def show(declaration_id: str, database: Database = None, as_json: Json = False) -> None:
    """A declaration: lane, assessment with the working, Form E verdict, reasons, timeline."""
    node = open_node(bootstrap.build(), database)
    try:
        with _known_id():
            declaration = node.clearance.get(declaration_id, Principal(Role.ADMIN, "cli"))
    finally:
        node.close()
    if as_json:
        emit_json(declaration_view(declaration))
        return
    _print(declaration)
    for event in declaration.history:
        console.print(f"  {event['at']}  {event['event']}  by {event['actor']}{_said(event)}",
                      markup=False)  # fmt: skip


def _named(kind: type[Status] | type[Lane], text: str | None, what: str) -> str | None:
    """The value ``text`` names among ``kind``'s (any case), ``None`` for none given."""
    if text is None:
        return None
    return parse_member(kind, text, what=what, code=f"declaration.unknown_{what}").value


@app.command("list")
def list_command(
    database: Database = None,
    office: Annotated[
        str | None, typer.Option("--office", help="A customs office (UN/LOCODE), e.g. CNYYG.")
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="e.g. held_for_inspection")] = None,
    lane: Annotated[str | None, typer.Option("--lane", help="green, yellow, red or blue")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="At most this many (1-1000).")
    ] = 50,
    offset: Annotated[
        int, typer.Option("--offset", min=0, help="Skip this many of the newest first (paging).")
    ] = 0,
    as_json: Json = False,
) -> None:
    """Declarations, newest first, filtered by office, status and lane.

    --json prints a page: {"items": [...], "total": N, "limit": L, "offset": O}, total being
    how many match the filters; the next page is --offset O+L.
    """
    # A filter that cannot match is a mistake to say, not an empty list.
    where = DeclarationFilter(
        office=locode.validate(office) if office else None,
        status=_named(Status, status, "status"),
        lane=_named(Lane, lane, "lane"),
        limit=limit,
        offset=offset,
    )
    node = open_node(bootstrap.build(), database)
    try:
        with node.uow(read_only=True) as uow:
            records = uow.declarations.list(where)
            total = uow.declarations.count(where)
    finally:
        node.close()
    views = [stored_summary(r) for r in records]
    if as_json:
        emit_json({"items": views, "total": total, "limit": limit, "offset": offset})
        return
    if not views:
        if offset and total:
            console.print(f"no declarations after the first {offset} of {total}", markup=False)
        else:
            console.print("no declarations match" if (office or status or lane)
                          else "no declarations")  # fmt: skip
        return
    table = Table()
    for column in ("id", "office", "status", "lane", "importer", "total", LODGED):
        table.add_column(column, no_wrap=column in ("id", "status", "total", LODGED))
    for v in views:
        table.add_row(*(escape(cell) for cell in (
            v["id"], v["office"], v["status"], v["lane"] or "", v["importer"], _total(v),
            _utc(v["lodged_at"]))))  # fmt: skip
    print_table(table)
    if any(v["assessment_status"] == Provenance.ILLUSTRATIVE for v in views):
        console.print(f"{ILLUSTRATIVE_MARK} illustrative: computed with rates or rules that are "
                      "not official ('cafta declare show ID' names them)",
                      markup=False)  # fmt: skip
    if total > len(views):
        after = offset + len(views)
        shown = f"{offset + 1}-{after}" if offset else f"the newest {len(views)}"
        more = f"; --limit shows more, --offset {after} the next ones" if after < total else ""
        console.print(f"{shown} of {total}{more}", markup=False)


def _utc(at: str) -> str:
    """An ISO 8601 time with its offset, in UTC to the second, as every ``cafta`` table shows
    times (``tokens list``, ``outbox list``: the column header says so)."""
    return datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _total(view: dict[str, Any]) -> str:
    if view["total"] is None:
        return "-"
    illustrative = view["assessment_status"] == Provenance.ILLUSTRATIVE
    return f"{view['total']} {view['currency']}{' ' + ILLUSTRATIVE_MARK if illustrative else ''}"


@app.command("decide")
def decide(
    declaration_id: str,
    action: Annotated[
        str, typer.Option("--action", help="release, reject, request_documents or inspect")
    ],
    officer: Annotated[str, typer.Option("--officer", help="Your name or officer id.")],
    note: Annotated[
        str | None, typer.Option("--note", help="What you tell the declarant, for the timeline.")
    ] = None,
    outcome: Annotated[
        Path | None,
        typer.Option(
            "--outcome",
            help="Inspection outcome file: "
            '{"found": true, "what": "...", "revenue_recovered": {...}}',
        ),
    ] = None,
    expected: ExpectedVersion = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """An officer's decision on a held declaration."""
    if not officer.strip():
        raise InvalidInput(
            "--officer: give your name or officer id; the decision is recorded under it",
            code="declaration.no_officer",
        )
    chosen = parse_action(action)
    result: Any = load_document(outcome) if outcome is not None else None
    node = open_node(bootstrap.build(), database)
    try:
        command = Decide(declaration_id, Principal(Role.OFFICER, officer.strip()), chosen, note,
                         result, expected)  # fmt: skip
        with _known_id():
            declaration = node.clearance.decide(command)
    finally:
        node.close()
    _show(declaration, as_json)


@app.command("amend", epilog=_EXAMPLE)
def amend(
    declaration_id: Annotated[str, typer.Argument(help="The declaration held for documents.")],
    file: Annotated[Path, typer.Argument(help="The whole corrected declaration, JSON or YAML.")],
    expected: ExpectedVersion = None,
    database: Database = None,
    party: As = None,
    role: DeclarantRole = "broker",
    as_json: Json = False,
) -> None:
    """Amend a declaration held for documents: the corrected file replaces what was declared
    and is assessed again from the start (Form E, duty, lane), then waits for an officer: an
    amended declaration is never released by the system. The customs office and the importer
    cannot change: cancel and lodge anew for that."""
    document: Any = load_document(file)
    node = open_node(bootstrap.build(), database)
    try:
        # As cancel: the stored declaration's declarant, so that a file naming another office,
        # importer or declarant gets the domain's own answer, not "no such declaration".
        who = party or _declarant(node, declaration_id)
        command = Amend(declaration_id, document, Principal(_role(role), who), expected)
        with _authority_hint(lambda: _importer(node, declaration_id), who, database):
            declaration = node.clearance.amend(command)
    finally:
        node.close()
    _show(declaration, as_json)


def _declarant(node: bootstrap.Node, declaration_id: str) -> str:
    """The declarant named in the stored declaration (``--as``'s default for changes)."""
    with _known_id():
        declaration = node.clearance.get(declaration_id, Principal(Role.ADMIN, "cli"))
    return declaration.goods.declarant.name


def _importer(node: bootstrap.Node, declaration_id: str) -> str:
    """The importer named in the stored declaration (whose authority a broker needs)."""
    return node.clearance.get(declaration_id, Principal(Role.ADMIN, "cli")).goods.importer.name


@app.command("cancel")
def cancel(
    declaration_id: Annotated[str, typer.Argument(help="The declaration to withdraw.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, for the timeline.")] = None,
    expected: ExpectedVersion = None,
    database: Database = None,
    party: As = None,
    role: DeclarantRole = "broker",
    as_json: Json = False,
) -> None:
    """Cancel a declaration before its goods are released (cancelled is final)."""
    node = open_node(bootstrap.build(), database)
    try:
        if party is None:
            party = _declarant(node, declaration_id)
        command = Cancel(declaration_id, Principal(_role(role), party), note, expected)
        with _authority_hint(lambda: _importer(node, declaration_id), party, database):
            declaration = node.clearance.cancel(command)
    finally:
        node.close()
    _show(declaration, as_json)
