"""The clearance pipeline and the officer's decisions, as command handlers.

:func:`lodge` runs the whole pipeline for a new declaration in one call: validate → check the
preference claims (:mod:`.preference`) → price every item with the tariff engine (a claim that
stands gets the ACFTA rate; one that falls pays MFN, with the reason recorded) → risk and lane
(a :class:`LaneSelector`) → release when the lane is green or blue. The declaration, its events
(outbox), the audit entries and the idempotency key are written in one transaction: an
acknowledged declaration is never lost, and a retry with the same key returns it instead of
lodging a second one.

:func:`decide` applies an officer's action (release, reject, request documents, inspect, with
an optional inspection outcome stored as a label for the risk model) under optimistic locking.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from cafta.clearance.assessment import DeclarationAssessment, item_assessment
from cafta.clearance.declaration import Declaration, InspectionOutcome, LaneChoice
from cafta.clearance.goods import parse_goods, party_key
from cafta.core.clock import Clock
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.core.fields import Fields
from cafta.core.money import Money
from cafta.core.vocabulary import parse_member
from cafta.refdata.exchange_rates import RateProvider
from cafta.services.ports import (
    DeclarationRecord,
    InspectionLabel,
    Principal,
    Role,
    UnitOfWork,
    UnitOfWorkFactory,
)
from cafta.services.preference import PreferenceChecker
from cafta.tariff.duty import DutyRequest, assess
from cafta.tariff.measure import Proof
from cafta.tariff.schedule import Schedule

__all__ = [
    "Action",
    "Clearance",
    "Decide",
    "LaneSelector",
    "Lodge",
    "Lodged",
    "new_declaration_id",
    "parse_action",
    "record_of",
]


class LaneSelector(Protocol):
    def select(self, declaration: Declaration) -> LaneChoice: ...


def new_declaration_id(at: datetime) -> str:
    """``CD20260601-`` and 10 random base32 characters: sortable by day, not guessable."""
    token = secrets.token_bytes(7).hex().upper()[:10]
    return f"CD{at:%Y%m%d}-{token}"


def record_of(declaration: Declaration) -> DeclarationRecord:
    lane = declaration.lane.lane.value if declaration.lane else None
    return DeclarationRecord(
        id=declaration.id,
        office=declaration.goods.office,
        status=declaration.status.value,
        lane=lane,
        importer=declaration.goods.importer.key,
        declarant=declaration.goods.declarant.key,
        version=declaration.version,
        lodged_at=declaration.lodged_at,
        updated_at=declaration.updated_at or declaration.lodged_at,
        document=declaration.to_document(),
    )


def _request_hash(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Lodge:
    document: Mapping[str, Any]
    principal: Principal
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Lodged:
    declaration: Declaration
    replayed: bool
    """True when an earlier request with the same idempotency key made it."""
    stored: Mapping[str, Any] | None = None
    """The stored form this call wrote (:meth:`Declaration.to_document`), for building the
    answer without encoding the assessment again; ``None`` for a replay."""


class Action(StrEnum):
    RELEASE = "release"
    REJECT = "reject"
    REQUEST_DOCUMENTS = "request_documents"
    INSPECT = "inspect"


@dataclass(frozen=True, slots=True)
class Decide:
    declaration_id: str
    principal: Principal
    action: Action
    note: str | None = None
    outcome: Mapping[str, Any] | None = None
    """For ``inspect``: ``{"found": bool, "what": str, "revenue_recovered": money}``."""
    expected_version: int | None = None


_LODGERS = frozenset({Role.TRADER, Role.BROKER, Role.ADMIN})
_DECIDERS = frozenset({Role.OFFICER})


@dataclass
class Clearance:
    """The clearance services over a unit of work and the engines."""

    uow: UnitOfWorkFactory
    clock: Clock
    schedule: Callable[[], Schedule]
    rates: RateProvider
    preference: PreferenceChecker
    lanes: LaneSelector
    new_id: Callable[[datetime], str] = field(default=new_declaration_id)

    # --- lodging ----------------------------------------------------------------------------

    def lodge(self, command: Lodge) -> Lodged:
        principal = command.principal
        if principal.role not in _LODGERS:
            raise Forbidden(f"a {principal.role.value} cannot lodge declarations",
                            hint="Lodge with a trader or broker token.")  # fmt: skip
        scope = party_key(principal.party)
        digest = _request_hash(command.document)
        if command.idempotency_key:
            replay = self._replay(scope, command.idempotency_key, digest)
            if replay is not None:
                return Lodged(replay, True)
        goods = parse_goods(command.document)
        if principal.role is not Role.ADMIN and scope not in (
            goods.importer.key,
            goods.declarant.key,
        ):
            raise InvalidInput(
                f"you act for '{principal.party}', who is neither the importer nor the declarant",
                code="declaration.not_your_party",
                hint="Lodge as the importer, or name yourself as the declarant.",
                details={"field": "declarant.name"},
            )
        now = self.clock.now()
        declaration = Declaration.lodge(self.new_id(now), goods, now, principal.party)
        self._clear(declaration, now)
        try:
            with self.uow() as uow:
                declaration.version = 1
                record = record_of(declaration)
                uow.declarations.add(record)
                self._publish(uow, declaration, principal.party, "declaration.lodge")
                if command.idempotency_key:
                    uow.idempotency.remember(scope, command.idempotency_key, digest,
                                             declaration.id)  # fmt: skip
                uow.commit()
        except Conflict as error:
            # Two requests with the same key raced: the first committed, this one rolled back.
            if error.code != "idempotency.exists" or not command.idempotency_key:
                raise
            replay = self._replay(scope, command.idempotency_key, digest)
            if replay is None:  # pragma: no cover - the key was just found taken
                raise
            return Lodged(replay, True)
        return Lodged(declaration, False, record.document)

    def _replay(self, scope: str, key: str, digest: str) -> Declaration | None:
        with self.uow(read_only=True) as uow:
            found = uow.idempotency.find(scope, key)
            if found is None:
                return None
            first_hash, declaration_id = found
            if first_hash != digest:
                raise Conflict(
                    "this Idempotency-Key was already used for a different declaration",
                    code="idempotency.key_reused",
                    hint="Use a new key for a new declaration; retry only with the same body.",
                )
            record = uow.declarations.get(declaration_id)
        if record is None:  # pragma: no cover - the key and the declaration commit together
            raise NotFound(f"declaration {declaration_id} is missing", code="declaration.missing")
        return Declaration.from_document(record.document, record.version)

    def _clear(self, declaration: Declaration, now: datetime) -> None:
        goods = declaration.goods
        on = now.date()
        verdicts = self.preference.check(goods, on)
        schedule = self.schedule()
        items = []
        for item in goods.items:
            proofs = frozenset({Proof.FORM_E}) if item.number in verdicts.granted else frozenset()
            request = DutyRequest(
                line=item.line, origin=item.origin, destination=goods.destination,
                value=item.value, on=on, incoterm=item.incoterm, freight=item.freight,
                insurance=item.insurance, quantity=item.quantity, proofs=proofs,
            )  # fmt: skip
            items.append(item_assessment(item.number, assess(request, schedule, self.rates),
                                         verdicts.preference[item.number]))  # fmt: skip
        currency = items[0].customs_value.currency
        declaration.record_assessment(DeclarationAssessment(currency, tuple(items)),
                                      verdicts.check, now)  # fmt: skip
        declaration.assign_lane(self.lanes.select(declaration), now)

    @staticmethod
    def _publish(uow: UnitOfWork, declaration: Declaration, actor: str, action: str) -> None:
        """The change's events to the outbox, and one audit entry for the whole change."""
        events = declaration.pull_events()
        if not events:
            return
        payloads = [event.payload() for event in events]
        uow.outbox.add_many([(e.name, declaration.id, p, e.at)
                             for e, p in zip(events, payloads, strict=True)])  # fmt: skip
        uow.audit.append(events[-1].at, actor, action, declaration.id,
                         {"version": declaration.version, "events": payloads})  # fmt: skip

    # --- reading ----------------------------------------------------------------------------

    def get(self, declaration_id: str, principal: Principal) -> Declaration:
        with self.uow(read_only=True) as uow:
            record = uow.declarations.get(declaration_id)
        if record is None or not _may_read(principal, record):
            raise NotFound(
                f"no declaration {declaration_id}",
                code="declaration.not_found",
                hint="Check the id; you see only your own party's declarations.",
            )
        return Declaration.from_document(record.document, record.version)

    # --- officers ---------------------------------------------------------------------------

    def decide(self, command: Decide) -> Declaration:
        principal = command.principal
        if principal.role not in _DECIDERS:
            raise Forbidden("only customs officers decide on declarations")
        outcome = _outcome(command.outcome) if command.outcome is not None else None
        now = self.clock.now()
        with self.uow() as uow:
            record = uow.declarations.get(command.declaration_id)
            if record is None:
                raise NotFound(f"no declaration {command.declaration_id}",
                               code="declaration.not_found")  # fmt: skip
            if command.expected_version is not None and command.expected_version != record.version:
                raise Conflict(
                    f"declaration {record.id} changed: you read version "
                    f"{command.expected_version}, it is now at version {record.version}",
                    code="declaration.version",
                    hint="Reload the declaration and decide again.",
                )
            declaration = Declaration.from_document(record.document, record.version)
            self._apply(declaration, command, outcome, now)
            if outcome is not None:
                uow.labels.add(_label(declaration, outcome, principal, now))
            declaration.version = record.version + 1
            uow.declarations.update(record_of(declaration), expected_version=record.version)
            self._publish(uow, declaration, principal.party,
                          f"declaration.{command.action.value}")  # fmt: skip
            uow.commit()
        return declaration

    @staticmethod
    def _apply(declaration: Declaration, command: Decide, outcome: InspectionOutcome | None,
               now: datetime) -> None:  # fmt: skip
        who, note = command.principal.party, command.note
        if command.action is Action.RELEASE:
            declaration.release(now, who, note)
        elif command.action is Action.REJECT:
            declaration.reject(now, who, note)
        elif command.action is Action.REQUEST_DOCUMENTS:
            declaration.request_documents(now, who, note)
        elif outcome is None:
            declaration.order_inspection(now, who, note)
        else:
            declaration.record_inspection(outcome, now, who)


