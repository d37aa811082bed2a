"""``cafta tariff`` and ``cafta duty``: the measures for a line, and duty with the working."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from cafta import bootstrap
from cafta.cli.output import console, emit_json, print_table, status_badge
from cafta.core.dates import parse_date
from cafta.core.errors import InvalidInput, NotFound
from cafta.core.money import Money, to_decimal
from cafta.core.provenance import Status
from cafta.core.quantity import Quantity
from cafta.identifiers import hs
from cafta.refdata.currencies import currency as check_currency
from cafta.tariff.duty import REQUEST_FIELDS, Assessment, DutyRequest, Incoterm, assess
from cafta.tariff.lookup import lookup
from cafta.tariff.measure import Measure, Proof
from cafta.tariff.report import assessment_document, lookup_document


class _LineFirstGroup(TyperGroup):
    """``cafta tariff LINE ...`` runs ``show``; ``cafta tariff import FILE`` runs ``import``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["show", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_LineFirstGroup,
    no_args_is_help=True,
    help="Tariff measures: 'cafta tariff LINE --origin XX --destination YY [--on DATE]', "
    "or 'cafta tariff import FILE' to load a fuller official schedule.",
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of tables.")]
Origin = Annotated[str, typer.Option("--origin", help="Country of origin (ISO code, e.g. TH).")]
Destination = Annotated[
    str, typer.Option("--destination", help="Importing party (ISO code, e.g. CN).")
]
On = Annotated[
    str | None,
    typer.Option("--on", help="Date the declaration is accepted (YYYY-MM-DD); default today."),
]


def _on(text: str | None, services: bootstrap.Services) -> date:
    return parse_date(text, "--on") if text else services.clock.today()


def _measures_table(title: str, measures: tuple[Measure, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("type", "rate", "origin", "proof", "valid", "status", "reference"):
        table.add_column(column, overflow="fold")
    for m in measures:
        table.add_row(
            m.measure_type.value,
            escape(str(m.duty)),
            escape(m.area),
            m.proof.label if m.proof else "",
            str(m.validity),
            status_badge(m.status),
            escape(m.reference),
        )
    return table


@app.command("show")
def show(
    line: Annotated[str, typer.Argument(help="Tariff line or HS code, e.g. 0810.60.00.")],
    origin: Origin,
    destination: Destination,
    on: On = None,
    as_json: Json = False,
) -> None:
    """The measures for a line and the best rate with and without each proof of origin."""
    services = bootstrap.build()
    result = lookup(services.schedule, line, origin, destination, _on(on, services))
    if as_json:
        emit_json(lookup_document(result))
        return
    console.print(
        f"[bold]{hs.format(result.line)}[/] {escape(result.description)}: into "
        f"{escape(result.importing_party)} from {escape(result.origin)} on "
        f"{result.on.isoformat()}  {status_badge(result.status)}"
    )
    print_table(_measures_table("Duties", result.duties))
    if result.taxes:
        print_table(_measures_table("Import taxes", result.taxes))
    for option in result.options:
        regime = option.regime.value if option.regime else "depends on value"
        console.print(f"Best duty {option.label}: [bold]{escape(str(option.best))}[/] ({regime})")
    for note in result.notes:
        console.print(f"[dim]Note: {escape(note)}[/]")


@app.command("import")
def import_schedule(
    file: Annotated[Path, typer.Argument(help="CSV schedule in the format of docs/tariff.md.")],
    name: Annotated[
        str | None, typer.Option(help="Name to keep it under (default: file name).")
    ] = None,
    replace: Annotated[bool, typer.Option(help="Overwrite a schedule of the same name.")] = False,
    as_json: Json = False,
) -> None:
    """Validate a schedule and add it over the shipped ones (same measure: the import wins)."""
    if name is not None and not name.strip():
        raise InvalidInput(
            "--name is empty: name the schedule, or leave --name out to name it after the file",
            code="tariff.invalid_schedule_name",
        )
    services = bootstrap.build()
    result = services.schedule_files.import_file(file, name=name, replace=replace)
    counts: dict[str, int] = {}
    for m in result.measures:
        key = f"{m.importing_party} {m.measure_type.value}"
        counts[key] = counts.get(key, 0) + 1
    if as_json:
        emit_json({"name": result.name, "measures": len(result.measures), "by_type": counts})
        return
    console.print(
        f"Imported {len(result.measures)} measures as schedule '{result.name}':", markup=False
    )
    for key, count in sorted(counts.items()):
        console.print(f"  {key}: {count}", markup=False)


def print_assessment(result: Assessment) -> None:
    t = result.tariff
    console.print(
        f"[bold]{hs.format(t.line)}[/] {escape(t.description)}: into "
        f"{escape(t.importing_party)} from {escape(t.origin)} on {t.on.isoformat()}  "
        f"{status_badge(result.status)}"
    )
    table = Table(title="Working", title_justify="left")
    for column in ("step", "basis", "rate", "amount", "reference"):
        table.add_column(column, overflow="fold", justify="right" if column == "amount" else "left")
    for s in result.steps:
        label = escape(s.label)
        if s.status is not Status.OFFICIAL:
            label = f"{label} {status_badge(s.status)}"
        bold = s.key in ("total", "customs_value", "conversion")
        shown = f"[bold]{s.amount.format()}[/]" if bold else s.amount.format()
        table.add_row(label, escape(s.basis), escape(s.rate), shown, escape(s.reference))
    print_table(table)
    consumption = (
        f"consumption tax {result.consumption.format()}, " if result.consumption.amount else ""
    )
    console.print(
        f"Regime applied: [bold]{result.regime.value}[/]. Duty {result.duty.format()}, "
        f"{consumption}VAT {result.vat.format()}, total {result.total.format()}."
    )
    if result.saving.amount > 0:
        console.print(f"[green]The proof of origin saves {result.saving.format()}.[/]")
    cheaper = [c for c in result.alternatives if not c.eligible and c.total < result.total]
    if cheaper:
        best = cheaper[0]
        need = best.requires.label if best.requires else "its conditions"
        caveat = " [ILLUSTRATIVE rate]" if best.measure.status is Status.ILLUSTRATIVE else ""
        console.print(
            f"[yellow]With a {need} ({best.regime.value} {escape(str(best.measure.duty))}"
            f"{caveat}) you would pay {best.total.format()}: "
            f"{(result.total - best.total).format()} less.[/]"
        )
    if result.alternatives:
        alt = Table(title="Other regimes", title_justify="left")
        for column in ("regime", "rate", "needs", "duty", "VAT", "total", "open to you"):
            alt.add_column(
                column, justify="right" if column in ("duty", "VAT", "total") else "left"
            )
        for c in result.alternatives:
            alt.add_row(
                c.regime.value, escape(str(c.measure.duty)), c.requires.label if c.requires else "",
                c.duty.format(), c.vat.format(), c.total.format(), "yes" if c.eligible else "no",
            )  # fmt: skip
        print_table(alt)
    for note in result.notes:
        console.print(f"[dim]Note: {escape(note)}[/]")


_OPTION_OF = {
    "line": "--line", "freight": "--freight", "insurance": "--insurance",
    "quantity": "--quantity", "quantity.amount": "--quantity", "quantity.unit": "--unit",
}  # fmt: skip
"""The option a duty request's field is given with."""


def _as_option(error: InvalidInput) -> InvalidInput:
    """The engine's error about a field of its request, named as the option (``--freight: an
    FOB value needs the freight ...``), as the API names the field of its body."""
    field = error.details.get("field") or REQUEST_FIELDS.get(error.code)
    option = _OPTION_OF.get(field) if isinstance(field, str) else None
    if option is None:
        return error
    return InvalidInput(f"{option}: {error.message}", code=error.code, hint=error.hint,
                        details=error.details)  # fmt: skip


def _no_rate(error: NotFound) -> NotFound:
    """A missing exchange rate in one line: the pair and the day, not every route tried (the
    sources and the currencies crossed through are the same for every pair: docs/cli.md)."""
    base, quote, on = (error.details.get(key) for key in ("base", "quote", "on"))
    return NotFound(
        f"--currency: no {base}/{quote} exchange rate for {on} in any rate source, directly or "
        "via USD, EUR or SGD",
        code=error.code,
        hint=f"Add a {base}/{quote} rate valid on {on} to your own rates (CAFTA_RATES_FILE), or "
        f"give the value in {quote}.",
        details=error.details,
    )


def _quantity(text: str, unit: str) -> Quantity:
    """``--quantity`` in ``--unit``, each refused as its option."""
    try:
        return Quantity.of(to_decimal(text, "quantity"), unit)
    except InvalidInput as error:
        option = "--unit" if error.code == "quantity.unknown_unit" else "--quantity"
        hint = error.hint or "Give the quantity of the goods, e.g. --quantity 10000 --unit kg."
        raise InvalidInput(f"{option}: {error.message}", code=error.code, hint=hint,
                           details=error.details) from None  # fmt: skip


def duty(
    line: Annotated[str, typer.Option("--line", help="Tariff line, e.g. 0810.60.00.")],
    origin: Origin,
    destination: Destination,
    value: Annotated[str, typer.Option("--value", help="Declared value, e.g. 100000.00.")],
    currency: Annotated[str, typer.Option("--currency", help="Currency of the value, e.g. CNY.")],
    incoterm: Annotated[str, typer.Option(help="Terms of the value: CIF, CFR or FOB.")] = "CIF",
    freight: Annotated[str | None, typer.Option(help="Freight to the place of import.")] = None,
    insurance: Annotated[str | None, typer.Option(help="Insurance, if known.")] = None,
    quantity: Annotated[str | None, typer.Option(help="Quantity, for specific duties.")] = None,
    unit: Annotated[str, typer.Option(help="Unit of the quantity (kg, t, l, u).")] = "kg",
    proof: Annotated[
        list[str] | None,
        typer.Option("--proof", help="Proof of origin presented (form-e, rcep, ldc); repeatable."),
    ] = None,
    on: On = None,
    as_json: Json = False,
) -> None:
    """Duty and import taxes for a consignment, with the working and the alternatives."""
    services = bootstrap.build()
    request = DutyRequest(
        line=line,
        origin=origin,
        destination=destination,
        value=Money.of(value, currency),
        on=_on(on, services),
        incoterm=Incoterm.parse(incoterm),
        freight=Money.of(freight, currency) if freight is not None else None,
        insurance=Money.of(insurance, currency) if insurance is not None else None,
        quantity=_quantity(quantity, unit) if quantity else None,
        proofs=frozenset(Proof.parse(p) for p in proof or []),
    )
    check_currency(request.value.currency)
    try:
        result = assess(request, services.schedule, services.rates)
    except InvalidInput as error:
        raise _as_option(error) from None
    except NotFound as error:
        raise _no_rate(error) if error.code == "fx.rate_unavailable" else error from None
    if as_json:
        emit_json(assessment_document(result))
    else:
        print_assessment(result)
