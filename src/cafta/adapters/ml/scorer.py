"""The learnt model behind the clearance pipeline's :class:`~cafta.risk.scoring.Scorer` port.

:class:`ModelScorer` maps a live :class:`~cafta.risk.subject.RiskSubject` to the model's input,
one :class:`~cafta.risk.dataset.Declaration` per item, scores each item, and returns the riskiest
item's inspection priority (0 to 1) with its reasons. The online
:class:`~cafta.risk.lanes.LaneAllocator` ranks that priority against the office's recent ones.

How a CAFTA declaration's fields become the model's (trained on the Korean data set):

=========================  =====================================================================
model feature              from the live declaration
=========================  =====================================================================
importer, declarant        ``importer``, ``declarant`` (party keys: profiles match only if the
                           model's history used the same keys)
seller                     ``exporter``
HS line, heading, chapter  the item's ``line`` (first six digits)
country of origin          the item's ``origin``
declared value             the item's ``value`` converted to the model's currency (KRW) with
                           ``krw_per_unit``; missing when the currency has no rate there
net mass                   the item's ``net_mass_kg`` (missing when not declared)
office                     ``office`` (a UN/LOCODE: unknown to a model trained on Korean office
                           codes, so its category and profile are missing)
date parts                 ``on``
=========================  =====================================================================

**Not in a CAFTA declaration** (treated as missing values, which LightGBM routes down the side
learnt for missing data): the Korean process, import, payment and tax-type codes, the intended
use code, the origin indicator, the mode-of-transport code (CAFTA gives it as words), the courier,
the country of departure and the tax rate (so the duty at stake too). Rule hits are not used as
features: the engine already turns them into lanes and reasons.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from cafta.adapters.ml.store import open_model
from cafta.risk.dataset import Declaration
from cafta.risk.model import Assessment, RiskModel
from cafta.risk.rules import RuleHit
from cafta.risk.scoring import Score
from cafta.risk.subject import RiskItem, RiskSubject

__all__ = ["ModelScorer", "declarations_of"]


def _declaration(
    subject: RiskSubject, item: RiskItem, krw_per_unit: Mapping[str, float]
) -> Declaration:
    rate = krw_per_unit.get(item.currency)
    value = float(item.value) * rate if rate is not None else math.nan
    mass = float(item.net_mass_kg) if item.net_mass_kg is not None else math.nan
    return Declaration(
        declaration_id=subject.declaration_id,
        day=subject.on,
        office=subject.office,
        process_type="",
        import_type="",
        import_use="",
        payment_type="",
        transport_mode="",
        declarant=subject.declarant or "",
        importer=subject.importer,
        seller=subject.exporter or "",
        courier="",
        hs6=item.line[:6].ljust(6, "0"),
        departure="",
        origin=item.origin,
        tax_rate=math.nan,
        tax_type="",
        origin_indicator="",
        net_mass=mass,
        item_price=value,
    )


def declarations_of(
    subject: RiskSubject, krw_per_unit: Mapping[str, float] | None = None
) -> list[Declaration]:
    """The model's view of each item of ``subject`` (see the module docstring)."""
    rates = krw_per_unit or {}
    return [_declaration(subject, item, rates) for item in subject.items]


class ModelScorer:
    """A :class:`~cafta.risk.scoring.Scorer` over a fitted :class:`RiskModel`.

    ``krw_per_unit`` maps currency codes to KRW per unit (the model's values are in KRW), e.g.
    ``{"CNY": 190.0}``; without a rate, the value features are missing.
    """

    def __init__(
        self, model: RiskModel, krw_per_unit: Mapping[str, float] | None = None, version: str = ""
    ) -> None:
        self.model = model
        self.version = version
        self._rates = dict(krw_per_unit or {})

    @classmethod
    def from_store(cls, path: Path, krw_per_unit: Mapping[str, float] | None = None) -> ModelScorer:
        """The active version of the store at ``path`` (or the version directory ``path``)."""
        loaded = open_model(path)
        return cls(loaded.model, krw_per_unit, loaded.version)

    def assess(self, subject: RiskSubject) -> Assessment:
        """The riskiest item's assessment."""
        assessed = [self.model.assess(d) for d in declarations_of(subject, self._rates)]
        return max(assessed, key=lambda a: (a.priority, a.expected_value))

    def score(self, subject: RiskSubject, hits: Sequence[RuleHit] = ()) -> Score:
        best = self.assess(subject)
        label = f"model {self.version}" if self.version else "model"
        summary = (
            f"{label}: fraud probability {best.fraud_score:.2f}, critical-fraud score "
            f"{best.critical_score:.3f}, priority {best.priority:.3f}"
        )
        return Score(min(1.0, max(0.0, best.priority)), (summary, *best.reasons))
