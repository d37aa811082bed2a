"""Features of a declaration for the fraud models, the same code for training and live scoring.

One :class:`FeatureBuilder`, fitted on a labelled history, turns a
:class:`~cafta.risk.dataset.Declaration` into a row of floats (``nan`` for missing), in pure
Python so that one declaration costs microseconds in the live path (:meth:`FeatureBuilder.row`);
:meth:`FeatureBuilder.matrix` stacks rows for batch scoring and
:meth:`FeatureBuilder.training_matrix` builds the training rows **out of fold**.

The features follow the selectivity criteria of the WTO Trade Facilitation Agreement, Art. 7.4.3
(HS code, origin, country of departure, value, compliance record of traders, means of transport)
and the DATE paper's feature set (Kim et al., KDD 2020, §3.1; risk-anchors.md §1 and §4):

* **risk profiles** (:mod:`.profiles`): per importer, declarant, seller, courier, HS6 line,
  HS4 heading, origin, office and five pairs, the smoothed fraud rate, the smoothed critical
  rate and the number of inspected declarations, computed out of fold for training rows and
  strictly from the history for rows being scored;
* **goods**: HS chapter (categorical), heading and line (as numbers, so neighbouring codes can
  be grouped), value per kg against the line's reference (the median over the history, falling
  back to heading, chapter, all), declared value, net mass, duty at stake (value x tax rate);
* **declaration**: office, process, import and payment types, intended use, mode of transport,
  tax type, origin indicator, country of origin and of departure (categorical codes, in order of
  frequency in the history; unseen values are missing), whether departure differs from origin;
* **date parts**: day of week and day of month (not the month: the history covers one year, so
  a month effect could not be told from a trend).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cafta.core.errors import InvalidInput
from cafta.risk.dataset import Declaration
from cafta.risk.profiles import ENTITIES, Profiles

__all__ = ["CATEGORICAL", "FEATURES", "FeatureBuilder"]

NAN = math.nan
SMOOTHING = 5.0
"""Pseudo-declarations at the overall rate added to every profile (``m`` in :mod:`.profiles`)."""

CATEGORICAL: tuple[str, ...] = (
    "office",
    "process_type",
    "import_type",
    "import_use",
    "payment_type",
    "transport_mode",
    "tax_type",
    "origin_indicator",
    "origin",
    "departure",
    "hs2",
)
"""Declaration fields encoded as categories (LightGBM splits them by subsets)."""

_NUMERIC: tuple[str, ...] = (
    "hs4_code",
    "hs6_code",
    "tax_rate",
    "log_value",
    "log_mass",
    "log_value_per_kg",
    "value_per_kg_vs_reference",
    "log_duty_at_stake",
    "departure_differs",
    "weekday",
    "day_of_month",
)

_PROFILE: tuple[str, ...] = tuple(
    f"{kind}_{what}" for kind in ENTITIES for what in ("fraud_rate", "critical_rate", "count")
)

FEATURES: tuple[str, ...] = CATEGORICAL + _NUMERIC + _PROFILE
"""Every feature, in column order."""


def _category(d: Declaration, name: str) -> str:
    return d.hs6[:2] if name == "hs2" else str(getattr(d, name))


def _log_ratio(value: float, mass: float) -> float:
    if not (value > 0 and mass > 0):
        return NAN
    return math.log(value / mass)


def _log1p(value: float) -> float:
    return math.log1p(value) if value >= 0 else NAN


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True, slots=True)
class FeatureBuilder:
    """Turns declarations into feature rows; fitted on a labelled history by :meth:`fit`.

    ``vocabularies`` map each categorical field's values to codes; ``references`` map HS
    prefixes (6, 4, 2 digits, and ``""`` for all) to the median log value per kg;
    ``profiles`` are the tallies of the inspected history.
    """

    vocabularies: Mapping[str, Mapping[str, int]]
    references: Mapping[str, float]
    profiles: Profiles
    smoothing: float = SMOOTHING

    @classmethod
    def fit(cls, history: Sequence[Declaration], smoothing: float = SMOOTHING) -> FeatureBuilder:
        """Vocabularies and references from every row of ``history``, profiles from its labels."""
        vocabularies: dict[str, dict[str, int]] = {}
        for name in CATEGORICAL:
            counts = Counter(_category(d, name) for d in history)
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            vocabularies[name] = {value: code for code, (value, _) in enumerate(ranked)}
        by_prefix: defaultdict[str, list[float]] = defaultdict(list)
        for d in history:
            unit = _log_ratio(d.item_price, d.net_mass)
            if math.isnan(unit):
                continue
            for prefix in (d.hs6, d.hs6[:4], d.hs6[:2], ""):
                by_prefix[prefix].append(unit)
        references = {prefix: _median(values) for prefix, values in by_prefix.items()}
        return cls(vocabularies, references, Profiles.fit(history), smoothing)

    def reference(self, hs6: str) -> float:
        """The reference log value per kg of an HS6 line (or its heading, chapter, all rows)."""
        for prefix in (hs6, hs6[:4], hs6[:2], ""):
            found = self.references.get(prefix)
            if found is not None:
                return found
        return NAN

    def row(self, d: Declaration, minus: Profiles | None = None) -> list[float]:
        """The features of ``d`` in :data:`FEATURES` order.

        ``minus`` removes part of the history from the profiles: the training rows' own fold
        (:meth:`training_matrix`). Live scoring leaves it ``None``.
        """
        out: list[float] = []
        for name in CATEGORICAL:
            code = self.vocabularies[name].get(_category(d, name))
            out.append(NAN if code is None else float(code))
        hs6 = int(d.hs6) if d.hs6.isdigit() else -1
        unit = _log_ratio(d.item_price, d.net_mass)
        duty = d.item_price * d.tax_rate / 100
        out += (
            float(hs6 // 100) if hs6 >= 0 else NAN,
            float(hs6) if hs6 >= 0 else NAN,
            d.tax_rate,
            _log1p(d.item_price),
            _log1p(d.net_mass),
            unit,
            unit - self.reference(d.hs6),
            _log1p(duty) if not math.isnan(duty) else NAN,
            NAN if not (d.departure and d.origin) else float(d.departure != d.origin),
            float(d.day.weekday()),
            float(d.day.day),
        )
        fraud_prior, critical_prior, share = self.profiles.priors(minus)
        m = self.smoothing
        for kind, key_of in ENTITIES.items():
            key = key_of(d)
            if not key:
                out += (NAN, NAN, NAN)
                continue
            count, frauds, criticals = self.profiles.tally(kind, key, minus)
            out += (
                (frauds + m * fraud_prior) / (count + m),
                (criticals + m * critical_prior) / (count + m),
                math.log1p(count / share),
            )
        return out

    def matrix(self, rows: Sequence[Declaration]) -> NDArray[np.float64]:
        """Feature rows for declarations being scored (profiles from the whole history)."""
        return np.array([self.row(d) for d in rows], dtype=np.float64).reshape(
            len(rows), len(FEATURES)
        )

    def training_matrix(
        self, rows: Sequence[Declaration], folds: int, rng: random.Random
    ) -> NDArray[np.float64]:
        """Feature rows for the history itself, each from the profiles of the other folds.

        ``rows`` must be the history this builder was fitted on (same rows, same order). Rows
        are dealt into ``folds`` folds at random (``rng``); a row's profiles are the tallies of
        the history minus its own fold, so no row's profile includes its own label.
        """
        if folds < 2:
            raise InvalidInput("folds must be at least 2", code="risk.invalid_features")
        if sum(1 for d in rows if d.fraud is not None) != self.profiles.rows:
            raise InvalidInput(
                "training rows are not the history the features were fitted on",
                code="risk.invalid_features",
            )
        order = list(range(len(rows)))
        rng.shuffle(order)
        fold_of = [0] * len(rows)
        for position, i in enumerate(order):
            fold_of[i] = position % folds
        members: list[list[Declaration]] = [[] for _ in range(folds)]
        for i, d in enumerate(rows):
            members[fold_of[i]].append(d)
        held = [Profiles.fit(fold) for fold in members]
        out = [self.row(d, minus=held[fold_of[i]]) for i, d in enumerate(rows)]
        return np.array(out, dtype=np.float64).reshape(len(rows), len(FEATURES))

    def to_document(self) -> dict[str, object]:
        return {
            "smoothing": self.smoothing,
            "vocabularies": {name: dict(v) for name, v in self.vocabularies.items()},
            "references": dict(sorted(self.references.items())),
            "profiles": self.profiles.to_document(),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> FeatureBuilder:
        """The builder :meth:`to_document` wrote."""
        try:
            vocabularies = {
                str(name): {str(k): int(v) for k, v in values.items()}
                for name, values in document["vocabularies"].items()
            }
            references = {str(k): float(v) for k, v in document["references"].items()}
            profiles = Profiles.from_document(document["profiles"])
            smoothing = float(document["smoothing"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InvalidInput(
                f"the feature document is damaged ({type(error).__name__}: {error})",
                code="risk.invalid_features",
            ) from None
        missing = [name for name in CATEGORICAL if name not in vocabularies]
        if missing:
            raise InvalidInput(
                f"the feature document has no vocabulary for {missing[0]}",
                code="risk.invalid_features",
            )
        return cls(vocabularies, references, profiles, smoothing)
