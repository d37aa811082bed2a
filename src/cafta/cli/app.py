"""The ``cafta`` Typer application: every command group, registered under its name.

:mod:`.main` imports it when a command runs (not at its own import), so that a Ctrl-C while the
commands' modules load ends, as anywhere else, in one line and exit 130.
"""

from __future__ import annotations

import inspect
from typing import Annotated

import typer

from cafta.cli import certificates as certificates_commands
from cafta.cli import db as db_commands
from cafta.cli import declare as declare_commands
from cafta.cli import demo as demo_module
from cafta.cli import hs as hs_commands
from cafta.cli import origin as origin_commands
from cafta.cli import outbox as outbox_commands
from cafta.cli import representations as representations_commands
from cafta.cli import risk as risk_commands
from cafta.cli import serve as serve_command
from cafta.cli import tariff as tariff_commands
from cafta.cli import tokens as tokens_commands
from cafta.cli.db import Database, open_node
from cafta.cli.output import console
from cafta.core.errors import InvalidInput

app = typer.Typer(
    no_args_is_help=True,
    help="CAFTA Smart Port: HS codes, tariffs, duty, rules of origin and Form E certificates "
    "for China-ASEAN trade.",
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(hs_commands.app, name="hs")
app.add_typer(origin_commands.app, name="origin")
app.add_typer(tariff_commands.app, name="tariff")
app.add_typer(certificates_commands.keys_app, name="keys")
app.add_typer(certificates_commands.co_app, name="co")
app.add_typer(db_commands.db_app, name="db")
app.add_typer(declare_commands.app, name="declare")
app.add_typer(outbox_commands.app, name="outbox")
app.add_typer(tokens_commands.tokens_app, name="tokens")
app.add_typer(representations_commands.representations_app, name="representations")
app.add_typer(db_commands.audit_app, name="audit")
app.add_typer(risk_commands.app, name="risk")
app.command("duty")(tariff_commands.duty)
app.command("serve")(serve_command.serve)


demo_app = typer.Typer(help="The demonstration: a tour of the engines, and synthetic data.")
app.add_typer(demo_app, name="demo", invoke_without_command=True)


@demo_app.callback()
def demo(ctx: typer.Context) -> None:
    """Print duty calculations for typical consignments ('cafta demo seed': fill a database
    with a synthetic day for the portal)."""
    if ctx.invoked_subcommand is None:
        demo_module.run()


@demo_app.command("seed")
def demo_seed(
    database: Database = None,
    days: Annotated[int, typer.Option("--days", min=1, max=7, help="Days of traffic.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random draws.")] = 2026,
    force: Annotated[
        bool, typer.Option("--force", help="Add the demo data even if declarations exist.")
    ] = False,
    if_empty: Annotated[
        bool,
        typer.Option("--if-empty", help="Do nothing (exit 0) if declarations exist ('make run')."),
    ] = False,
) -> None:
    """Fill an empty node database with a synthetic day at Youyiguan and Pingxiang, and print
    sign-in tokens for a trader, a broker, an officer and an analyst."""
    from cafta import bootstrap  # noqa: PLC0415
    from cafta.cli import demo_seed as seeding  # noqa: PLC0415 - loads SQLAlchemy

    if if_empty and force:
        raise InvalidInput(
            "--if-empty and --force contradict each other: --if-empty seeds an empty database "
            "only, --force seeds one that has declarations too; give one of them",
            code="demo.contradictory_options",
        )
    services = bootstrap.build()
    node = open_node(services, database, upgrade=True, create=True)
    try:
        if if_empty and not seeding.is_empty(node):
            console.print(
                "The database already has declarations: not seeded. Create a sign-in token "
                "with 'cafta tokens create --role trader --party NAME'."
            )
            return
        report = seeding.seed_node(node, services, days=days, seed=seed, force=force)
    finally:
        node.close()
    seeding.print_report(report)


def _paragraphs(doc: str) -> str:
    """A docstring as help text: each paragraph's lines joined into one, for the terminal to
    wrap (Typer joins only the first paragraph's, and prints the others with the source's line
    breaks). A paragraph with an indented line (an example laid out by hand) is kept as it is,
    and a line beginning "Example:" begins a paragraph of its own."""
    paragraphs = []
    for paragraph in inspect.cleandoc(doc).split("\n\n"):
        lines = paragraph.splitlines()
        if any(line.startswith((" ", "\b")) for line in lines):
            paragraphs.append(paragraph)
            continue
        joined: list[str] = []
        for line in lines:
            if joined and not line.startswith("Example:"):
                joined[-1] += f" {line.strip()}"
            else:
                joined.append(line.strip())
        paragraphs.append("\n\n".join(joined))
    return "\n\n".join(paragraphs)


def _reflow_help(group: typer.Typer) -> None:
    """Give every command of ``group`` and its subgroups its docstring as :func:`_paragraphs`."""
    for command in group.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = _paragraphs(command.callback.__doc__)
    for subgroup in group.registered_groups:
        if subgroup.typer_instance is not None:
            _reflow_help(subgroup.typer_instance)


_reflow_help(app)
