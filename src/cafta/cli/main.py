"""Entry point of the ``cafta`` command.

Every failure ends in one line on standard error and a non-zero exit: 2 for input the command
cannot use (a bad code, an unknown country, a missing option), 1 for anything else (with
``CAFTA_DEBUG=1``, an unexpected failure shows its traceback). A reader of standard output that
goes away early changes neither what a command does nor its exit status (:mod:`.output`).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from cafta.cli import certificates as certificates_commands
from cafta.cli import db as db_commands
from cafta.cli import declare as declare_commands
from cafta.cli import demo as demo_module
from cafta.cli import hs as hs_commands
from cafta.cli import origin as origin_commands
from cafta.cli import outbox as outbox_commands
from cafta.cli import risk as risk_commands
from cafta.cli import serve as serve_command
from cafta.cli import tariff as tariff_commands
from cafta.cli import tokens as tokens_commands
from cafta.cli.db import Database, open_node
from cafta.cli.output import console, discard_closed, errors, flush_stdout
from cafta.core.errors import CaftaError, Conflict, Forbidden, InvalidInput, NotFound

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
    sign-in tokens for a trader, an officer and an analyst."""
    from cafta import bootstrap  # noqa: PLC0415
    from cafta.cli import demo_seed as seeding  # noqa: PLC0415 - loads SQLAlchemy

    services = bootstrap.build()
    node = open_node(services, database, upgrade=True, create=True)
    try:
        if if_empty and not force and not seeding.is_empty(node):
            console.print(
                "The database already has declarations: not seeded. Create a sign-in token "
                "with 'cafta tokens create --role trader --party NAME'."
            )
            return
        report = seeding.seed_node(node, services, days=days, seed=seed, force=force)
    finally:
        node.close()
    seeding.print_report(report)


def _fail(message: str, code: int) -> int:
    errors.print(f"error: {message}", markup=False)
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` and return the exit status."""
    try:
        result = app(args=argv, prog_name="cafta", standalone_mode=False)
    except (InvalidInput, NotFound, Conflict, Forbidden) as error:
        return _fail(str(error), 2)
    except CaftaError as error:
        return _fail(str(error), 1)
    except typer.Abort:
        return _fail("aborted", 130)
    except BrokenPipeError:
        # Raised by a write the output module does not make; the command was interrupted.
        discard_closed(sys.stdout)
        return 1
    except Exception as error:
        # Typer vendors click and exports no UsageError; its command-line errors are known by
        # their shape: a message, an exit code and the context of the command that failed.
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()  # type: ignore[attr-defined]
            return 0
        message = getattr(error, "format_message", None)
        exit_code = getattr(error, "exit_code", None)
        if callable(message) and isinstance(exit_code, int):
            ctx = getattr(error, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            return _fail(f"{message()}{where}", exit_code)
        if os.environ.get("CAFTA_DEBUG"):
            raise
        return _fail(
            f"unexpected failure ({type(error).__name__}: {error}); please report it with the "
            "command you ran (set CAFTA_DEBUG=1 to see the traceback)",
            1,
        )
    flush_stdout()
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
