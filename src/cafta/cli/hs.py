"""``cafta hs``: find and show HS 2022 codes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cafta.cli.output import console, emit_json, print_table
from cafta.core.errors import InvalidInput
from cafta.identifiers import hs
from cafta.refdata.nomenclature import HsEntry, Nomenclature

app = typer.Typer(no_args_is_help=True, help="Find and show HS 2022 codes.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of tables.")]


def _entry(entry: HsEntry) -> dict[str, object]:
    return {
        "code": entry.code,
        "formatted": hs.format(entry.code),
        "level": entry.level,
        "description": entry.description,
    }


@app.command("show")
def show(
    code: Annotated[str, typer.Argument(help="An HS code or national line, e.g. 0810.60.")],
    as_json: Json = False,
) -> None:
    """Show an HS code: its description, section, parents and children."""
    nomenclature = Nomenclature.hs2022()
    compact = hs.validate(code)
    entry = nomenclature.get(compact) if len(compact) <= 6 else nomenclature.nearest(compact)
    section = nomenclature.section_of(entry.code)
    parents = nomenclature.parents(entry.code)
    children = nomenclature.children(entry.code)
    if as_json:
        emit_json(
            {
                **_entry(entry),
                "query": compact,
                "edition": nomenclature.edition,
                "section": {"numeral": section.numeral, "title": section.title},
                "parents": [_entry(p) for p in parents],
                "children": [_entry(c) for c in children],
            }
        )
        return
    if compact != entry.code:
        console.print(
            f"{hs.format(compact)} is a national line under HS {hs.format(entry.code)}.",
            markup=False,
        )
    console.print(f"[bold]{hs.format(entry.code)}[/]  {escape(entry.description)}")
    console.print(f"Section {section.numeral}: {section.title}", markup=False)
    for parent in parents:
        console.print(f"  in {hs.format(parent.code)}  {parent.description}", markup=False)
    if children:
        table = Table(title=f"{len(children)} subdivisions ({escape(nomenclature.edition)})")
        table.add_column("code")
        table.add_column("description")
        for child in children:
            table.add_row(hs.format(child.code), escape(child.description))
        print_table(table)


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="Words describing the goods, e.g. 'fresh durian'.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many results.")] = 10,
    as_json: Json = False,
) -> None:
    """Search the HS 2022 descriptions; best matches first."""
    if not text.strip():
        raise InvalidInput(
            "give words describing the goods, e.g. cafta hs search 'fresh durian'",
            code="hs.empty_query",
        )
    hits = Nomenclature.hs2022().search(text, limit=limit)
    if as_json:
        emit_json([{**_entry(h.entry), "score": round(h.score, 4)} for h in hits])
        return
    if not hits:
        console.print(
            f"No HS code matches '{text}'. Try fewer or more general words.", markup=False
        )
        return
    table = Table(title=f"HS 2022 codes matching '{escape(text)}'")
    table.add_column("code")
    table.add_column("level", justify="right")
    table.add_column("description")
    table.add_column("score", justify="right")
    for hit in hits:
        table.add_row(
            hs.format(hit.entry.code), str(hit.entry.level), escape(hit.entry.description),
            f"{hit.score:.2f}",
        )  # fmt: skip
    print_table(table)
