"""Fitting the risk model with LightGBM: out-of-fold features, two models, calibration.

The recipe is that of risk-anchors.md §4 ("LightGBM + out-of-fold risk profiles", the bar to
beat), with a separate critical-fraud model (§4, item 4):

1. the feature builder is fitted on the training rows; their own feature rows are built out of
   fold (5 folds), so no risk profile contains its row's label;
2. the fraud model (``Fraud``) and the critical model (``Critical Fraud`` = 2) are boosted on
   those rows, with early stopping on the tuning rows;
3. both are Platt-calibrated on the tuning rows, and the priority's reference distributions are
   the tuning rows' scores.

The tuning rows are the ``--valid`` file when one is given (the benchmark's protocol: train on
train, tune on valid). Without one, the latest 15% of the training rows by date are held out as
the tuning rows, and the features and models are fitted on the rest. LightGBM runs with
``deterministic=True``, a seed and one thread, so a seed gives the same model bit for bit.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from cafta.adapters.ml.booster import LightGbmTrees
from cafta.core.errors import InvalidInput
from cafta.risk.calibration import Platt, Priority, Stakes, TopFraction
from cafta.risk.dataset import Declaration
from cafta.risk.features import CATEGORICAL, FEATURES, FeatureBuilder
from cafta.risk.metrics import brier, expected_calibration_error
from cafta.risk.model import RiskModel, evaluate

__all__ = ["TrainedModel", "TrainingSettings", "booster_params", "split_for_tuning", "train"]

_CODE = "risk.invalid_training"


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    """Hyper-parameters. The defaults were chosen on the valid split (see ``docs/risk.md``)."""

    seed: int = 7
    folds: int = 5
    learning_rate: float = 0.1
    num_leaves: int = 31
    min_data_in_leaf: int = 20
    max_rounds: int = 1000
    early_stopping: int = 50
    critical_learning_rate: float = 0.05
    critical_leaves: int = 15
    critical_min_data: int = 40
    critical_rounds: int = 500
    critical_share: float = 0.15
    stakes: Stakes = Stakes.COUNT
    tuning_share: float = 0.15
    extra: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        document = asdict(self)
        document["stakes"] = str(self.stakes)
        return document


def booster_params(settings: TrainingSettings, *, critical: bool = False) -> dict[str, Any]:
    """LightGBM parameters for the fraud model (or the critical model)."""
    params: dict[str, Any] = {
        "objective": "binary",
        "learning_rate": settings.critical_learning_rate if critical else settings.learning_rate,
        "num_leaves": settings.critical_leaves if critical else settings.num_leaves,
        "min_data_in_leaf": settings.critical_min_data if critical else settings.min_data_in_leaf,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "seed": settings.seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
    }
    params.update(settings.extra)
    return params


@dataclass(frozen=True, slots=True)
class TrainedModel:
    """A fitted model, its boosters, what it was fitted on and how it scored on tuning rows."""

    model: RiskModel
    fraud: LightGbmTrees
    critical: LightGbmTrees
    settings: TrainingSettings
    rows: dict[str, int]
    metrics: dict[str, Any]


def split_for_tuning(
    rows: Sequence[Declaration], share: float
) -> tuple[list[Declaration], list[Declaration]]:
    """The earliest ``1 - share`` of ``rows`` by date, and the rest (whole days each side)."""
    ordered = sorted(rows, key=lambda d: d.day)
    cut = int(len(ordered) * (1 - share))
    while 0 < cut < len(ordered) and ordered[cut].day == ordered[cut - 1].day:
        cut += 1
    return ordered[:cut], ordered[cut:]


def _labels(rows: Sequence[Declaration], critical: bool) -> NDArray[np.int_]:
    if critical:
        return np.array([d.is_critical for d in rows], dtype=np.int_)
    return np.array([d.is_fraud for d in rows], dtype=np.int_)


def _boost(
    x: NDArray[np.float64],
    y: NDArray[np.int_],
    x_tune: NDArray[np.float64],
    y_tune: NDArray[np.int_],
    *,
    params: dict[str, Any],
    rounds: int,
    patience: int,
) -> lgb.Booster:
    categorical = [FEATURES.index(name) for name in CATEGORICAL]
    data = lgb.Dataset(x, y, feature_name=list(FEATURES), categorical_feature=categorical)
    callbacks: list[Callable[..., Any]] = []
    valid_sets = []
    if patience > 0 and 0 < y_tune.sum() < len(y_tune):
        valid_sets = [lgb.Dataset(x_tune, y_tune, reference=data)]
        callbacks = [lgb.early_stopping(patience, verbose=False)]
    booster = lgb.train(
        params, data, num_boost_round=rounds, valid_sets=valid_sets, callbacks=callbacks
    )
    best = booster.best_iteration or rounds
    # Keep only the trees up to the best round: the saved model is the model scored.
    return lgb.Booster(model_str=booster.model_to_string(num_iteration=best))


def train(
    rows: Sequence[Declaration],
    valid: Sequence[Declaration] | None = None,
    settings: TrainingSettings | None = None,
) -> TrainedModel:
    """Fit the risk model on labelled ``rows``, tuned on ``valid`` (see the module docstring)."""
    settings = settings or TrainingSettings()
    if any(d.fraud is None for d in rows) or (valid and any(d.fraud is None for d in valid)):
        raise InvalidInput("training needs the Fraud and Critical Fraud columns", code=_CODE)
    fit_rows, tune_rows = (
        (list(rows), list(valid)) if valid else split_for_tuning(rows, settings.tuning_share)
    )
    y = _labels(fit_rows, critical=False)
    if len(fit_rows) < 50 or not 0 < y.sum() < len(y) or not tune_rows:
        raise InvalidInput(
            "training needs at least 50 labelled rows with both outcomes, and tuning rows",
            code=_CODE,
        )
    builder = FeatureBuilder.fit(fit_rows)
    x = builder.training_matrix(fit_rows, settings.folds, random.Random(settings.seed))
    x_tune = builder.matrix(tune_rows)
    y_tune = _labels(tune_rows, critical=False)
    c, c_tune = _labels(fit_rows, critical=True), _labels(tune_rows, critical=True)
    patience = settings.early_stopping
    fraud = LightGbmTrees(
        _boost(x, y, x_tune, y_tune, params=booster_params(settings),
               rounds=settings.max_rounds, patience=patience)
    )  # fmt: skip
    critical = LightGbmTrees(
        _boost(x, c, x_tune, c_tune, params=booster_params(settings, critical=True),
               rounds=settings.critical_rounds, patience=patience)
    )  # fmt: skip
    fraud_margins, critical_margins = fraud.margins(x_tune), critical.margins(x_tune)
    fraud_calibration = Platt.fit(fraud_margins, y_tune)
    critical_calibration = Platt.fit(critical_margins, c_tune)
    p = fraud_calibration.probabilities(fraud_margins)
    pc = critical_calibration.probabilities(critical_margins)
    values = [
        settings.stakes.expected_value(float(p[i]), d.item_price, d.tax_rate)
        for i, d in enumerate(tune_rows)
    ]
    priority = Priority(TopFraction.of(values), TopFraction.of(pc), settings.critical_share)
    model = RiskModel(
        builder, fraud, critical, fraud_calibration, critical_calibration, priority, settings.stakes
    )
    report = evaluate(model, tune_rows)
    metrics: dict[str, Any] = {
        **report.to_dict(),
        "fraud_trees": fraud.trees,
        "critical_trees": critical.trees,
        "brier": brier(p, y_tune),
        "calibration_error": expected_calibration_error(p, y_tune),
        "tuned_on": "valid" if valid else "latest share of train",
    }
    counts = {"train": len(fit_rows), "tune": len(tune_rows)}
    return TrainedModel(model, fraud, critical, settings, counts, metrics)
