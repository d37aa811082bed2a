"""A small sample of the Customs Import Declaration Datasets, and a model trained on it once.

The sample is drawn at test time from the files in ../shared/data (never copied into the
repository); the tests skip, saying so, when the folder is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.conftest import SHARED

from cafta.adapters.ml.training import TrainedModel, TrainingSettings, train
from cafta.risk.dataset import Declaration, parse_declarations

DATA = SHARED / "data" / "customs-declarations"
TRAIN = DATA / "df_syn_train_eng.csv"
VALID = DATA / "df_syn_valid_eng.csv"

needs_data = pytest.mark.skipif(
    not (TRAIN.exists() and VALID.exists()),
    reason="../shared/data/customs-declarations is not present (the public data set's sample)",
)

FAST = TrainingSettings(max_rounds=40, critical_rounds=40, early_stopping=10)
"""Few trees: enough to rank, fast enough for a unit-test budget."""


def sample_lines(path: Path, every: int) -> list[list[str]]:
    """The header and every ``every``-th row of a data set file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [rows[0], *rows[1::every]]


def write_sample(path: Path, lines: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)
    return path


def parse(lines: list[list[str]]) -> list[Declaration]:
    return parse_declarations(lines[0], lines[1:], labelled=True)


@pytest.fixture(scope="session")
def train_lines() -> list[list[str]]:
    if not TRAIN.exists():
        pytest.skip("../shared/data/customs-declarations is not present")
    return sample_lines(TRAIN, 12)


@pytest.fixture(scope="session")
def valid_lines() -> list[list[str]]:
    if not VALID.exists():
        pytest.skip("../shared/data/customs-declarations is not present")
    return sample_lines(VALID, 8)


@pytest.fixture(scope="session")
def trained(train_lines: list[list[str]], valid_lines: list[list[str]]) -> TrainedModel:
    return train(parse(train_lines), parse(valid_lines), FAST)
