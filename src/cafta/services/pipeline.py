"""The clearance pipeline: one bus handler per step, each set off by the step before.

::

    DeclarationLodged ─┐
    DeclarationAmended ┴► verify the claims ──ClaimsVerified──► price every item
        ──DutyAssessed──► risk and lane ──LaneAssigned──► release (green and blue)
        ──GoodsReleased

- **verify** (:meth:`Pipeline.verify_claims`): each Form E the declaration cites is checked
  with the certificates module (:mod:`.preference`); the verdict travels to the next step in a
  :class:`ClaimsVerified` message, which is not stored.
- **price** (:meth:`Pipeline.price`): every item through the tariff engine; a claim that stands
  gets the ACFTA rate, one that falls pays MFN with the reason recorded, minor discrepancies
  keep the preference and are noted. The aggregate records ``PreferenceChecked`` (when a claim
  was made) and ``DutyAssessed``.
- **lane** (:meth:`Pipeline.select_lane`): the risk engine, behind a :class:`LaneSelector`,
  gives the lane and its reasons; yellow and red hold the goods for an officer.
- **release** (:meth:`Pipeline.release`): green and blue goods are released by the system.

Every step dates what it records with the instant of the event that set the pipeline off (the
lodging or the amendment), so a declaration is priced with the rates of the day it was lodged
and its history reads as one moment. The steps run before the command's transaction is
written (:mod:`.bus`), so a failing step stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cafta.clearance.assessment import DeclarationAssessment, item_assessment
from cafta.clearance.declaration import Declaration, LaneChoice
from cafta.clearance.events import DeclarationAmended, DeclarationLodged, DutyAssessed, LaneAssigned
from cafta.core.errors import InvalidInput, NotFound
from cafta.refdata.exchange_rates import RateProvider
from cafta.services.bus import Context, MessageBus
from cafta.services.preference import ClaimVerdicts, PreferenceChecker
from cafta.tariff.duty import REQUEST_FIELDS, DutyRequest, assess
from cafta.tariff.measure import Proof
from cafta.tariff.schedule import Schedule

__all__ = ["ClaimsVerified", "LaneSelector", "Pipeline"]


_FORM_E = frozenset({Proof.FORM_E})
_NO_PROOF: frozenset[Proof] = frozenset()


class LaneSelector(Protocol):
    def select(self, declaration: Declaration) -> LaneChoice: ...


@dataclass(frozen=True, slots=True)
class ClaimsVerified:
    """The preference step's verdicts, for the pricing step (not stored: the aggregate
    records the check with the assessment)."""

    declaration_id: str
    at: datetime
    verdicts: ClaimVerdicts


@dataclass
class Pipeline:
    """The steps, over the engines they use."""

    schedule: Callable[[], Schedule]
    rates: RateProvider
    preference: PreferenceChecker
    lanes: LaneSelector

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(DeclarationLodged, self.verify_claims)
        bus.subscribe(DeclarationAmended, self.verify_claims)
        bus.subscribe(ClaimsVerified, self.price)
        bus.subscribe(DutyAssessed, self.select_lane)
        bus.subscribe(LaneAssigned, self.release)

    def verify_claims(
        self, event: DeclarationLodged | DeclarationAmended, context: Context
    ) -> None:
        declaration = context.get(event.declaration_id, Declaration)
        verdicts = self.preference.check(declaration.goods, event.at.date(), declaration.id)
        context.publish(ClaimsVerified(declaration.id, event.at, verdicts))

    def price(self, event: ClaimsVerified, context: Context) -> None:
        declaration = context.get(event.declaration_id, Declaration)
        goods, verdicts, on = declaration.goods, event.verdicts, event.at.date()
        schedule = self.schedule()
        if not schedule.covers(goods.destination):
            served = ", ".join(schedule.parties)
            raise InvalidInput(
                f"office: {goods.office} is a customs office of {goods.destination}; this node "
                f"clears imports into {served} only",
                code="declaration.office_not_served",
                hint=f"Give the UN/LOCODE of a customs office in {served}, e.g. CNYYG (Youyiguan)."
                if "CN" in schedule.parties
                else f"Give the UN/LOCODE of a customs office in {served}.",
                details={"field": "office"},
            )
        items = []
        for item in goods.items:
            proofs = _FORM_E if item.number in verdicts.granted else _NO_PROOF
            request = DutyRequest(
                line=item.line, origin=item.origin, destination=goods.destination,
                value=item.value, on=on, incoterm=item.incoterm, freight=item.freight,
                insurance=item.insurance, quantity=item.quantity, proofs=proofs,
            )  # fmt: skip
            try:
                assessed = assess(request, schedule, self.rates)
            except InvalidInput as error:
                raise _about_item(error, item.number) from None
            except NotFound as error:  # no rate for the line: the item's, not a lookup's
                if error.code not in REQUEST_FIELDS:
                    raise
                raise _about_item(error, item.number) from None
            items.append(item_assessment(item.number, assessed, verdicts.preference[item.number]))
        currency = items[0].customs_value.currency
        declaration.record_assessment(DeclarationAssessment(currency, tuple(items)),
                                      verdicts.check, event.at, verdicts.held)  # fmt: skip

    def select_lane(self, event: DutyAssessed, context: Context) -> None:
        declaration = context.get(event.declaration_id, Declaration)
        declaration.assign_lane(self.lanes.select(declaration), event.at)

    @staticmethod
    def release(event: LaneAssigned, context: Context) -> None:
        declaration = context.get(event.declaration_id, Declaration)
        if declaration.releasable:
            declaration.release(event.at, "system")


def _about_item(error: InvalidInput | NotFound, number: int) -> InvalidInput:
    """A pricing error as the declaration's field it is about (``items[0].freight``), with its
    code, hint and details: the tariff engine names the fields of its own request, which an
    item's are. A line the loaded schedules have no rate for is the item's fault here, a 400
    naming it, not a lookup that found nothing (a 404 on the tariff and duty routes)."""
    field = error.details.get("field") or REQUEST_FIELDS.get(error.code)
    path = f"items[{number - 1}]" + (f".{field}" if field else "")
    details = {**error.details, "field": path}
    return InvalidInput(f"{path}: {error.message}", code=error.code, hint=error.hint,
                        details=details)  # fmt: skip
