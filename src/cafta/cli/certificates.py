"""``cafta co``: electronic certificates of origin (Form E), and ``cafta keys`` (from
:mod:`cafta.cli.keys`), the two command groups of :mod:`cafta.certificates`.

``cafta co issue`` signs a certificate from a request with a key whose file name (without
``.key``) is the authority's id; ``cafta co verify`` checks one against a trust list and
optionally a declaration; ``cafta co show`` prints its boxes without checking anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Verifier, load_signer
from cafta.adapters.document_files import load_document
from cafta.adapters.trust_files import read_certificate_text, read_trust_list, write_certificate
from cafta.certificates.canonical import to_document
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.envelope import open_envelope, read_certificate, sign
from cafta.certificates.form_e import FormE, Party
from cafta.certificates.issuance import parse_request
from cafta.certificates.report import verification_document
from cafta.certificates.verdict import Finding, Outcome, Severity, Verification
from cafta.certificates.verification import verify
from cafta.cli.db import Database, open_node
from cafta.cli.keys import KEY_SUFFIX, TRUST_FILE, keys_app, writing_out
from cafta.cli.output import console, emit_json, print_table
from cafta.core.dates import parse_date
from cafta.core.errors import InvalidInput
from cafta.identifiers import hs

__all__ = ["co_app", "keys_app"]

T = TypeVar("T")

REJECTED_EXIT = 3
"""Exit status of ``cafta co verify --strict`` for a rejected certificate."""

_REQUEST_EXAMPLE = """\
Example request (JSON or YAML; docs/certificates.md lists every box):

  {"authority": "MM-MOC", "exporting_party": "MM", "importing_party": "CN",
   "issue_date": "2026-03-02",
   "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
   "consignee": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
   "invoice": {"number": "GLP-2026-031", "date": "2026-03-01"},
   "items": [{"line": "0713.31", "description": "Black gram (Vigna mungo), dried",
              "quantity": {"amount": "25000", "unit": "kg"}, "criterion": "WO",
              "fob": {"amount": "23750.00", "currency": "USD"}}]}

The key file's name is the authority: keys/MM-MOC.key signs for "authority": "MM-MOC".
"""

_VERIFY_EXAMPLE = """\
Example declaration (JSON or YAML), claiming ACFTA preference with the certificate:

  {"importer": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
   "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
   "items": [{"line": "0713.31.90", "description": "Black gram, dried", "origin": "MM",
              "quantity": {"amount": "25000", "unit": "kg"},
              "value": {"amount": "171000.00", "currency": "CNY"}, "incoterm": "CIF",
              "preference": {"scheme": "ACFTA", "certificate": "E2026MM-..."}}]}

