"""``cafta risk`` end to end on a small sample drawn from the data set, in-process."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.conftest import cli
from tests.integration.ml.conftest import needs_data, write_sample

pytestmark = needs_data


@pytest.fixture
def files(
    tmp_path: Path, train_lines: list[list[str]], valid_lines: list[list[str]]
) -> dict[str, Path]:
    return {
        "train": write_sample(tmp_path / "train.csv", train_lines),
        "valid": write_sample(tmp_path / "valid.csv", valid_lines),
        "store": tmp_path / "models",
    }


def test_train_score_evaluate_and_roll_back(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    train = ["risk", "train", "--train", str(files["train"]), "--valid", str(files["valid"]),
             "--out", str(files["store"]), "--max-rounds", "30"]  # fmt: skip
    code, out, _ = cli(capsys, *train)
    assert code == 0, out
    assert "Added v0001 to" in out and "activated it" in out
    code, out, _ = cli(capsys, "risk", "evaluate", "--model", str(files["store"]),
                       "--data", str(files["valid"]), "--json")  # fmt: skip
    assert code == 0
    report = json.loads(out)
    for key in ("precision_at", "recall_at", "critical_recall_at"):
        assert set(report[key]) == {"1", "2", "5", "10"}
    assert 0.5 < report["auc"] <= 1 and report["model_version"] == "v0001"
    assert report["random"]["auc"] == 0.5
    assert report["precision_at"]["10"] > report["random"]["precision_at"]["10"]

    scores = tmp_path / "scores.csv"
    code, out, _ = cli(capsys, "risk", "score", "--model", str(files["store"]), "--data",
                       str(files["valid"]), "--out", str(scores))  # fmt: skip
    assert code == 0 and "Scored" in out
    with scores.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["Declaration ID", "fraud_score", "critical_score", "lane", "reasons"]
    assert len(rows) == report["rows"]
    assert {r["lane"] for r in rows} <= {"red", "yellow", "green"}
    assert any(r["lane"] == "red" for r in rows)

    assert cli(capsys, *train)[0] == 0
    code, out, _ = cli(capsys, "risk", "models", "list", "--store", str(files["store"]), "--json")
    listed = json.loads(out)
    assert [(m["version"], m["active"]) for m in listed] == [("v0001", False), ("v0002", True)]
    code, out, _ = cli(capsys, "risk", "models", "rollback", "--store", str(files["store"]))
    assert code == 0 and "v0001" in out
    code, out, _ = cli(
        capsys, "risk", "models", "activate", "v0002", "--store", str(files["store"])
    )
    assert code == 0 and "Activated v0002" in out
    code, _, err = cli(
        capsys, "risk", "models", "activate", "v0009", "--store", str(files["store"])
    )
    assert code == 2 and "no model version 'v0009'" in err


def test_replay_runs_week_by_week(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    code, out, _ = cli(capsys, "risk", "replay", "--data", str(files["train"]), "--weeks", "3",
                       "--rounds", "20", "--json")  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert len(report["weeks"]) == 3
    total = report["total"]
    assert total["policy"]["inspected"] == total["random"]["inspected"] > 0


def test_bad_data_fails_in_one_line_naming_the_column(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path,
    train_lines: list[list[str]],
) -> None:  # fmt: skip
    column = train_lines[0].index("Net Mass")
    broken = write_sample(
        tmp_path / "broken.csv", [[v for i, v in enumerate(r) if i != column] for r in train_lines]
    )
    code, out, err = cli(capsys, "risk", "train", "--train", str(broken), "--out",
                         str(files["store"]))  # fmt: skip
    assert code == 2 and out == ""
    assert err.strip() == "error: broken.csv: missing column 'Net Mass'"
    bad = [list(r) for r in train_lines[:5]]
    bad[3][train_lines[0].index("Item Price")] = "n/a"
    code, _, err = cli(capsys, "risk", "evaluate", "--model", str(files["store"]), "--data",
                       str(write_sample(tmp_path / "bad.csv", bad)))  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_a_store_without_an_active_version_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    files["store"].mkdir()
    code, _, err = cli(capsys, "risk", "evaluate", "--model", str(files["store"]), "--data",
                       str(files["valid"]))  # fmt: skip
    assert code == 2 and "no active model version" in err


def test_every_command_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["train"], ["score"], ["evaluate"], ["replay"], ["models", "list"],
                    ["models", "activate"], ["models", "rollback"]):  # fmt: skip
        code, out, _ = cli(capsys, "risk", *command, "--help")
        assert code == 0 and "Example: cafta risk" in out, command
