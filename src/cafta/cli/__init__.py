"""The ``cafta`` command line: a thin layer of Typer commands over the domain packages."""
