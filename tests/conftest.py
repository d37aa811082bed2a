"""Shared test set-up: no test reads the user's real CAFTA_HOME; :func:`cli` runs a command."""

from __future__ import annotations

from pathlib import Path

import pytest

from cafta.cli.main import run

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def cafta_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cafta-home"
    monkeypatch.setenv("CAFTA_HOME", str(home))
    return home


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``cafta ARGV...`` in process: its exit status, standard output and standard error."""
    code = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
