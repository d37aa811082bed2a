"""The learning risk model: a fraud probability, a critical-fraud score, a priority and reasons.

:class:`RiskModel` composes what is learnt: the feature builder (:mod:`.features`), two tree
ensembles behind the :class:`TreeModel` port (a fraud model trained on ``Fraud`` and a
critical model trained on ``Critical Fraud`` = 2; the LightGBM adapter is
:mod:`cafta.adapters.ml.booster`), their calibrations and the inspection priority
(:mod:`.calibration`). The domain never imports the boosting library: a :class:`TreeModel` only
answers margins (log-odds) and per-feature contributions.

:meth:`RiskModel.assess` is the live path for one declaration (a pure-Python feature row, one
call per ensemble); :meth:`RiskModel.assess_all` scores a batch with the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from cafta.core.errors import InvalidInput
from cafta.risk.calibration import Platt, Priority, Stakes
from cafta.risk.dataset import Declaration
from cafta.risk.features import FeatureBuilder
from cafta.risk.metrics import RankReport, rank_report
from cafta.risk.reasons import explain

__all__ = ["Assessment", "RiskModel", "TreeModel", "evaluate", "inspection_order"]

_CRITICAL_NOTE = 0.9
"""The priority from which a critical score that sets it is named first among the reasons (the
declaration would be inspected at a 10% inspection rate)."""


class TreeModel(Protocol):
    """A fitted ensemble: margins and additive per-feature contributions for feature rows."""

    def margins(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log-odds for each row of ``x``."""
        ...

    def explain(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Margins and an ``(rows, features)`` array of contributions to them."""
        ...


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the model says about one declaration.

    ``fraud_score`` is the calibrated probability of fraud, ``critical_score`` that of a
    critical case; ``expected_value`` is the fraud score times the stake; ``priority`` (0 to 1)
    orders declarations for inspection (:class:`~cafta.risk.calibration.Priority`).
    """

    declaration_id: str
    fraud_score: float
    critical_score: float
    expected_value: float
    priority: float
    reasons: tuple[str, ...] = ()


def inspection_order(assessments: Sequence[Assessment]) -> NDArray[np.intp]:
    """Indices by priority, then expected value, then input order (highest first)."""
    priority = np.array([a.priority for a in assessments], dtype=np.float64)
    value = np.array([a.expected_value for a in assessments], dtype=np.float64)
    return np.lexsort((np.arange(len(assessments)), -value, -priority))


@dataclass(frozen=True, slots=True)
class RiskModel:
    """The fitted risk model (see the module docstring)."""

    features: FeatureBuilder
    fraud: TreeModel
    critical: TreeModel
    fraud_calibration: Platt
    critical_calibration: Platt
    priority: Priority
    stakes: Stakes = Stakes.COUNT
    top_reasons: int = 3

    def assess(self, declaration: Declaration, *, reasons: bool = True) -> Assessment:
        """The live path: one declaration (one feature row, one call per ensemble)."""
        row = self.features.row(declaration)
        x = np.array([row], dtype=np.float64)
        if reasons:
            margins, contributions = self.fraud.explain(x)
            contribution: list[float] | None = contributions[0].tolist()
        else:
            margins, contribution = self.fraud.margins(x), None
        p = self.fraud_calibration.probability(float(margins[0]))
        c = self.critical_calibration.probability(float(self.critical.margins(x)[0]))
        return self._assessment(declaration, p, c, contribution, row)

    def assess_all(self, rows: Sequence[Declaration], *, reasons: bool = True) -> list[Assessment]:
        """Every declaration of ``rows``, in order; ``reasons=False`` skips the explanations."""
        if not rows:
            return []
        x = self.features.matrix(rows)
        if reasons:
            margins, contributions = self.fraud.explain(x)
        else:
            margins, contributions = self.fraud.margins(x), None
        fraud = self.fraud_calibration.probabilities(margins)
        critical = self.critical_calibration.probabilities(self.critical.margins(x))
        return [
            self._assessment(
                d,
                float(fraud[i]),
                float(critical[i]),
                None if contributions is None else contributions[i].tolist(),
                x[i].tolist(),
            )
            for i, d in enumerate(rows)
        ]

    def _assessment(
        self,
        d: Declaration,
        p: float,
        c: float,
        contributions: list[float] | None,
        row: list[float],
    ) -> Assessment:
        value = self.stakes.expected_value(p, d.item_price, d.tax_rate)
        priority = self.priority(value, c)
        why: tuple[str, ...] = ()
        if contributions is not None:
            why = explain(d, contributions, self.features, self.top_reasons, row)
            if priority >= _CRITICAL_NOTE and self.priority.critical_first(value, c):
                share = self.priority.critical_reference(c)
                why = (
                    f"critical-fraud score {c:.3f} is in the top {max(0.1, 100 * share):.1f}% "
                    "(possible threat to public safety)",
                    *why,
                )
        return Assessment(d.declaration_id, p, c, value, priority, why)


def evaluate(model: RiskModel, rows: Sequence[Declaration], by: str = "priority") -> RankReport:
    """Metrics of the top n% of labelled ``rows`` by the model's inspection order.

    ``by="priority"`` ranks as the lanes do (:func:`inspection_order`); ``by="fraud"`` ranks by
    the fraud score alone. The AUC is always that of the fraud score against ``Fraud``.
    """
    if any(d.fraud is None for d in rows):
        raise InvalidInput(
            "evaluation needs the Fraud and Critical Fraud columns", code="risk.invalid_dataset"
        )
    assessed = model.assess_all(rows, reasons=False)
    scores = np.array([a.fraud_score for a in assessed], dtype=np.float64)
    order = np.argsort(-scores, kind="stable") if by == "fraud" else inspection_order(assessed)
    ranking = np.empty(len(rows), dtype=np.float64)
    ranking[order] = -np.arange(len(rows), dtype=np.float64)
    return rank_report(
        ranking,
        np.array([d.is_fraud for d in rows], dtype=np.int_),
        np.array([d.is_critical for d in rows], dtype=np.bool_),
        auc_of=scores,
    )
