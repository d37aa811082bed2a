"""A LightGBM ensemble as the domain's :class:`~cafta.risk.model.TreeModel`.

LightGBM's exact contributions (``pred_contrib``, TreeSHAP) cost about 7 ms for one row of a
700-tree model, seven times the live budget. This adapter instead asks LightGBM only for the leaf
each tree sends the row to (``pred_leaf``, about 0.1 ms) and looks up, per leaf, a precomputed
vector of *path contributions*: along the path from the root to the leaf, each split adds the
change in the node's expected value to the feature it splits on (Saabas' method, used by the
``treeinterpreter`` package; Lundberg et al., arXiv:1802.03888, compare it with TreeSHAP). The
leaf's value is the root's expected value plus its path contributions, so the margin is exactly
the sum of the leaf values, and the reasons add up to it.

Prediction always runs with ``num_threads=1``: one declaration is too small to share out, and
the machine's other core serves the API. A single row goes through LightGBM's C API for one-row
prediction (``LGBM_BoosterPredictForMatSingleRowFast``, set up once per model), which skips the
per-call set-up of ``Booster.predict`` (about 60 us of the 140 us a call costs); should that
entry point be missing from a LightGBM build, ``Booster.predict`` is used instead.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from lightgbm import basic
from numpy.typing import NDArray

__all__ = ["LightGbmTrees"]

_CHUNK = 32
"""Rows whose leaf contributions are gathered at once (32 x 1,000 trees x 61 features: 16 MB)."""


def _paths(node: Mapping[str, Any], features: int) -> list[tuple[int, float, NDArray[np.float64]]]:
    """``(leaf index, leaf value, path contributions)`` of every leaf under ``node``."""
    out: list[tuple[int, float, NDArray[np.float64]]] = []
    stack: list[tuple[Mapping[str, Any], NDArray[np.float64]]] = [
        (node, np.zeros(features, dtype=np.float64))
    ]
    while stack:
        current, path = stack.pop()
        if "leaf_index" in current or "split_feature" not in current:
            out.append((int(current.get("leaf_index", 0)), float(current["leaf_value"]), path))
            continue
        here = float(current["internal_value"])
        feature = int(current["split_feature"])
        for side in ("left_child", "right_child"):
            child = current[side]
            value = float(
                child["internal_value"] if "split_feature" in child else child["leaf_value"]
            )
            step = path.copy()
            step[feature] += value - here
            stack.append((child, step))
    return out


def _root_value(node: Mapping[str, Any]) -> float:
    return float(node["internal_value"] if "split_feature" in node else node["leaf_value"])


_RAW_SCORE = 1
_LEAF_INDEX = 2
_FLOAT64 = 1


class _OneRow:
    """LightGBM's fast one-row predictor for one output type; calls are serialised by a lock."""

    def __init__(self, booster: lgb.Booster, kind: int, features: int, width: int) -> None:
        self._lib: Any = getattr(basic, "_LIB")  # noqa: B009 - private, hence the fallback
        self._config = ctypes.c_void_p()
        self._features = features
        self._out = np.empty(width, dtype=np.float64)
        self._length = ctypes.c_int64(0)
        self._lock = threading.Lock()
        handle = booster._handle
        basic._safe_call(
            self._lib.LGBM_BoosterPredictForMatSingleRowFastInit(
                handle,
                ctypes.c_int(kind),
                ctypes.c_int(0),
                ctypes.c_int(-1),
                ctypes.c_int(_FLOAT64),
                ctypes.c_int32(features),
                basic._c_str("num_threads=1"),
                ctypes.byref(self._config),
            )
        )

    def __call__(self, row: NDArray[np.float64]) -> NDArray[np.float64]:
        data = np.ascontiguousarray(row, dtype=np.float64).reshape(self._features)
        with self._lock:
            basic._safe_call(
                self._lib.LGBM_BoosterPredictForMatSingleRowFast(
                    self._config,
                    data.ctypes.data_as(ctypes.c_void_p),
                    ctypes.byref(self._length),
                    self._out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                )
            )
            return self._out[: self._length.value].copy()

    def __del__(self) -> None:
        if getattr(self, "_config", None) is not None and self._config.value:
            self._lib.LGBM_FastConfigFree(self._config)


def _one_row(booster: lgb.Booster, kind: int, features: int, width: int) -> _OneRow | None:
    try:
        return _OneRow(booster, kind, features, width)
    except (AttributeError, lgb.basic.LightGBMError):
        return None


class LightGbmTrees:
    """Margins and per-feature contributions of a LightGBM binary model (see the module)."""

    def __init__(self, booster: lgb.Booster) -> None:
        self.booster = booster
        dump = booster.dump_model()
        features = int(dump["max_feature_idx"]) + 1
        trees = dump["tree_info"]
        offsets = []
        values: list[float] = []
        contributions: list[NDArray[np.float64]] = []
        self.bias = 0.0
        for tree in trees:
            structure = tree["tree_structure"]
            self.bias += _root_value(structure)
            leaves = sorted(_paths(structure, features), key=lambda leaf: leaf[0])
            offsets.append(len(values))
            for _, value, path in leaves:
                values.append(value)
                contributions.append(path)
        self.features = features
        self.trees = len(trees)
        self._offsets = np.array(offsets, dtype=np.intp)
        self._values = np.array(values, dtype=np.float64)
        self._table = (
            np.vstack(contributions) if contributions else np.zeros((0, features), np.float64)
        )
        self._leaf_one = _one_row(booster, _LEAF_INDEX, features, max(self.trees, 1))
        self._raw_one = _one_row(booster, _RAW_SCORE, features, 1)

    @classmethod
    def load(cls, path: Path) -> LightGbmTrees:
        return cls(lgb.Booster(model_file=str(path)))

    def save(self, path: Path) -> None:
        self.booster.save_model(str(path))

    def _leaves(self, x: NDArray[np.float64]) -> NDArray[np.intp]:
        if len(x) == 1 and self._leaf_one is not None:
            return self._leaf_one(x[0]).astype(np.intp).reshape(1, self.trees) + self._offsets
        leaves = self.booster.predict(x, pred_leaf=True, num_threads=1)
        indices = np.asarray(leaves, dtype=np.intp).reshape(len(x), self.trees)
        return indices + self._offsets

    def margins(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        if len(x) == 1 and self._raw_one is not None:
            return self._raw_one(x[0])
        raw = self.booster.predict(x, raw_score=True, num_threads=1)
        return np.asarray(raw, dtype=np.float64).reshape(len(x))

    def explain(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        rows = self._leaves(x)
        margins = self._values[rows].sum(axis=1)
        contributions = np.empty((len(x), self.features), dtype=np.float64)
        for start in range(0, len(x), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            contributions[start : start + len(chunk)] = self._table[chunk].sum(axis=1)
        return margins, contributions
