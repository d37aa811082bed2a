"""The declaration aggregate: what was declared, what was decided, and why.

A :class:`Declaration` owns its state changes (:mod:`.lifecycle` says which are allowed) and
records an :mod:`event <.events>` for each. Decisions carry their reasons: the preference check
(each certificate finding), the lane (each rule, threshold or random draw), the officer's note.
``version`` counts stored changes for optimistic concurrency: the store refuses an update made
from a version that is no longer current.

The stored form (:meth:`Declaration.to_document`) keeps the document as filed and the
decisions; :meth:`Declaration.from_document` rebuilds the aggregate by reading the filed
document again, so the stored form never needs its own schema for the goods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from cafta.clearance.assessment import DeclarationAssessment
from cafta.clearance.events import (
    DeclarationAmended,
    DeclarationCancelled,
    DeclarationLodged,
    DeclarationRejected,
    DocumentsRequested,
    DutyAssessed,
    Event,
    GoodsReleased,
    InspectionOrdered,
    InspectionRecorded,
    LaneAssigned,
    PreferenceChecked,
)
from cafta.clearance.goods import Goods, parse_goods
from cafta.clearance.lifecycle import Lane, Status, check_transition
from cafta.core.errors import Conflict, InvalidInput
from cafta.core.frozen import direct_init
from cafta.core.money import Money

__all__ = ["Declaration", "InspectionOutcome", "LaneChoice", "PreferenceCheck"]

_NOT_DETAIL = frozenset({"event", "declaration_id", "at", "actor"})
"""An event's members that a history entry has as its own, not in its ``detail``."""

_DETAIL_KEYS: dict[type[Event], tuple[str, ...]] = {}
"""Each event class's ``detail`` members, sorted: see :meth:`Declaration._record`."""


