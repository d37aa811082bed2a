"""The clearance services: commands, their handlers on the message bus, and the reads.

Four commands, each handled on a :class:`~cafta.services.bus.MessageBus`:

- :class:`Lodge`: validate the document, create the declaration and let the pipeline's steps
  (:mod:`.pipeline`: preference → price → risk and lane → release) run on its
  ``DeclarationLodged``; then write the declaration, its events (outbox), one audit entry and
  the idempotency key in one transaction. An acknowledged declaration is never lost, and a retry
  with the same key returns it instead of lodging a second one.
- :class:`Decide`: an officer's action (release, reject, request documents, inspect, with an
  optional inspection outcome stored as a label for the risk model).
- :class:`Amend`: the declarant files corrected goods while documents are requested; the
  pipeline runs again on ``DeclarationAmended``.
- :class:`Cancel`: the declarant withdraws a declaration before release.

Changes to a stored declaration are read, decided outside any write transaction, and written
under optimistic locking: of two changes made from the same version, the second gets a
``Conflict`` (``declaration.version``). The write transaction holds only the inserts and the
update, so it keeps SQLite's single writer busy for as short a time as possible.

:class:`Clearance` is the entry points' face of all this (``lodge``, ``decide``, ``amend``,
``cancel``, ``get``); its :attr:`~Clearance.bus` takes more subscribers, e.g. an observer of
``GoodsReleased``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cafta.clearance.declaration import Declaration, InspectionOutcome
from cafta.clearance.events import Event
from cafta.clearance.goods import Goods, parse_goods, party_key
from cafta.clearance.lifecycle import Status
from cafta.core.clock import Clock
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.core.fields import Fields
from cafta.core.money import Money
from cafta.core.names import checked_name, checked_note, is_visible
from cafta.core.vocabulary import parse_member
from cafta.refdata.currencies import is_currency
from cafta.refdata.exchange_rates import RateProvider
from cafta.services.bus import Context, MessageBus
from cafta.services.pipeline import LaneSelector, Pipeline
from cafta.services.ports import (
    AuthorityLookup,
    DeclarationRecord,
    InspectionLabel,
    KeyLookup,
    Principal,
    Role,
    UnitOfWork,
    UnitOfWorkFactory,
)
from cafta.services.preference import PreferenceChecker
from cafta.services.representations import no_authority
from cafta.services.writes import OneByOne, Writer
from cafta.tariff.schedule import Schedule

__all__ = [
    "Action",
    "Amend",
    "Cancel",
    "Clearance",
    "Decide",
    "LaneSelector",
    "Lodge",
    "Lodged",
    "new_declaration_id",
    "parse_action",
    "record_of",
]


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


@dataclass(frozen=True, slots=True)
class Amend:
    """Corrected goods for a declaration held for documents: assessed again from the start."""

    declaration_id: str
    document: Mapping[str, Any]
    principal: Principal
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class Cancel:
    declaration_id: str
    principal: Principal
    note: str | None = None
    expected_version: int | None = None


_RETRIES = 3
"""How often a change that names no version is made again after losing a race."""
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
    writer: Writer | None = None
    """How changes are committed (:mod:`.writes`); ``None``: a transaction per change."""
    keys: KeyLookup | None = None
    """The idempotency look-up made before each lodging's pipeline; ``None``: through a
    read-only unit of work."""
    authority: AuthorityLookup | None = None
    """Whether a broker holds an importer's authority (:mod:`.representations`), asked before
    a broker's lodging, amendment or withdrawal for another; ``None``: through a read-only unit
    of work."""
    bus: MessageBus = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.writer is None:
            self.writer = OneByOne(self.uow)
        self.bus = MessageBus()
        self.bus.register(Lodge, self._lodge)
        self.bus.register(Decide, self._decide)
        self.bus.register(Amend, self._amend)
        self.bus.register(Cancel, self._cancel)
        Pipeline(self.schedule, self.rates, self.preference, self.lanes).subscribe(self.bus)

    def lodge(self, command: Lodge) -> Lodged:
        result: Lodged = self.bus.handle(command)
        return result

    def decide(self, command: Decide) -> Declaration:
        return self._change(command)

    def amend(self, command: Amend) -> Declaration:
        return self._change(command)

    def cancel(self, command: Cancel) -> Declaration:
        return self._change(command)

    def _change(self, command: Decide | Amend | Cancel) -> Declaration:
        """Run a change; one that names no version applies to the current one, so a change
        that lost the race to another is made again on what the other left (where it may no
        longer be allowed: ``declaration.transition``), at most :data:`_RETRIES` times."""
        for attempt in range(_RETRIES + 1):
            try:
                result: Declaration = self.bus.handle(command)
            except Conflict as error:
                again = command.expected_version is None and attempt < _RETRIES
                if not again or error.code != "declaration.version":
                    raise
                continue
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    # --- lodging ----------------------------------------------------------------------------

    def _lodge(self, command: Lodge, context: Context) -> Lodged:
        principal = command.principal
        if principal.role not in _LODGERS:
            raise Forbidden(f"{_who(principal.role)} cannot lodge declarations",
                            hint="Lodge with a trader or broker token.")  # fmt: skip
        scope = party_key(principal.party)
        # Only a request with a key is ever compared with another.
        digest = _request_hash(command.document) if command.idempotency_key else ""
        if command.idempotency_key:
            replay = self._replay(scope, command.idempotency_key, digest)
            if replay is not None:
                return Lodged(replay, True)
        goods = parse_goods(command.document)
        now = self.clock.now()
        self._check_acts_for(principal, goods, now.date())
        declaration = context.track(
            Declaration.lodge(self.new_id(now), goods, now, principal.party)
        )
        events = context.collect(declaration)  # the pipeline runs here
        declaration.version = 1
        record = record_of(declaration)
        key = command.idempotency_key

        held = declaration.held_certificates

        def store(uow: UnitOfWork) -> None:
            uow.declarations.add(record)
            if key:  # before the certificates: a same-key race is a replay, not a refusal
                uow.idempotency.remember(scope, key, digest, declaration.id)
            if held:
                uow.certificate_claims.hold(declaration.id, held, now)
            _publish(uow, declaration, events, principal.party, "declaration.lodge")

        try:
            self._write(store)
        except Conflict as error:
            # Two requests with the same key raced: the first committed, this one rolled back.
            if error.code != "idempotency.exists" or not command.idempotency_key:
                raise
            replay = self._replay(scope, command.idempotency_key, digest)
            if replay is None:  # pragma: no cover - the key was just found taken
                raise
            return Lodged(replay, True)
        return Lodged(declaration, False, record.document)

    def _find_key(self, scope: str, key: str) -> tuple[str, str] | None:
        if self.keys is not None:
            return self.keys.find(scope, key)
        with self.uow(read_only=True) as uow:
            return uow.idempotency.find(scope, key)

    def _replay(self, scope: str, key: str, digest: str) -> Declaration | None:
        found = self._find_key(scope, key)
        if found is None:
            return None
        first_hash, declaration_id = found
        if first_hash != digest:
            raise Conflict(
                "this Idempotency-Key was already used for a different declaration",
                code="idempotency.key_reused",
                hint="Use a new key for a new declaration; retry only with the same body.",
            )
        # The key and its declaration are committed together: found the one, the other is there.
        with self.uow(read_only=True) as uow:
            record = uow.declarations.get(declaration_id)
        if record is None:  # pragma: no cover - the key and the declaration commit together
            raise NotFound(f"declaration {declaration_id} is missing", code="declaration.missing")
        return Declaration.from_document(record.document, record.version)

    # --- reading ----------------------------------------------------------------------------

    def get(self, declaration_id: str, principal: Principal) -> Declaration:
        with self.uow(read_only=True) as uow:
            record = uow.declarations.get(declaration_id)
        if record is None or not _may_read(principal, record):
            raise _not_found(declaration_id)
        return Declaration.from_document(record.document, record.version)

    # --- changes to a stored declaration ----------------------------------------------------

    def _load(self, context: Context, declaration_id: str, principal: Principal,
              expected_version: int | None) -> Declaration:  # fmt: skip
        """The stored declaration, tracked by ``context``; 404 when ``principal`` may not
        read it, 409 when it is no longer at ``expected_version``."""
        with self.uow(read_only=True) as uow:
            record = uow.declarations.get(declaration_id)
        if record is None or not _may_read(principal, record):
            raise _not_found(declaration_id)
        if expected_version is not None and expected_version != record.version:
            raise _changed(record.id, expected_version, record.version)
        return context.track(Declaration.from_document(record.document, record.version))

    def _save(self, context: Context, declaration: Declaration, principal: Principal,
              action: str, label: InspectionLabel | None = None) -> Declaration:  # fmt: skip
        """Write the change: the update (refused if someone else's change came first), its
        events, the audit entry and the label, in one transaction."""
        events = context.collect(declaration)
        read = declaration.version
        declaration.version = read + 1
        record = record_of(declaration)
        held = _held_after(declaration)
        at = self.clock.now()

        def store(uow: UnitOfWork) -> None:
            if label is not None:
                uow.labels.add(label)
            uow.declarations.update(record, expected_version=read)
            if held is not None:
                uow.certificate_claims.hold(declaration.id, held, at)
            _publish(uow, declaration, events, principal.party, action)

        self._write(store)
        return declaration

    def _write(self, work: Callable[[UnitOfWork], None]) -> None:
        assert self.writer is not None  # set in __post_init__
        self.writer.write(work)

    def _check_acts_for(self, principal: Principal, goods: Goods, on: date) -> None:
        """Refuse a lodging or amendment by someone who is not the importer, nor a broker
        declaring for it with its authority in force on ``on``."""
        if principal.role is Role.ADMIN:
            return
        party = party_key(principal.party)
        if party not in (goods.importer.key, goods.declarant.key):
            raise InvalidInput(
                f"you act for '{principal.party}', who is neither the importer nor the declarant",
                code="declaration.not_your_party",
                hint="Lodge as the importer, or name yourself as the declarant.",
                details={"field": "declarant.name"},
            )
        if principal.role is Role.TRADER and party != goods.importer.key:
            # Declaring for another is a broker's trade: a trader naming itself the declarant
            # of another importer's goods could use up that importer's Form E.
            raise InvalidInput(
                f"you act for '{principal.party}', a trader, who is not the importer",
                code="declaration.not_your_party",
                hint="A trader lodges its own imports; a customs broker lodges for others.",
                details={"field": "declarant.name"},
            )
        self._check_authority(principal, goods, on)

    def _check_authority(self, principal: Principal, goods: Goods, on: date) -> None:
        """A broker acting for another importer needs that importer's authority, in force on
        ``on`` (:mod:`cafta.clearance.representation`)."""
        if principal.role is not Role.BROKER:
            return
        importer, broker = goods.importer.key, party_key(principal.party)
        if broker == importer:
            return
        if self.authority is not None:
            granted = self.authority.in_force(importer, broker, on)
        else:
            with self.uow(read_only=True) as uow:
                found = uow.representations.list(importer, broker)
            granted = any(r.in_force(on) for r in found)
        if not granted:
            raise no_authority(principal.party, goods.importer.name, on)

    def _decide(self, command: Decide, context: Context) -> Declaration:
        principal = command.principal
        if principal.role not in _DECIDERS:
            raise Forbidden("only customs officers decide on declarations")
        if not is_visible(principal.party):
            raise InvalidInput(
                "a decision needs the name or id of the officer who makes it",
                code="decision.no_officer",
                hint="The officer's name goes in the timeline and the audit log.",
            )
        checked_name(principal.party, "the officer's name", "decision.no_officer")
        outcome = _outcome(command.outcome) if command.outcome is not None else None
        note = checked_note(command.note, "the note", "decision.invalid_note")
        declaration = self._load(context, command.declaration_id, principal,
                                 command.expected_version)  # fmt: skip
        now = self.clock.now()
        _apply(declaration, command, note, outcome, now)
        label = _label(declaration, outcome, principal, now) if outcome is not None else None
        return self._save(context, declaration, principal,
                          f"declaration.{command.action.value}", label)  # fmt: skip

    def _amend(self, command: Amend, context: Context) -> Declaration:
        principal = command.principal
        if principal.role not in _LODGERS:
            raise Forbidden(f"{_who(principal.role)} cannot amend declarations",
                            hint="The importer or its declarant amends.")  # fmt: skip
        goods = parse_goods(command.document)
        declaration = self._load(context, command.declaration_id, principal,
                                 command.expected_version)  # fmt: skip
        # The office and importer first: the more telling refusal when a file names others.
        now = self.clock.now()
        declaration.amend(goods, now, principal.party)
        self._check_acts_for(principal, goods, now.date())
        return self._save(context, declaration, principal, "declaration.amend")

    def _cancel(self, command: Cancel, context: Context) -> Declaration:
        principal = command.principal
        if principal.role not in _LODGERS:
            raise Forbidden(f"{_who(principal.role)} cannot cancel declarations",
                            hint="The declarant cancels; an officer rejects.")  # fmt: skip
        declaration = self._load(context, command.declaration_id, principal,
                                 command.expected_version)  # fmt: skip
        now = self.clock.now()
        goods = declaration.goods
        if principal.role is Role.TRADER and party_key(principal.party) != goods.importer.key:
            # A trader named as the declarant of another's goods (one firm both importing and
            # broking, a token of the wrong role) withdraws only its own imports, as it lodges.
            raise Forbidden(
                f"you act for '{principal.party}', a trader, who is not the importer",
                code="declaration.not_your_party",
                hint="The importer, or a customs broker holding its authority, withdraws it.",
            )
        self._check_authority(principal, goods, now.date())
        note = checked_note(command.note, "the note", "declaration.invalid_note")
        declaration.cancel(now, principal.party, note)
        return self._save(context, declaration, principal, "declaration.cancel")


def _held_after(declaration: Declaration) -> frozenset[str] | None:
    """The certificates ``declaration`` holds after this change, or ``None`` when the change
    leaves them as they were: a declaration cancelled or rejected lets go of them, an amended
    one holds those its new assessment granted the preference on."""
    if declaration.status in (Status.CANCELLED, Status.REJECTED):
        return frozenset() if declaration.preference is not None else None
    return declaration.held_certificates


def _publish(uow: UnitOfWork, declaration: Declaration, events: Sequence[object], actor: str,
             action: str) -> None:  # fmt: skip
    """The change's events to the outbox, and one audit entry for the whole change."""
    done = [e for e in events if isinstance(e, Event)]
    if not done:
        return
    payloads = [event.payload() for event in done]
    uow.outbox.add_many([(e.name, declaration.id, p, e.at)
                         for e, p in zip(done, payloads, strict=True)])  # fmt: skip
    uow.audit.append(done[-1].at, actor, action, declaration.id,
                     {"version": declaration.version, "events": payloads})  # fmt: skip


def _apply(declaration: Declaration, command: Decide, note: str | None,
           outcome: InspectionOutcome | None, now: datetime) -> None:  # fmt: skip
    who = command.principal.party
    if outcome is not None:  # what an inspection found, recorded before what is decided on it
        # The note goes with the inspection when recording it is the whole decision.
        alone = command.action is Action.INSPECT
        declaration.record_inspection(outcome, now, who, note if alone else None)
    if command.action is Action.RELEASE:
        declaration.release(now, who, note)
    elif command.action is Action.REJECT:
        declaration.reject(now, who, note)
    elif command.action is Action.REQUEST_DOCUMENTS:
        declaration.request_documents(now, who, note)
    elif outcome is None:
        declaration.order_inspection(now, who, note)


def _who(role: Role) -> str:
    """``an officer``, ``a gate operator``: the role, for a sentence."""
    name = "gate operator" if role is Role.GATE else role.value
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _not_found(declaration_id: str) -> NotFound:
    return NotFound(
        f"no declaration {declaration_id}",
        code="declaration.not_found",
        hint="Check the id; you see only your own party's declarations.",
    )


def _changed(declaration_id: str, read: int, current: int) -> Conflict:
    if read > current:
        return Conflict(
            f"declaration {declaration_id} is at version {current}; it has no version {read}",
            code="declaration.version",
            hint="Give the version the declaration shows (its ETag over HTTP).",
        )
    return Conflict(
        f"declaration {declaration_id} changed: you read version {read}, "
        f"it is now at version {current}",
        code="declaration.version",
        hint="Reload the declaration and try again.",
    )


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
    if money is not None and not is_currency(money.currency):
        raise fields.error("revenue_recovered.currency",
                           f"'{money.currency}' is not an ISO 4217 currency", "unknown_currency",
                           hint="Give the currency it was collected in, e.g. CNY.")  # fmt: skip
    if money is not None and money.is_negative:
        raise fields.error("revenue_recovered", "must not be negative", "negative_value")
    what = fields.optional_text("what")
    if what is not None and not is_visible(what):
        what = None  # invisible characters only: nothing said
    # The outcome is a label the risk model will learn from: it must not contradict itself.
    if found and not what:
        raise fields.error("what", "say what the inspection found", "missing_finding",
                           hint='Describe the finding, e.g. "undeclared goods".')  # fmt: skip
    if not found and money is not None and money.amount:
        raise fields.error("revenue_recovered", "revenue recovered although nothing was found",
                           "revenue_without_finding",
                           hint='Set "found" to true and say what was found, or leave out the '
                                "revenue.")  # fmt: skip
    return InspectionOutcome(found, what, money)


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
