"""The clearance pipeline's lane step: a declaration seen through the risk engine.

:class:`RiskLanes` builds the risk engine's read-only view (:class:`cafta.risk.subject.RiskSubject`)
from an assessed declaration — each item's customs value in the importing currency (what unit
values are compared with), its net mass, and what became of its preference claim — and turns
the engine's decision into the declaration's :class:`~cafta.clearance.declaration.LaneChoice`,
reasons included. Given the office's register of trusted traders
(:class:`cafta.risk.traders.TrustedTraders`), a declaration whose importer is on it on the day
it was lodged is ``trusted_trader``: the rule scorer discounts its score, the blue lane may take
it while its quota lasts, and its reasons say which register entry made it trusted.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cafta.clearance.declaration import Declaration, LaneChoice
from cafta.clearance.lifecycle import Lane
from cafta.risk.decision import SelectedBy
from cafta.risk.engine import RiskEngine
from cafta.risk.lanes import LaneAllocator
from cafta.risk.quotas import QuotaTable
from cafta.risk.rules import Lane as RiskLane
from cafta.risk.ruleset import RuleSet, default_rules
from cafta.risk.scoring import RuleScorer, Scorer
from cafta.risk.subject import CertificateOutcome, RiskItem, RiskSubject
from cafta.risk.traders import TrustedTrader, TrustedTraders
from cafta.services.ports import DeclarationRecord

__all__ = ["RiskLanes", "default_risk_engine", "subject_of", "trusted_entry"]


def _certificate_outcome(
    preference: str, claimed: bool, outcome: str | None
) -> CertificateOutcome | None:
    # Members, not their words: the risk view keeps a member as it is, without parsing it.
    if not claimed:
        return None
    if preference == "granted":
        return CertificateOutcome.ACCEPTED
    if preference == "granted with discrepancies":
        return CertificateOutcome.ACCEPTED_WITH_DISCREPANCIES
    if outcome == "waived":
        return CertificateOutcome.WAIVED
    if "has been received" in preference or outcome == "missing":
        return CertificateOutcome.MISSING
    return CertificateOutcome.REJECTED


def trusted_entry(declaration: Declaration, traders: TrustedTraders | None) -> TrustedTrader | None:
    """The register entry that makes the declaration's importer a trusted trader on the day it
    was lodged, or ``None``."""
    if traders is None:
        return None
    return traders.is_trusted(declaration.goods.importer.name, declaration.lodged_at.date())


def subject_of(declaration: Declaration, traders: TrustedTraders | None = None) -> RiskSubject:
    """The risk engine's view of ``declaration``; ``trusted_trader`` when ``traders`` lists its
    importer on the day it was lodged."""
    return _subject(declaration, trusted_entry(declaration, traders) is not None)


_LANES: dict[RiskLane, Lane] = {}


def _lane(lane: RiskLane) -> Lane:
    """The clearance lane of the same name (looked up by value once per lane, not per call)."""
    found = _LANES.get(lane)
    if found is None:
        found = _LANES[lane] = Lane(lane.value)
    return found


def _subject(declaration: Declaration, trusted: bool) -> RiskSubject:
    goods = declaration.goods
    assessed = {i.item: i for i in declaration.assessment.items} if declaration.assessment else {}
    outcome = declaration.preference.outcome if declaration.preference else None
    items = []
    for item in goods.items:
        assessment = assessed.get(item.number)
        value = assessment.customs_value if assessment is not None else item.value
        claimed = item.preference is not None
        items.append(RiskItem(
            line=item.line, origin=item.origin, value=value.amount, currency=value.currency,
            net_mass_kg=item.net_mass_kg, preference_claimed=claimed,
            certificate_outcome=_certificate_outcome(
                assessment.preference if assessment else "", claimed, outcome),
            description=item.description,
        ))  # fmt: skip
    transport = goods.transport
    return RiskSubject(
        declaration_id=declaration.id,
        office=goods.office,
        on=declaration.lodged_at.date(),
        importer=goods.importer.name,
        declarant=goods.declarant.name,
        exporter=goods.exporter.name,
        origin_countries=tuple(sorted({i.origin for i in goods.items})),
        transport_mode=transport.mode.value if transport else None,
        vehicle_plate=transport.vehicle_plate if transport else None,
        container=transport.container if transport else None,
        items=tuple(items),
        trusted_trader=trusted,
    )


@dataclass
class RiskLanes:
    engine: RiskEngine
    traders: TrustedTraders | None = None
    """The trusted-trader register (AEO); ``None``: no importer is trusted."""

    def select(self, declaration: Declaration) -> LaneChoice:
        entry = trusted_entry(declaration, self.traders)
        decision = self.engine.assess(_subject(declaration, entry is not None))
        reasons = decision.reasons
        if entry is not None:
            # Next to the lane's own reason: what made the importer trusted, and on whose word.
            reasons = (*reasons[:1], f"importer {entry.describe()}", *reasons[1:])
        return LaneChoice(
            lane=_lane(decision.lane),
            score=f"{decision.score:.4f}",
            selected_by=decision.selected_by.value,
            reasons=reasons,
        )

    def recall(self, records: Iterable[DeclarationRecord]) -> int:
        """Feed the risk engine the lanes of declarations stored before it started, oldest
        first (a restart must neither forget the day's quota use nor rank without history);
        the number recalled. Declarations without a lane yet are skipped."""
        count = 0
        for record in records:
            lane = record.document.get("lane")
            if not isinstance(lane, dict):
                continue
            on = datetime.fromisoformat(str(record.document["lodged_at"])).date()
            self.engine.recall(
                record.office,
                on,
                RiskLane(lane["lane"]),
                SelectedBy(lane["selected_by"]),
                float(lane["score"]),
            )
            count += 1
        return count


def default_risk_engine(
    seed: int | None = None,
    rules: RuleSet | None = None,
    quotas: QuotaTable | None = None,
    scorer: Scorer | None = None,
) -> RiskEngine:
    """The explainable rules shipped (illustrative entries), a scorer (the rule scorer unless
    a learned model is given) and the default quotas (red 3%, yellow 10%, random 10% of red)."""
    allocator = LaneAllocator(quotas or QuotaTable(), random.Random(seed))
    return RiskEngine(rules or default_rules(), scorer or RuleScorer(), allocator)