def _detail_keys(kind: type[Event], payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The members of ``payload`` (an event of ``kind``) that go into its ``detail``, in sorted
    order, worked out once per class (every payload of a class has the same members). Two
    threads filling the same entry at once store the same names."""
    keys = _DETAIL_KEYS.get(kind)
    if keys is None:
        keys = _DETAIL_KEYS[kind] = tuple(sorted(k for k in payload if k not in _NOT_DETAIL))
    return keys


_LANE_STATUS = {
    Lane.GREEN: Status.ASSESSED,
    Lane.BLUE: Status.ASSESSED,
    Lane.YELLOW: Status.HELD_FOR_DOCUMENTS,
    Lane.RED: Status.HELD_FOR_INSPECTION,
}
"""Where a lane leaves a declaration: yellow holds it for documents, red for inspection."""

_RANK = {Lane.GREEN: 0, Lane.BLUE: 0, Lane.YELLOW: 1, Lane.RED: 2}
"""How strict a lane is: an amended declaration's lane is raised to its floor by this order."""


@direct_init
@dataclass(frozen=True, slots=True)
class PreferenceCheck:
    """The verdict on the declaration's ACFTA claim (see :mod:`cafta.certificates`)."""

    outcome: str
    """``accepted``, ``accepted_with_discrepancies``, ``rejected``, ``waived`` or ``missing``."""
    reference: str | None
    findings: tuple[Mapping[str, Any], ...] = ()
    """Each ``{"code", "severity", "message", "item", "declaration_item"}``."""

    def to_document(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "reference": self.reference,
                "findings": [dict(f) for f in self.findings]}  # fmt: skip

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> PreferenceCheck:
        return cls(doc["outcome"], doc.get("reference"), tuple(doc.get("findings", ())))


@direct_init
@dataclass(frozen=True, slots=True)
class LaneChoice:
    lane: Lane
    score: str
    """The risk score as decimal text (0 to 1)."""
    selected_by: str
    reasons: tuple[str, ...]

    def to_document(self) -> dict[str, Any]:
        return {"lane": self.lane.value, "score": self.score, "selected_by": self.selected_by,
                "reasons": list(self.reasons)}  # fmt: skip

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> LaneChoice:
        return cls(Lane(doc["lane"]), doc["score"], doc["selected_by"], tuple(doc["reasons"]))


@dataclass(frozen=True, slots=True)
class InspectionOutcome:
    found: bool
    what: str | None = None
    revenue_recovered: Money | None = None

    def to_document(self) -> dict[str, Any]:
        money = self.revenue_recovered
        return {"found": self.found, "what": self.what,
                "revenue_recovered": None if money is None
                else {"amount": f"{money.amount:f}", "currency": money.currency}}  # fmt: skip

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> InspectionOutcome:
        money = doc.get("revenue_recovered")
        recovered = Money(Decimal(money["amount"]), money["currency"]) if money else None
        return cls(doc["found"], doc.get("what"), recovered)


@dataclass
class Declaration:
    id: str
    goods: Goods
    lodged_at: datetime
    lodged_by: str
    status: Status = Status.LODGED
    version: int = 0
    """0 until first stored; the store sets 1, then +1 on every change."""
    updated_at: datetime | None = None
    assessment: DeclarationAssessment | None = None
    preference: PreferenceCheck | None = None
    lane: LaneChoice | None = None
    post_clearance_audit: bool = False
    inspection: InspectionOutcome | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    held_certificates: frozenset[str] | None = field(default=None, repr=False)
    """The Form E references the assessment made in this command granted the preference on
    (the declaration holds them from now on); ``None`` when it was not assessed in this command.
    Not part of the stored form: the claims register keeps it."""
    _events: list[Event] = field(default_factory=list, repr=False)

    # --- creation ---------------------------------------------------------------------------

    @classmethod
    def lodge(cls, declaration_id: str, goods: Goods, at: datetime, by: str) -> Declaration:
        declaration = cls(declaration_id, goods, at, by, updated_at=at)
        declaration._record(DeclarationLodged(declaration_id, at, by, goods.office,
                                              goods.importer.name, len(goods.items)))  # fmt: skip
        return declaration

    # --- the pipeline's decisions -----------------------------------------------------------

    def record_assessment(
        self,
        assessment: DeclarationAssessment,
        preference: PreferenceCheck | None,
        at: datetime,
        held: frozenset[str] = frozenset(),
    ) -> None:
        """Record the duty assessed and the verdict on the claims; ``held``: the certificates
        the preference was granted on (:attr:`held_certificates`)."""
        check_transition(self.status, Status.ASSESSED, "assess")
        self.assessment = assessment
        self.preference = preference
        self.held_certificates = held
        self.status = Status.ASSESSED
        if preference is not None:
            count = len(preference.findings)
            self._record(PreferenceChecked(self.id, at, "system", preference.outcome,
                                           preference.reference, count))  # fmt: skip
        self._record(DutyAssessed(self.id, at, "system", assessment.currency,
                                  f"{assessment.duty.amount:f}", f"{assessment.vat.amount:f}",
                                  f"{assessment.total.amount:f}"))  # fmt: skip

    def assign_lane(self, choice: LaneChoice, at: datetime) -> None:
        """Record the lane: yellow holds for documents, red for inspection; green and blue
        leave the declaration assessed and :attr:`releasable` (the pipeline's next step
        releases it).

        An amended declaration goes back to an officer: its lane is at least yellow (a check
        of the amendment's documents), red while a physical inspection ordered before is not
        recorded yet (:meth:`review_lane`). Amending cannot then buy a new draw of the lanes,
        nor turn a finding into a release no officer made."""
        floor = self.review_lane()
        if floor is not None:
            # The first reason says so whether the amendment raised the lane or the risk engine
            # chose one at least as strict: either way an officer, not the system, decides.
            why = (
                "an inspection ordered before the amendment is still to be recorded"
                if floor is Lane.RED
                else "an officer checks the amendment's documents"
            )
            raised = _RANK[choice.lane] < _RANK[floor]
            lane = floor if raised else choice.lane
            choice = LaneChoice(
                lane,
                choice.score,
                "rule" if raised else choice.selected_by,
                (f"{lane.value}: amended after being held; {why}", *choice.reasons),
            )
        target = _LANE_STATUS[choice.lane]
        if self.status is not Status.ASSESSED or self.lane is not None:
            state = self.status.value.replace("_", " ")
            raise Conflict(
                f"cannot assign a lane to a declaration that is {state}"
                + (" and already has one" if self.lane is not None else ""),
                code="declaration.transition",
                hint="A lane is chosen once, after the assessment.",
                details={"status": self.status.value, "action": "assign a lane to"},
            )
        self.lane = choice
        self._record(LaneAssigned(self.id, at, "system", choice.lane.value, choice.score,
                                  choice.selected_by, choice.reasons))  # fmt: skip
        self.post_clearance_audit = choice.lane is Lane.BLUE
        self.status = target

    def review_lane(self) -> Lane | None:
        """The lane an amended declaration is held in at least; ``None`` if never amended.

        Red when a red lane or an officer's order of inspection came before the latest
        amendment and no inspection was recorded after it; yellow otherwise.
        """
        amended = any(entry["event"] == "DeclarationAmended" for entry in self.history)
        if not amended:
            return None
        return Lane.RED if self.inspection_due else Lane.YELLOW

    @property
    def may_be_withdrawn(self) -> bool:
        """Whether the declarant may cancel it now (:meth:`cancel`)."""
        return not self.status.final and not self.inspection_due and not self.finding_recorded

    @property
    def finding_recorded(self) -> bool:
        """Whether any inspection recorded found something. A later outcome (a second
        inspection that found nothing) does not undo it: the finding stays on the record."""
        return any(
            entry["event"] == "InspectionRecorded" and entry["detail"].get("found")
            for entry in self.history
        )

    @property
    def inspection_due(self) -> bool:
        """Whether a physical inspection was asked for (a red lane, an officer's order) and
        no outcome has been recorded since."""
        due = False
        for entry in self.history:
            event = entry["event"]
            if event == "InspectionOrdered" or (
                event == "LaneAssigned" and entry["detail"].get("lane") == Lane.RED.value
            ):
                due = True
            elif event == "InspectionRecorded":
                due = False
        return due

    @property
    def releasable(self) -> bool:
        """Assessed, in the green or blue lane, not released yet: goods the system releases
        without an officer."""
        return (
            self.status is Status.ASSESSED
            and self.lane is not None
            and self.lane.lane in (Lane.GREEN, Lane.BLUE)
        )

    # --- officers and declarants ------------------------------------------------------------

    def release(self, at: datetime, by: str, note: str | None = None) -> None:
        """Release the goods. Not while a physical inspection is due (a red lane, an
        officer's order) and its outcome is not recorded: the outcome is what the release
        rests on, and the label the risk model learns from (an officer records it with the
        release, in one decision)."""
        check_transition(self.status, Status.RELEASED, "release")
        if self.inspection_due:
            raise Conflict(
                "cannot release this declaration: the inspection it is held for has no "
                "recorded outcome",
                code="declaration.inspection_due",
                hint="Record what the inspection found (an outcome: found or not) with the "
                "release, or reject the declaration.",
                details={"status": self.status.value, "action": "release"},
            )
        self.status = Status.RELEASED
        self._record(GoodsReleased(self.id, at, by, self.lane.lane.value if self.lane else None,
                                   note))  # fmt: skip

    def reject(self, at: datetime, by: str, note: str | None = None) -> None:
        check_transition(self.status, Status.REJECTED, "reject")
        self.status = Status.REJECTED
        self._record(DeclarationRejected(self.id, at, by, note))

    def request_documents(self, at: datetime, by: str, note: str | None = None) -> None:
        check_transition(self.status, Status.HELD_FOR_DOCUMENTS, "request documents for")
        self.status = Status.HELD_FOR_DOCUMENTS
        self._record(DocumentsRequested(self.id, at, by, note))

    def order_inspection(self, at: datetime, by: str, note: str | None = None) -> None:
        check_transition(self.status, Status.HELD_FOR_INSPECTION, "order an inspection of")
        self.status = Status.HELD_FOR_INSPECTION
        self._record(InspectionOrdered(self.id, at, by, note))

    def record_inspection(
        self, outcome: InspectionOutcome, at: datetime, by: str, note: str | None = None
    ) -> None:
        if self.status is not Status.HELD_FOR_INSPECTION:
            check_transition(self.status, Status.HELD_FOR_INSPECTION, "record an inspection of")
            self.status = Status.HELD_FOR_INSPECTION
        self.inspection = outcome
        money = outcome.revenue_recovered
        self._record(InspectionRecorded(self.id, at, by, outcome.found, outcome.what,
                                        f"{money.amount:f}" if money else None,
                                        money.currency if money else None, note))  # fmt: skip

    def cancel(self, at: datetime, by: str, note: str | None = None) -> None:
        """The declarant withdraws the declaration before release. Not while an inspection is
        due or after one found something: withdrawn, the goods could be declared again
        without the inspection or with the finding left behind, so an officer closes it."""
        check_transition(self.status, Status.CANCELLED, "cancel")
        found = self.finding_recorded
        if not self.may_be_withdrawn:
            why = "an inspection found something" if found else "it is selected for inspection"
            raise Conflict(
                f"cannot cancel this declaration: {why}",
                code="declaration.cancel_refused",
                hint="Ask the customs office to close it: an officer rejects it, with a note.",
                details={"status": self.status.value, "action": "cancel"},
            )
        self.status = Status.CANCELLED
        self._record(DeclarationCancelled(self.id, at, by, note))

    def amend(self, goods: Goods, at: datetime, by: str) -> None:
        """Replace what was declared while documents are requested; it is assessed again."""
        changed = (
            ("office", f"{self.goods.office} to {goods.office}")
            if goods.office != self.goods.office
            else ("importer.name", f"'{self.goods.importer.name}' to '{goods.importer.name}'")
            if goods.importer.key != self.goods.importer.key
            else None
        )
        if changed is not None:
            field_name, change = changed
            raise InvalidInput(
                f"{field_name}: an amendment may not change the customs office or the importer "
                f"(here {change})",
                code="declaration.amend_identity",
                hint="Cancel this declaration and lodge a new one.",
                details={"field": field_name},
            )
        check_transition(self.status, Status.LODGED, "amend")  # only while documents are asked
        self.goods = goods
        self.status = Status.LODGED
        self.assessment = None
        self.preference = None
        self.lane = None
        self._record(DeclarationAmended(self.id, at, by, len(goods.items)))

    # --- events and storage -----------------------------------------------------------------

    def _record(self, event: Event) -> None:
        self._events.append(event)
        self.updated_at = event.at
        payload = event.payload()
        # ``detail`` in sorted order, as the stored document has it (its writer sorts every
        # object's keys) and so as a declaration read back has it: the answer to a lodging,
        # built from this declaration, is then the same bytes as a later GET of it. Sorting
        # here, once per event class, is cheaper than sorting each view or encoding it twice.
        detail = {k: payload[k] for k in _detail_keys(type(event), payload)}
        # The payload has the name and the time as the entry gives them (``at`` in ISO 8601).
        self.history.append({"event": payload["event"], "at": payload["at"],
                             "actor": event.actor, "detail": detail})  # fmt: skip

    @property
    def pending_events(self) -> tuple[Event, ...]:
        """The events recorded and not pulled yet."""
        return tuple(self._events)

    def pull_events(self) -> list[Event]:
        """The events recorded since the last call (for the outbox and the audit log)."""
        events, self._events = self._events, []
        return events

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the declaration is where it is: the preference findings and the lane reasons."""
        lane = self.lane.reasons if self.lane is not None else ()
        return (*self.preference_reasons, *lane)

    @property
    def preference_reasons(self) -> tuple[str, ...]:
        """The Form E findings that cost or qualify the preference, as sentences."""
        found: list[str] = []
        if self.preference is not None:
            for f in self.preference.findings:
                if f.get("severity") in ("minor", "substantive"):
                    found.append(
                        f"Form E {self.preference.reference or ''}: {f['message']}".strip()
                    )
        return tuple(found)

    def to_document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "filed": dict(self.goods.source),
            "lodged_at": self.lodged_at.isoformat(),
            "lodged_by": self.lodged_by,
            "status": self.status.value,
            "assessment": self.assessment.to_document() if self.assessment else None,
            "preference": self.preference.to_document() if self.preference else None,
            "lane": self.lane.to_document() if self.lane else None,
            "post_clearance_audit": self.post_clearance_audit,
            "inspection": self.inspection.to_document() if self.inspection else None,
            "history": list(self.history),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], version: int) -> Declaration:
        return cls(
            id=doc["id"],
            goods=parse_goods(doc["filed"]),
            lodged_at=datetime.fromisoformat(doc["lodged_at"]),
            lodged_by=doc["lodged_by"],
            status=Status(doc["status"]),
            version=version,
            updated_at=datetime.fromisoformat(doc["history"][-1]["at"]) if doc["history"] else None,
            assessment=DeclarationAssessment.from_document(doc["assessment"])
            if doc.get("assessment") else None,
            preference=PreferenceCheck.from_document(doc["preference"])
            if doc.get("preference") else None,
            lane=LaneChoice.from_document(doc["lane"]) if doc.get("lane") else None,
            post_clearance_audit=bool(doc.get("post_clearance_audit")),
            inspection=InspectionOutcome.from_document(doc["inspection"])
            if doc.get("inspection") else None,
            history=list(doc.get("history", ())),
        )  # fmt: skip
