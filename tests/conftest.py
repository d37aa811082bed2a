"""Shared test set-up: no test reads the user's real CAFTA_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def cafta_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cafta-home"
    monkeypatch.setenv("CAFTA_HOME", str(home))
    return home
