"""The installed ``cafta`` command, run as a user runs it (a separate process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CAFTA = shutil.which("cafta", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(CAFTA is None, reason="the cafta console script is not installed")


def cafta(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    assert CAFTA is not None
    env = {**os.environ, "CAFTA_HOME": str(home), "COLUMNS": "120"}
    return subprocess.run(
        [CAFTA, *argv], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_duty_json_through_the_console_script(tmp_path: Path) -> None:
    done = cafta("duty", "--line", "0810.60.00", "--origin", "TH", "--destination", "CN",
                 "--value", "100000", "--currency", "CNY", "--proof", "form-e",
                 "--on", "2026-06-01", "--json", home=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["regime"], data["duty"], data["vat"]) == ("ACFTA", "0.00", "9000.00")


def test_bad_input_exits_2_with_one_line_on_stderr(tmp_path: Path) -> None:
    done = cafta("tariff", "8507.60", "--origin", "VN", "--destination", "CN", home=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Choose one of these lines" in done.stderr


def test_demo_runs(tmp_path: Path) -> None:
    done = cafta("demo", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Fresh durian from Thailand" in done.stdout and "ILLUSTRATIVE" in done.stdout
    assert "Originating under ACFTA: 8507.60" in done.stdout
    assert "ACCEPTED WITH DISCREPANCIES" in done.stdout and "item.hs_detail" in done.stdout


def test_demo_seed_fills_an_empty_database_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = cafta("demo", "seed", "--database", url, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "synthetic declarations" in done.stdout and "/signin" in done.stdout
    assert done.stdout.count("cafta_") >= 3 and "analyst" in done.stdout
    again = cafta("demo", "seed", "--database", url, home=tmp_path)
    assert again.returncode == 2 and "already has declarations" in again.stderr
    assert again.stderr.count("\n") == 1
    kept = cafta("demo", "seed", "--if-empty", "--database", url, home=tmp_path)
    assert kept.returncode == 0 and "not seeded" in kept.stdout
