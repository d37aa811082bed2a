"""A duty assessment laid out for the tariff page: the regimes side by side, and what a Form E
saves.

The engine's document (:func:`cafta.tariff.report.assessment_document`, the API's answer) gives
the applied regime's figures and the alternatives; the page shows them as one column per
regime, most-favoured-nation first, and the saving a Form E brings whether or not the trader
said they have one (the engine's own ``saving`` counts only the proofs presented).
"""

from __future__ import annotations

from dataclasses import dataclass

from cafta.core.money import Money
from cafta.tariff.duty import Assessment, RegimeCost
from cafta.tariff.measure import MeasureType, Proof
from cafta.tariff.report import amount

__all__ = ["RegimeColumn", "form_e_saving", "regime_columns"]

_ORDER = {kind: index for index, kind in enumerate(MeasureType)}


@dataclass(frozen=True, slots=True)
class RegimeColumn:
    regime: str
    rate: str
    requires: str | None
    eligible: bool
    applied: bool
    duty: str
    consumption_tax: str
    vat: str
    total: str
    status: str


def _column(cost: RegimeCost, applied: bool) -> RegimeColumn:
    return RegimeColumn(
        regime=cost.regime.value,
        rate=str(cost.measure.duty),
        requires=cost.requires.value if cost.requires else None,
        eligible=cost.eligible,
        applied=applied,
        duty=amount(cost.duty),
        consumption_tax=amount(cost.consumption),
        vat=amount(cost.vat),
        total=amount(cost.total),
        status=cost.measure.status.value,
    )


def regime_columns(result: Assessment) -> list[RegimeColumn]:
    """Every regime the engine costed, the applied one marked, in the order of the measure
    types (MFN, provisional, general, ACFTA, RCEP, LDC)."""
    costs = sorted((result.applied, *result.alternatives), key=lambda cost: _ORDER[cost.regime])
    return [_column(cost, cost is result.applied) for cost in costs]


def form_e_saving(result: Assessment) -> Money | None:
    """What a Form E saves against the cheapest regime open without proof (``None`` when no
    rate needs a Form E for this line and origin)."""
    costs = (result.applied, *result.alternatives)
    if not any(cost.requires is Proof.FORM_E for cost in costs):
        return None
    without = [cost.total for cost in costs if cost.requires is None]
    with_form_e = [cost.total for cost in costs if cost.requires in (None, Proof.FORM_E)]
    if not without:
        return None
    saving: Money = min(without) - min(with_form_e)
    return saving
