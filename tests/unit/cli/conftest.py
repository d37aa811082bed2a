"""Set-up for the command-line tests that need a node's database."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import cli


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """A node database made as an operator makes one ('cafta db upgrade': the other commands
    never create one), as the ``--database`` option."""
    url = f"sqlite:///{tmp_path / 'cafta.db'}"
    code, _, err = cli(capsys, "db", "upgrade", "--database", url)
    assert code == 0, err
    return ("--database", url)
