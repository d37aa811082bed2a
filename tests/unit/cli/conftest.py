"""Set-up for the command-line tests that need a node's database."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import cli

EXAMPLE_IMPORTER = "Guangxi Fresh Fruit Trading Co."
EXAMPLE_BROKER = "Pingxiang Border Brokers Co."
"""The parties of ``examples/declarations/durian-youyiguan.json``: the broker lodges for the
importer, which needs the importer's authority (``cafta representations grant``)."""


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """A node database made as an operator makes one ('cafta db upgrade': the other commands
    never create one), as the ``--database`` option."""
    url = f"sqlite:///{tmp_path / 'cafta.db'}"
    code, _, err = cli(capsys, "db", "upgrade", "--database", url)
    assert code == 0, err
    return ("--database", url)


@pytest.fixture
def example_authority(db: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """The example's broker may lodge the example on ``db``: its authority from the importer
    is recorded, as the documented sequences do before 'cafta declare submit'."""
    code, _, err = cli(capsys, "representations", "grant", "--importer", EXAMPLE_IMPORTER,
                       "--broker", EXAMPLE_BROKER, *db)  # fmt: skip
    assert code == 0, err
