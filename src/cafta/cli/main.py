"""Entry point of the ``cafta`` command.

Every failure ends in one line on standard error and a non-zero exit: 2 for input the command
cannot use (a bad code, an unknown country, a missing option, a setting or a database to mend
first: :data:`_INPUT_CODES`), 130 after Ctrl-C, 1 for anything else (with ``CAFTA_DEBUG=1``, an
unexpected failure shows its traceback). The commands are in :mod:`.app`. A reader of standard
output that goes away early changes neither what a command does nor its exit status
(:mod:`.output`).
"""

from __future__ import annotations

import os
import sys

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT, as a shell reports a process SIGINT ended)."""

_INPUT_CODES = ("config.", "storage.not_migrated")
"""Codes (or prefixes, ending in a dot) of failures that are the command's input to mend, so exit
2 whatever their class: a setting to change (``config.*``: a variable, a file it names), a
database to upgrade first (``storage.not_migrated``, as ``storage.not_found`` says to create
one)."""


def _fail(message: str, code: int) -> int:
    from cafta.cli.output import errors  # noqa: PLC0415

    errors.print(f"error: {message}", markup=False)
    return code


def _interrupted() -> int:
    """Say so without Rich, which may be what was loading when Ctrl-C came."""
    try:
        sys.stderr.write("error: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # standard error closed: the exit status says it
    return INTERRUPTED


def run(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` and return the exit status."""
    # Imported here, not with this module (see main()): a Ctrl-C while they load is one line.
    import typer  # noqa: PLC0415

    from cafta.cli.app import app  # noqa: PLC0415
    from cafta.cli.output import discard_closed, flush_stdout  # noqa: PLC0415
    from cafta.core.errors import (  # noqa: PLC0415
        CaftaError,
        Conflict,
        Forbidden,
        InvalidInput,
        NotFound,
    )

    try:
        result = app(args=argv, prog_name="cafta", standalone_mode=False)
    except (InvalidInput, NotFound, Conflict, Forbidden) as error:
        return _fail(str(error), 2)
    except CaftaError as error:
        return _fail(str(error), 2 if error.code.startswith(_INPUT_CODES) else 1)
    except KeyboardInterrupt:
        return _interrupted()
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
    if result == INTERRUPTED:  # Typer's answer to a Ctrl-C in a command: an exit, unsaid
        return _interrupted()
    return result if isinstance(result, int) else 0


def main() -> None:
    """The ``cafta`` console script. The commands' modules are imported by :func:`run`, not
    with this module, so that a Ctrl-C at any time after the interpreter has started, even while
    they load, ends in one line and exit 130 instead of a traceback."""
    try:
        code = run()
    except KeyboardInterrupt:
        code = _interrupted()
    sys.exit(code)
