"""The replay's learner: LightGBM refitted on whatever labels inspections have revealed.

It implements :class:`cafta.risk.replay.Learner` with the training recipe of :mod:`.training`,
cut down for a weekly refit: out-of-fold risk profiles from the labelled rows only (unlabelled
rows still feed vocabularies and reference values), a fixed number of rounds (there is no
separate tuning set inside a replay), no calibration (the replay ranks, it does not need
probabilities). The priority is the fraud probability.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from cafta.adapters.ml.training import TrainingSettings, booster_params
from cafta.risk.dataset import Declaration
from cafta.risk.features import CATEGORICAL, FEATURES, FeatureBuilder

__all__ = ["BoosterRanker", "LightGbmLearner"]


@dataclass(frozen=True, slots=True)
class BoosterRanker:
    """Ranks by a booster's fraud probability (a constant when nothing could be learnt)."""

    features: FeatureBuilder
    booster: lgb.Booster | None

    def priorities(self, rows: Sequence[Declaration]) -> NDArray[np.float64]:
        if self.booster is None or not rows:
            return np.zeros(len(rows), dtype=np.float64)
        x = self.features.matrix(rows)
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class LightGbmLearner:
    """Fits a :class:`BoosterRanker` on a partly labelled history (``rounds`` trees)."""

    settings: TrainingSettings = field(default_factory=TrainingSettings)
    rounds: int = 150

    def fit(self, history: Sequence[Declaration]) -> BoosterRanker:
        features = FeatureBuilder.fit(history)
        labelled = [d for d in history if d.fraud is not None]
        y = np.array([d.is_fraud for d in labelled], dtype=np.int_)
        if len(labelled) < 2 * self.settings.folds or not 0 < y.sum() < len(y):
            return BoosterRanker(features, None)
        x = features.training_matrix(
            labelled, self.settings.folds, random.Random(self.settings.seed)
        )
        categorical = [FEATURES.index(name) for name in CATEGORICAL]
        data = lgb.Dataset(x, y, feature_name=list(FEATURES), categorical_feature=categorical)
        booster = lgb.train(booster_params(self.settings), data, num_boost_round=self.rounds)
        return BoosterRanker(features, booster)
