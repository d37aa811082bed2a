"""Entry point of the ``cafta`` command."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="CAFTA Smart Port command line.")


def main() -> None:
    app()
