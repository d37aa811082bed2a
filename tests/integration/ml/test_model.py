"""The LightGBM risk model on a sample of the data set: determinism, live path, store, scorer."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from tests.integration.ml.conftest import FAST, needs_data, parse

from cafta.adapters.ml.scorer import ModelScorer
from cafta.adapters.ml.store import ModelStore, open_model
from cafta.adapters.ml.training import TrainedModel, train
from cafta.core.clock import FixedClock
from cafta.core.errors import NotFound
from cafta.risk.model import evaluate
from cafta.risk.subject import RiskItem, RiskSubject

pytestmark = needs_data

CLOCK = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


def test_the_same_seed_gives_the_same_model(
    trained: TrainedModel, train_lines: list[list[str]], valid_lines: list[list[str]]
) -> None:
    again = train(parse(train_lines), parse(valid_lines), FAST)
    assert again.fraud.booster.model_to_string() == trained.fraud.booster.model_to_string()
    assert again.critical.booster.model_to_string() == trained.critical.booster.model_to_string()
    assert again.metrics == trained.metrics


def test_it_ranks_far_better_than_random(
    trained: TrainedModel, valid_lines: list[list[str]]
) -> None:
    report = evaluate(trained.model, parse(valid_lines))
    rate = report.frauds / report.rows
    assert report.auc > 0.6 and report.precision_at["10"] > 1.5 * rate  # 1/12 of the history
    assert report.precision_at == trained.metrics["precision_at"]


def test_the_live_path_gives_what_the_batch_gives(
    trained: TrainedModel, valid_lines: list[list[str]]
) -> None:
    rows = parse(valid_lines)[:40]
    batch = trained.model.assess_all(rows)
    for d, b in zip(rows, batch, strict=True):
        one = trained.model.assess(d)
        assert one.fraud_score == pytest.approx(b.fraud_score, rel=1e-9)
        assert one.critical_score == pytest.approx(b.critical_score, rel=1e-9)
        assert one.reasons == b.reasons
    x = trained.model.features.matrix(rows)
    margins, contributions = trained.fraud.explain(x)
    np.testing.assert_allclose(margins, trained.fraud.margins(x), atol=1e-9)
    np.testing.assert_allclose(contributions.sum(axis=1) + trained.fraud.bias, margins, atol=1e-4)
    assert all(len(a.reasons) >= 1 for a in batch)


def test_the_store_versions_activates_and_rolls_back(
    trained: TrainedModel, tmp_path: Path, valid_lines: list[list[str]]
) -> None:
    store = ModelStore(tmp_path / "models", CLOCK)
    with pytest.raises(NotFound, match="no active model version"):
        store.load()
    data = {"train": {"file": "train.csv", "sha256": "0" * 64}}
    first = store.add(trained, data)
    store.activate(first)
    second = store.add(trained, data)
    assert (first, second) == ("v0001", "v0002") and store.active() == "v0001"
    store.activate(second)
    manifest = store.versions()[1]
    assert manifest["created"] == "2026-11-30T09:00:00+00:00"
    assert manifest["status"] == "validated" and manifest["training_data"] == data
    assert manifest["calibration"]["method"] == "platt"
    assert {"precision_at", "auc"} <= set(manifest["metrics"])
    assert (tmp_path / "models" / second / "model.txt").read_text().startswith("tree")
    assert store.rollback() == first and store.active() == first
    with pytest.raises(NotFound, match="no previous active version"):
        store.rollback()
    loaded = open_model(tmp_path / "models")
    rows = parse(valid_lines)[:20]
    expected = trained.model.assess_all(rows)
    assert loaded.version == first and loaded.model.assess_all(rows) == expected
    assert open_model(tmp_path / "models" / second).version == second


def test_the_model_scorer_scores_a_live_declaration(trained: TrainedModel) -> None:
    item = RiskItem(
        line="0810.60.00", origin="TH", value=Decimal(1200), currency="CNY",
        net_mass_kg=Decimal(40),
    )  # fmt: skip
    subject = RiskSubject(
        declaration_id="D-1", office="CNPXG", on=CLOCK.today(), importer="Guangxi Fruit Co.",
        items=(item, RiskItem(line="4408.90", origin="VN", value=Decimal(10), currency="CNY")),
    )  # fmt: skip
    scorer = ModelScorer(trained.model, {"CNY": 190.0}, version="v0001")
    score = scorer.score(subject)
    assert 0.0 <= score.value <= 1.0
    assert score.reasons[0].startswith("model v0001: fraud probability")
    assert scorer.score(subject) == score
