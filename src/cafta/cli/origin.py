"""``cafta origin``: decide origin from a bill of materials, and show which rule governs a line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cafta import bootstrap
from cafta.adapters.document_files import load_document
from cafta.cli.output import console, emit_json, print_table, status_badge
from cafta.core.dates import parse_date
from cafta.identifiers import hs
from cafta.origin.bom import parse_bom
from cafta.origin.decision import OriginDecision, assess
from cafta.origin.evidence import to_document

_EXAMPLE = """\
Example bill of materials (JSON or YAML; docs/origin.md lists every field):

  {"scheme": "ACFTA", "exporting_party": "VN", "importing_party": "CN",
   "product": {"line": "8507.60", "description": "Li-ion battery pack",
               "fob": {"amount": "1000.00", "currency": "USD"}},
   "materials": [{"description": "cells", "line": "8507.90", "origin": "KR",
                  "value": {"amount": "300.00", "currency": "USD"},
                  "originating": false}]}
"""

app = typer.Typer(
    no_args_is_help=True,
    help="Rules of origin: 'cafta origin assess BOM_FILE' decides whether a good is "
    "originating and shows the evidence; 'cafta origin rule LINE' shows the rule for a line.",
)

On = Annotated[
    str | None,
    typer.Option("--on", help="Date of the assessment (YYYY-MM-DD); default today."),
]
Json = Annotated[bool, typer.Option("--json", help="Print the evidence as JSON for programs.")]


def print_decision(decision: OriginDecision) -> None:
    verdict = (
        "[bold green]Originating[/]" if decision.originating else "[bold red]Not originating[/]"
    )
    console.print(
        f"{verdict} under {escape(decision.scheme)}: {hs.format(decision.product_line)} "
        f"{escape(decision.product_description)}, {escape(decision.exporting_party)} → "
        f"{escape(decision.importing_party)}, {decision.on.isoformat()}  "
        f"{status_badge(decision.status)}"
    )
    if decision.originating:
        console.print(
            f"Criterion met: [bold]{escape(str(decision.criterion))}[/]   "
            f"Box 8: [bold]{escape(str(decision.box8))}[/]"
        )
    rule = decision.rule
    console.print(
        f"Rule applied ({escape(rule.source)}): {escape(rule.text)}  {status_badge(rule.status)}"
    )
    console.print(f"[dim]  {escape(rule.reference)}[/]")
    if decision.rvc is not None:
        rvc = decision.rvc
        console.print(
            f"RVC ({rvc.method.value}): {rvc.working} (threshold {rvc.threshold}%)", markup=False
        )
    if decision.shifts:
        table = Table(title="Tariff shift per material", title_justify="left")
        for column in ("#", "material", "line", "origin", "needs", "met", "why"):
            table.add_column(column, overflow="fold")
        for s in decision.shifts:
            met = "[green]yes[/]" if s.met else "[red]no[/]"
            table.add_row(
                str(s.material), escape(s.description), escape(s.line or ""),
                escape(s.origin or ""), escape(s.requirement), met, escape(s.reason),
            )  # fmt: skip
        print_table(table)
    if decision.de_minimis is not None:
        m = decision.de_minimis
        outcome = "within" if m.met else "above"
        console.print(
            f"De minimis by {m.basis}: {m.working}, {outcome} the {m.limit}% limit", markup=False
        )
    for criterion in decision.criteria:
        mark = "[green]met[/]" if criterion.met else "[red]not met[/]"
        console.print(f"  {escape(criterion.name)}: {mark}")
    for reason in decision.reasons:
        console.print(f"[red]Reason:[/] {escape(reason)}")
    for note in decision.notes:
        console.print(f"[dim]Note: {escape(note)}[/]")


@app.command("assess", epilog=_EXAMPLE)
def assess_command(
    bom_file: Annotated[Path, typer.Argument(help="Bill of materials, JSON or YAML.")],
    on: On = None,
    as_json: Json = False,
) -> None:
    """Decide whether the good in a bill of materials is originating, with the evidence.

    The decision follows WO → PE → minimal operations → product-specific rule → general rule
    (RVC 40% or CTH), with cumulation and de minimis, and lists every reason a criterion failed.
    """
    services = bootstrap.build()
    bom = parse_bom(load_document(bom_file))
    when = parse_date(on, "--on") if on else services.clock.today()
    decision = assess(bom, when, rulebook=services.rulebook, rates=services.rates)
    if as_json:
        emit_json(to_document(decision))
    else:
        print_decision(decision)


@app.command("rule")
def rule_command(
    line: Annotated[str, typer.Argument(help="HS code of the product, e.g. 6109.10.")],
    on: On = None,
    as_json: Json = False,
) -> None:
    """The ACFTA origin rule that governs a line: its product-specific rule or the general rule."""
    services = bootstrap.build()
    digits = hs.validate(line)
    when = parse_date(on, "--on") if on else services.clock.today()
    rule, applied, notes = services.rulebook.applicable(digits, when)
    if as_json:
        emit_json(
            {
                "line": hs.format(digits),
                "date": when.isoformat(),
                "source": applied.source,
                "rule": rule.text(),
                "reference": applied.reference,
                "status": applied.status.value,
                "notes": notes,
            }
        )
        return
    console.print(
        f"{hs.format(digits)} on {when.isoformat()}: [bold]{escape(rule.text())}[/] "
        f"({escape(applied.source)})  {status_badge(applied.status)}"
    )
    console.print(f"[dim]{escape(applied.reference)}[/]")
    for note in notes:
        console.print(f"[dim]Note: {escape(note)}[/]")