"certificate" is the certificate's reference, or the signed certificate itself.
Exit status: 0 whatever the verdict (with --strict: 3 when rejected); 2 for unusable input.
"""

co_app = typer.Typer(
    no_args_is_help=True,
    help="Electronic certificates of origin (ACFTA Form E): issue, verify, show.",
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of tables.")]


def _print(text: str) -> None:
    console.print(text, markup=False)


def _read(path: Path, parse: Callable[[object], T]) -> T:
    """Parse a document file; a field error names the file too (several files are read)."""
    document = load_document(path)
    try:
        return parse(document)
    except InvalidInput as error:
        raise InvalidInput(
            f"{path}: {error.message}", code=error.code, hint=error.hint, details=error.details
        ) from None


# --- co: issue ----------------------------------------------------------------------------------


def _check_key_authority(form: FormE, key: Path, kid: str) -> None:
    authority = key.name.removesuffix(KEY_SUFFIX)
    if authority != form.authority:
        raise InvalidInput(
            f"authority: the request is for {form.authority}, but {key} is the key of {authority}",
            code="certificate.wrong_key",
            hint=f"Sign with {form.authority}{KEY_SUFFIX}, or correct the request's authority.",
        )
    sidecar = key.parent / TRUST_FILE
    if sidecar.exists():
        listed = read_trust_list(sidecar).key(kid)
        if listed is not None and listed.authority.id != authority:
            raise InvalidInput(
                f"{sidecar} lists this key under {listed.authority.id}, not {authority}",
                code="certificate.wrong_key",
                hint="The key file seems renamed: give it its authority's name.",
            )


@co_app.command("issue", epilog=_REQUEST_EXAMPLE)
def issue_command(
    request_file: Annotated[Path, typer.Argument(help="The issue request, JSON or YAML.")],
    key: Annotated[Path, typer.Option("--key", help="The authority's key file (ID.key).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed certificate.")],
    as_json: Json = False,
) -> None:
    """Check an issue request against the issuing rules, sign it, and write the certificate."""
    form = _read(request_file, parse_request)
    signer = load_signer(key)
    _check_key_authority(form, key, signer.key_id)
    envelope = sign(form, signer)
    with writing_out():
        write_certificate(out, envelope)
    if as_json:
        emit_json({"reference": form.reference, "file": str(out), "kid": signer.key_id})
        return
    _print(
        f"Issued Form E {form.reference} ({len(form.items)} item"
        f"{'' if len(form.items) == 1 else 's'}), signed by {form.authority}; written to {out}."
    )


# --- co: verify ---------------------------------------------------------------------------------


_STATUS_STYLE = {
    Outcome.ACCEPTED: "[bold green]ACCEPTED[/]",
    Outcome.ACCEPTED_WITH_DISCREPANCIES: "[bold yellow]ACCEPTED WITH DISCREPANCIES[/]",
    Outcome.REJECTED: "[bold red]REJECTED[/]",
}
_SEVERITY_STYLE = {
    Severity.INFO: "[dim]info[/]",
    Severity.MINOR: "[yellow]minor[/]",
    Severity.SUBSTANTIVE: "[red]substantive[/]",
}


def _where(f: Finding) -> str:
    parts = (
        f"cert {f.item}" if f.item is not None else None,
        f"decl {f.declaration_item}" if f.declaration_item is not None else None,
    )
    return ", ".join(p for p in parts if p)


def print_verification(result: Verification) -> None:
    reference = escape(result.reference or "(unread)")
    console.print(
        f"Form E {reference}: {_STATUS_STYLE[result.status]} (checked on {result.on.isoformat()})"
    )
    if result.findings:
        table = Table(title="Findings", title_justify="left")
        for column in ("severity", "code", "item", "message"):
            table.add_column(column, overflow="fold")
        for f in result.findings:
            table.add_row(_SEVERITY_STYLE[f.severity], f.code, _where(f), escape(f.message))
        print_table(table)
    if result.items:
        items = Table(title="Items", title_justify="left")
        for column in ("certificate item", "declaration item", "status"):
            items.add_column(column)
        for v in result.items:
            items.add_row(
                str(v.certificate_item or "-"),
                str(v.declaration_item or "-"),
                _STATUS_STYLE[v.status],
            )
        print_table(items)
    console.print(f"Box 4: {escape(result.official_use)}")


@co_app.command("verify", epilog=_VERIFY_EXAMPLE)
def verify_command(
    certificate_file: Annotated[Path, typer.Argument(help="The signed certificate (JWS).")],
    trust_file: Annotated[Path, typer.Option("--trust", help="The trust list (JSON).")],
    declaration_file: Annotated[
        Path | None,
        typer.Option("--declaration", help="The import declaration to check it against."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Day of the check (YYYY-MM-DD); default today.")
    ] = None,
    as_json: Json = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help=f"Exit {REJECTED_EXIT} when the certificate is rejected."),
    ] = False,
) -> int:
    """Verify a signed Form E: signature, issuer, dates, and the declaration item by item."""
    envelope = read_certificate_text(certificate_file)
    trust = read_trust_list(trust_file)
    declaration = (
        _read(declaration_file, parse_declaration) if declaration_file is not None else None
    )
    services = bootstrap.build()
    day = parse_date(on, "--on") if on else services.clock.today()
    result = verify(
        envelope, trust, Ed25519Verifier(), on=day, declaration=declaration,
        policy=services.verification_policy, rules=services.rulebook,
    )  # fmt: skip
    if as_json:
        emit_json(verification_document(result))
    else:
        print_verification(result)
    return REJECTED_EXIT if strict and result.status is Outcome.REJECTED else 0


# --- co: show -----------------------------------------------------------------------------------


def _party(party: Party | None) -> str:
    if party is None:
        return "-"
    return ", ".join(p for p in (party.name, party.address, party.country) if p)


def _print_form(form: FormE, kid: str) -> None:
    lines = [
        f"Form E {form.reference}   (signature NOT checked; key {kid})",
        f"Issued in {form.exporting_party} by {form.authority}, for import into "
        f"{form.importing_party}",
        f"Box 1  Exporter:  {_party(form.exporter)}",
        f"Box 2  Consignee: {_party(form.consignee)}",
    ]
    t = form.transport
    if t is not None:
        parts = [
            f"departure {t.departure_date.isoformat()}" if t.departure_date else None,
            t.means,
            f"from {t.port_of_loading}" if t.port_of_loading else None,
            f"to {t.port_of_discharge}" if t.port_of_discharge else None,
        ]
        lines.append(f"Box 3  Transport: {', '.join(p for p in parts if p)}")
    else:
        lines.append("Box 3  Transport: -")
    lines.append("Box 4  For official use by the importing customs (see 'cafta co verify')")
    for line in lines:
        _print(line)
    table = Table(title="Boxes 5-9", title_justify="left")
    for column in ("5", "6 marks", "7 packages, description", "HS", "8", "9 quantity", "9 FOB"):
        table.add_column(column, overflow="fold")
    for item in form.items:
        packages = f"{item.packages}; " if item.packages else ""
        quantity = str(item.quantity)
        if item.gross_weight is not None:
            quantity += f" (gross {item.gross_weight})"
        table.add_row(
            str(item.number),
            escape(item.marks or ""),
            escape(packages + item.description),
            hs.format(item.line),
            str(item.criterion),
            quantity,
            item.fob.format() if item.fob else "",
        )
    print_table(table)
    d = form.exporter_declaration
    declared = [d.place, d.date.isoformat() if d.date else None, d.signatory] if d else []
    certified = [form.issue_place, form.issue_date.isoformat(), form.certified_by]
    third = form.flags.third_party
    for line in (
        f"Box 10 Invoice: {form.invoice.number} of {form.invoice.date.isoformat()}",
        f"Box 11 Exporter's declaration: produced in {form.exporting_party}, for export to "
        f"{form.importing_party}; " + (", ".join(p for p in declared if p) or "-"),
        f"Box 12 Certification: {', '.join(p for p in certified if p)}",
        f"Box 13 {', '.join(form.flags.marked()) or 'no mark'}"
        + (f"; third party: {_party(third)}" if third else ""),
    ):
        _print(line)


@co_app.command("show")
def show_command(
    certificate_file: Annotated[Path, typer.Argument(help="The signed certificate (JWS).")],
    as_json: Json = False,
) -> None:
    """Print the boxes of a signed Form E. Nothing is checked: use 'cafta co verify' for that."""
    opened = open_envelope(read_certificate_text(certificate_file))
    form = read_certificate(opened.payload)
    if as_json:
        emit_json(
            {"signature_checked": False, "header": opened.header, "certificate": to_document(form)}
        )
        return
    _print_form(form, opened.key_id)


@co_app.command("receive")
def receive_command(
    certificate_file: Annotated[Path, typer.Argument(help="The signed certificate (JWS).")],
    database: Database = None,
) -> None:
    """Store a signed Form E in the node, so declarations may cite it by reference number.

    The signature is checked against the node's trust list first ('cafta keys trust-import');
    a certificate that does not verify is not stored.
    """
    from cafta.adapters.storage.unit_of_work import SqlUnitOfWork  # noqa: PLC0415

    envelope = read_certificate_text(certificate_file)
    services = bootstrap.build()
    node = open_node(services, database, upgrade=True)
    try:
        result = verify(envelope, node.trust(), Ed25519Verifier(), on=services.clock.today(),
                        policy=services.verification_policy, rules=services.rulebook)  # fmt: skip
        form = result.certificate
        if form is None:
            why = "; ".join(f.message for f in result.findings)
            untrusted = any(f.code == "certificate.untrusted_key" for f in result.findings)
            raise InvalidInput(
                f"{certificate_file}: not stored: {why}", code="certificate.not_received",
                hint="If the issuing authority is one to trust, load its keys first: cafta keys "
                "trust-import TRUST_FILE (its trust list)" if untrusted else None,
            )  # fmt: skip
        with SqlUnitOfWork(node.engine) as uow:
            added = uow.received.add(
                form.reference, envelope, authority=form.authority,
                exporting_party=form.exporting_party, importing_party=form.importing_party,
                issue_date=form.issue_date, at=services.clock.now(),
            )  # fmt: skip
            uow.commit()
    finally:
        node.close()
    state = "stored" if added else "already stored"
    _print(f"Form E {form.reference} ({result.status.value}): {state}.")