def _may_read(principal: Principal, record: DeclarationRecord) -> bool:
    if principal.role in (Role.OFFICER, Role.ADMIN):
        return True
    return party_key(principal.party) in (record.importer, record.declarant)


def _outcome(document: Mapping[str, Any]) -> InspectionOutcome:
    fields = Fields(document, "outcome", prefix="decision")
    found = fields.raw("found")
    if not isinstance(found, bool):
        raise fields.error("found", "expected true or false", "invalid_field")
    money = fields.optional_money("revenue_recovered")
    if money is not None and money.is_negative:
        raise fields.error("revenue_recovered", "must not be negative", "negative_value")
    return InspectionOutcome(found, fields.optional_text("what"), money)


def _label(declaration: Declaration, outcome: InspectionOutcome, principal: Principal,
           now: datetime) -> InspectionLabel:  # fmt: skip
    money: Money | None = outcome.revenue_recovered
    lane = declaration.lane
    return InspectionLabel(
        declaration_id=declaration.id,
        office=declaration.goods.office,
        recorded_at=now,
        officer=principal.party,
        found=outcome.found,
        what=outcome.what,
        revenue_recovered=f"{money.amount:f}" if money else None,
        currency=money.currency if money else None,
        features={
            "lane": lane.lane.value if lane else None,
            "score": lane.score if lane else None,
            "selected_by": lane.selected_by if lane else None,
            "items": [{"line": i.line, "origin": i.origin, "value": f"{i.value.amount:f}",
                       "currency": i.value.currency,
                       "net_mass_kg": f"{i.net_mass_kg:f}" if i.net_mass_kg is not None else None}
                      for i in declaration.goods.items],
            "importer": declaration.goods.importer.key,
            "declarant": declaration.goods.declarant.key,
            "preference": declaration.preference.outcome if declaration.preference else None,
        },
    )  # fmt: skip


def parse_action(text: str) -> Action:
    return parse_member(Action, text, what="action", code="decision.action",
                        aliases={"request-documents": "request_documents"})  # fmt: skip
