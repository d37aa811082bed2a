"""The clearance pipeline through its handlers, with in-memory stores and the real engines."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.issuance import issue
from cafta.certificates.policy import VerificationPolicy
from cafta.certificates.trust import TrustList
from cafta.clearance.lifecycle import Lane, Status
from cafta.core.clock import FixedClock
from cafta.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cafta.origin.rulebook import Rulebook
from cafta.origin.scheme import ACFTA
from cafta.refdata.exchange_rates import default_rate_provider
from cafta.services.clearance import Action, Amend, Cancel, Clearance, Decide, Lodge
from cafta.services.pipeline import LaneSelector
from cafta.services.ports import Principal, Role
from cafta.services.preference import PreferenceChecker
from cafta.services.writes import OneByOne, Writer
from cafta.tariff.schedule import bundled_schedule

from .fakes import FakeUnitOfWork, FixedLanes, Memory, authorise

NOW = datetime(2026, 6, 1, 2, 30, tzinfo=UTC)
IMPORTER = "Guangxi Fresh Fruit Trading Co."
BROKER = "Pingxiang Border Brokers Co."
TRADER = Principal(Role.TRADER, IMPORTER)
OFFICER = Principal(Role.OFFICER, "Officer Li (CNYYG)")


def form_e(signer: Ed25519Signer, **changes: Any) -> str:
    request: dict[str, Any] = {
        "authority": "TH-DFT", "exporting_party": "TH", "importing_party": "CN",
        "issue_date": "2026-05-28",
        "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
        "consignee": {"name": IMPORTER, "country": "CN"},
        "transport": {"departure_date": "2026-05-28", "means": "truck"},
        "invoice": {"number": "CDE-0528", "date": "2026-05-28"},
        "items": [{"line": "0810.60", "description": "Fresh durian (Monthong)",
                   "quantity": {"amount": "18000", "unit": "kg"}, "criterion": "WO"}],
    }  # fmt: skip
    request.update(changes)
    return issue(request, signer)[1]


def durian(certificate: str | None = None, **item: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "line": "0810.60.00", "description": "Fresh durian (Monthong)", "origin": "TH",
        "quantity": {"amount": "18000", "unit": "kg"},
        "net_mass": {"amount": "18000", "unit": "kg"},
        "value": {"amount": "612000.00", "currency": "CNY"}, "incoterm": "CIF",
    }  # fmt: skip
    if certificate is not None:
        line["preference"] = {"scheme": "ACFTA", "certificate": certificate}
    line.update(item)
    return {
        "type": "import", "office": "CNYYG",
        "declarant": {"name": BROKER, "country": "CN"},
        "importer": {"name": IMPORTER, "country": "CN"},
        "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
        "transport": {"mode": "road", "vehicle_plate": "桂F·A1234", "container": "CSQU3054383"},
        "items": [line],
    }  # fmt: skip


def clearance(trust: TrustList, lane: Lane = Lane.GREEN, memory: Memory | None = None,
              received: dict[str, str] | None = None,
              lanes: LaneSelector | None = None,
              authorised: bool = True) -> tuple[Clearance, Memory]:  # fmt: skip
    memory = memory or Memory()
    if authorised and not memory.representations:
        authorise(memory, IMPORTER, BROKER)
    rules = Rulebook(ACFTA)
    checker = PreferenceChecker(
        trust=lambda: trust, verifier=Ed25519Verifier(), policy=VerificationPolicy(),
        rules=rules, rates=default_rate_provider(),
        received=(received or {}).get,
        holders=FakeUnitOfWork(memory).certificate_claims.holders,
    )  # fmt: skip
    service = Clearance(
        uow=lambda read_only=False: FakeUnitOfWork(memory), clock=FixedClock(NOW),
        schedule=bundled_schedule,
        rates=default_rate_provider(), preference=checker, lanes=lanes or FixedLanes(lane),
    )  # fmt: skip
    return service, memory


def test_a_green_durian_truck_with_a_valid_form_e_is_released_at_acfta_rates(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    service, memory = clearance(trust)
    lodged = service.lodge(Lodge(durian(form_e(signer)), TRADER)).declaration
    assert lodged.status is Status.RELEASED and lodged.version == 1
    assessment = lodged.assessment
    assert assessment is not None
    item = assessment.items[0]
    assert (item.regime, item.preference) == ("ACFTA", "granted")
    assert item.duty.amount == Decimal("0.00")
    assert item.vat.amount == Decimal("55080.00")  # 9% of 612,000 CNY
    assert lodged.preference is not None and lodged.preference.outcome == "accepted"
    events = [m.topic for m in memory.outbox]
    assert events == ["DeclarationLodged", "PreferenceChecked", "DutyAssessed", "LaneAssigned",
                      "GoodsReleased"]  # fmt: skip
    (entry,) = memory.audit  # one audit entry per change, listing its events
    assert entry.action == "declaration.lodge" and entry.actor == IMPORTER
    assert [e["event"] for e in entry.payload["events"]] == events
    assert memory.commits == 1
    stored = memory.declarations[lodged.id]
    assert (stored.status, stored.lane, stored.office) == ("released", "green", "CNYYG")


def test_a_tampered_form_e_means_mfn_with_the_reason_recorded(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    head, payload, signature = form_e(signer).split(".")
    tampered = f"{head}.{payload[:-3]}AAA.{signature}"
    service, _ = clearance(trust)
    lodged = service.lodge(Lodge(durian(tampered), TRADER)).declaration
    assert lodged.assessment is not None
    item = lodged.assessment.items[0]
    assert item.regime == "MFN" and item.duty.amount == Decimal("122400.00")  # 20%
    assert item.preference.startswith("denied: ")
    assert lodged.preference is not None and lodged.preference.outcome == "rejected"


def test_minor_discrepancies_keep_the_preference_and_are_noted(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    certificate = form_e(signer, consignee={"name": "Guangxi Fresh Fruits Trading Co",
                                            "country": "CN"})  # fmt: skip
    service, _ = clearance(trust)
    lodged = service.lodge(Lodge(durian(certificate), TRADER)).declaration
    assert lodged.assessment is not None
    assert lodged.assessment.items[0].preference == "granted with discrepancies"
    assert lodged.assessment.items[0].regime == "ACFTA"
    assert any("consignee name" in r for r in lodged.reasons)


def test_a_certificate_named_by_reference_is_found_among_those_received(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    envelope = form_e(signer)
    from cafta.certificates.envelope import open_envelope, read_certificate  # noqa: PLC0415

    reference = read_certificate(open_envelope(envelope).payload).reference
    service, _ = clearance(trust, received={reference: envelope})
    lodged = service.lodge(Lodge(durian(reference), TRADER)).declaration
    assert lodged.assessment is not None and lodged.assessment.items[0].regime == "ACFTA"
    # Typed in lower case, it is the same certificate (so held already by the first).
    again = service.lodge(Lodge(durian(f" {reference.lower()}"), TRADER)).declaration
    assert again.preference is not None
    assert again.preference.findings[0]["code"] == "certificate.already_claimed"
    unknown, _ = clearance(trust)
    refused = unknown.lodge(Lodge(durian("E2026TH-UNKNOWN0001"), TRADER)).declaration
    assert refused.assessment is not None
    assert "has been received" in refused.assessment.items[0].preference


def test_without_a_claim_mfn_applies(trust: TrustList) -> None:
    service, _ = clearance(trust)
    lodged = service.lodge(Lodge(durian(), TRADER)).declaration
    assert lodged.assessment is not None
    assert lodged.assessment.items[0].preference == "not claimed"
    assert lodged.preference is None


def test_a_retry_with_the_same_idempotency_key_returns_the_same_declaration(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    service, memory = clearance(trust)
    document = durian(form_e(signer))
    first = service.lodge(Lodge(document, TRADER, "key-1"))
    again = service.lodge(Lodge(copy.deepcopy(document), TRADER, "key-1"))
    assert not first.replayed and again.replayed
    assert again.declaration.id == first.declaration.id
    assert len(memory.declarations) == 1
    with pytest.raises(Conflict) as caught:
        service.lodge(Lodge(durian(), TRADER, "key-1"))
    assert caught.value.code == "idempotency.key_reused"
    other = Principal(Role.BROKER, BROKER)  # keys are per party: the broker's key-1 is its own
    assert not service.lodge(Lodge(document, other, "key-1")).replayed


class _CountedKeys:
    """A ``KeyLookup`` over the fake store's committed keys, counting the questions."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory
        self.asked: list[tuple[str, str]] = []

    def find(self, scope: str, key: str) -> tuple[str, str] | None:
        self.asked.append((scope, key))
        return self.memory.keys.get((scope, key))


def test_a_lodging_asks_the_key_lookup_when_it_has_one(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    service, memory = clearance(trust)
    service.keys = keys = _CountedKeys(memory)
    document = durian(form_e(signer))
    first = service.lodge(Lodge(document, TRADER, "key-1"))
    again = service.lodge(Lodge(copy.deepcopy(document), TRADER, "key-1"))
    assert not first.replayed and again.replayed and again.declaration.id == first.declaration.id
    assert [key for _, key in keys.asked] == ["key-1", "key-1"]
    with pytest.raises(Conflict) as caught:
        service.lodge(Lodge(durian(), TRADER, "key-1"))
    assert caught.value.code == "idempotency.key_reused"
    service.lodge(Lodge(durian(), TRADER))  # no key: nothing to ask
    assert len(keys.asked) == 3


def test_only_the_importer_or_declarant_may_lodge_and_read(trust: TrustList) -> None:
    service, _ = clearance(trust)
    stranger = Principal(Role.TRADER, "Another Importer Ltd")
    with pytest.raises(InvalidInput) as caught:
        service.lodge(Lodge(durian(), stranger))
    assert caught.value.code == "declaration.not_your_party"
    with pytest.raises(Forbidden):
        service.lodge(Lodge(durian(), OFFICER))
    lodged = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(NotFound):
        service.get(lodged.id, stranger)
    assert service.get(lodged.id, Principal(Role.BROKER, BROKER.upper())).id == lodged.id
    assert service.get(lodged.id, OFFICER).goods.importer.name == IMPORTER


def test_officers_work_the_held_declarations(trust: TrustList) -> None:
    service, memory = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    assert held.status is Status.HELD_FOR_INSPECTION
    with pytest.raises(Forbidden):
        service.decide(Decide(held.id, TRADER, Action.RELEASE))
    outcome = {"found": True, "what": "undeclared second grade fruit",
               "revenue_recovered": {"amount": "18500.00", "currency": "CNY"}}  # fmt: skip
    inspected = service.decide(Decide(held.id, OFFICER, Action.INSPECT, "opened 3 pallets",
                                      outcome, expected_version=1))  # fmt: skip
    assert inspected.version == 2 and inspected.inspection is not None
    assert inspected.inspection.found
    (label,) = memory.labels
    assert label.found and label.revenue_recovered == "18500.00"
    assert label.features["lane"] == "red"
    with pytest.raises(Conflict) as caught:  # decided from a stale version
        service.decide(Decide(held.id, OFFICER, Action.RELEASE, expected_version=1))
    assert caught.value.code == "declaration.version"
    released = service.decide(Decide(held.id, OFFICER, Action.RELEASE, "duty paid"))
    assert released.status is Status.RELEASED and released.version == 3
    with pytest.raises(Conflict) as closed:
        service.decide(Decide(held.id, OFFICER, Action.REJECT))
    assert closed.value.code == "declaration.transition"
    assert [h["event"] for h in released.history][-2:] == ["InspectionRecorded", "GoodsReleased"]


def test_an_outcome_sent_with_a_decision_is_recorded_before_it(trust: TrustList) -> None:
    """The officer who inspected and found nothing releases in one decision: the declaration
    keeps the inspection's result, as its label does (the label used to be stored alone)."""
    service, memory = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    nothing = {"found": False, "what": "seals intact"}
    released = service.decide(Decide(held.id, OFFICER, Action.RELEASE, "in order", nothing))
    assert released.status is Status.RELEASED and released.version == 2
    assert released.inspection is not None and not released.inspection.found
    assert [h["event"] for h in released.history][-2:] == ["InspectionRecorded", "GoodsReleased"]
    (label,) = memory.labels
    assert (label.declaration_id, label.found, label.what) == (held.id, False, "seals intact")


@pytest.mark.parametrize(
    ("outcome", "field", "code"),
    [
        ({"found": True}, "outcome.what", "decision.missing_finding"),
        ({"found": True, "what": "  "}, "outcome.what", "decision.missing_field"),
        ({"found": False, "revenue_recovered": {"amount": "500.00", "currency": "CNY"}},
         "outcome.revenue_recovered", "decision.revenue_without_finding"),
        ({"found": "yes"}, "outcome.found", "decision.invalid_field"),
        ({"found": True, "what": "x", "revenue_recovered": {"amount": "10", "currency": "QQQ"}},
         "outcome.revenue_recovered.currency", "decision.unknown_currency"),
    ],
)  # fmt: skip
def test_an_outcome_that_contradicts_itself_is_refused(
    trust: TrustList, outcome: dict[str, Any], field: str, code: str
) -> None:
    service, memory = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(InvalidInput) as caught:
        service.decide(Decide(held.id, OFFICER, Action.INSPECT, None, outcome))
    assert (caught.value.code, caught.value.details["field"]) == (code, field)
    assert memory.labels == [] and service.get(held.id, OFFICER).version == 1
    # Nothing found and nothing recovered is a result like any other.
    zero = {"found": False, "revenue_recovered": {"amount": "0.00", "currency": "CNY"}}
    assert service.decide(Decide(held.id, OFFICER, Action.INSPECT, None, zero)).version == 2


def test_yellow_holds_for_documents_and_the_officer_may_reject(trust: TrustList) -> None:
    service, _ = clearance(trust, Lane.YELLOW)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    assert held.status is Status.HELD_FOR_DOCUMENTS
    rejected = service.decide(Decide(held.id, OFFICER, Action.REJECT, "invoice does not match"))
    assert rejected.status is Status.REJECTED


def test_bad_documents_name_the_field(trust: TrustList) -> None:
    service, memory = clearance(trust)
    document = durian()
    document["items"][0]["value"]["amount"] = "abc"
    with pytest.raises(InvalidInput) as caught:
        service.lodge(Lodge(document, TRADER))
    assert caught.value.message.startswith("items[0].value.amount")
    document = durian()
    document["transport"]["container"] = "CSQU3054384"
    with pytest.raises(InvalidInput) as caught:
        service.lodge(Lodge(document, TRADER))
    assert caught.value.message.startswith("transport.container")
    assert caught.value.code == "container.check_digit"
    assert memory.commits == 0


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [({"value": {"amount": "0.00", "currency": "CNY"}}, "items[0].value", "declaration.zero_value"),
     ({"value": {"amount": "-0", "currency": "CNY"}}, "items[0].value", "declaration.zero_value"),
     ({"quantity": {"amount": "0", "unit": "kg"}}, "items[0].quantity",
      "declaration.zero_quantity"),
     ({"net_mass": {"amount": "0", "unit": "kg"}}, "items[0].net_mass",
      "declaration.zero_net_mass")],
)  # fmt: skip
def test_nothing_declared_at_zero(
    trust: TrustList, change: dict[str, Any], field: str, code: str
) -> None:
    """A value, quantity or mass of zero used to be lodged (and released green)."""
    service, memory = clearance(trust)
    with pytest.raises(InvalidInput) as caught:
        service.lodge(Lodge(durian(**change), TRADER))
    assert (caught.value.code, caught.value.details["field"]) == (code, field)
    assert memory.commits == 0


def _key_missed_once(service: Clearance) -> list[str]:
    """Make ``service`` miss an idempotency key at its first look, as a request that passed
    the key check before the first copy committed does; the calls are recorded."""
    original = service._replay
    calls: list[str] = []

    def late_replay(*args: Any) -> Any:
        calls.append("replay")
        return None if len(calls) == 1 else original(*args)

    service._replay = late_replay  # type: ignore[method-assign]
    return calls


def test_a_race_on_the_same_key_returns_the_first_declaration(trust: TrustList) -> None:
    service, memory = clearance(trust)
    document = durian()
    first = service.lodge(Lodge(document, TRADER, "race"))
    calls = _key_missed_once(service)
    second = service.lodge(Lodge(document, TRADER, "race"))
    assert calls == ["replay", "replay"]  # missed at first, found after the conflict
    assert second.replayed and second.declaration.id == first.declaration.id
    assert len(memory.declarations) == 1


def test_a_race_on_the_same_key_citing_a_form_e_is_a_replay_too(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    """Both copies passed the key check and the certificate check before the first committed:
    the second meets the key first (a replay), not the certificate (a refusal)."""
    service, memory = clearance(trust)
    document = durian(form_e(signer))
    first = service.lodge(Lodge(document, TRADER, "race"))
    calls = _key_missed_once(service)
    service.preference.holders = lambda reference: ()  # the first not committed yet
    second = service.lodge(Lodge(document, TRADER, "race"))
    assert calls == ["replay", "replay"]
    assert second.replayed and second.declaration.id == first.declaration.id
    assert len(memory.declarations) == 1 and set(memory.claims.values()) == {first.declaration.id}


class _RacedOnce:
    """A writer that lets another change commit first, once, just before its own write."""

    def __init__(self, inner: Writer, race: Callable[[], object]) -> None:
        self.inner, self.race, self.raced = inner, race, False

    def write(self, work: Callable[[Any], None]) -> None:
        if not self.raced:
            self.raced = True
            self.race()
        self.inner.write(work)


def test_a_decision_naming_no_version_is_made_again_on_the_one_that_won(
    trust: TrustList,
) -> None:
    """Two officers at once, the first naming no version: it is applied to what the other left,
    not refused as made on an old version."""
    memory = Memory()
    service, _ = clearance(trust, Lane.RED, memory)
    other, _ = clearance(trust, Lane.RED, memory)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    second = Principal(Role.OFFICER, "Officer Wang")
    nothing = {"found": False, "what": "seals intact"}
    service.writer = _RacedOnce(OneByOne(service.uow), lambda: other.decide(
        Decide(held.id, second, Action.INSPECT, None, nothing)))  # fmt: skip
    released = service.decide(Decide(held.id, OFFICER, Action.RELEASE, "in order", nothing))
    assert (released.status, released.version) == (Status.RELEASED, 3)
    assert [h["event"] for h in released.history][-2:] == ["InspectionRecorded", "GoodsReleased"]
    # Naming the version read: refused, as before.
    again = service.lodge(Lodge(durian(), TRADER)).declaration
    service.writer = _RacedOnce(OneByOne(service.uow), lambda: other.decide(
        Decide(again.id, second, Action.INSPECT, None, nothing)))  # fmt: skip
    with pytest.raises(Conflict) as caught:
        service.decide(Decide(again.id, OFFICER, Action.RELEASE, None, nothing, expected_version=1))
    assert caught.value.code == "declaration.version"
    # The race lost to a release: made again, it is refused for what it is now.
    third = service.lodge(Lodge(durian(), TRADER)).declaration
    service.writer = _RacedOnce(OneByOne(service.uow), lambda: other.decide(
        Decide(third.id, second, Action.RELEASE, None, nothing)))  # fmt: skip
    with pytest.raises(Conflict) as late:
        service.decide(Decide(third.id, OFFICER, Action.REJECT))
    assert late.value.code == "declaration.transition"


@pytest.mark.parametrize("name", ["", "   ", "\u200b", "Li\nforged line"])
def test_a_decision_needs_the_officer_s_name(trust: TrustList, name: str) -> None:
    service, _ = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(InvalidInput) as caught:
        service.decide(Decide(held.id, Principal(Role.OFFICER, name), Action.RELEASE))
    assert caught.value.code == "decision.no_officer"
    assert service.get(held.id, OFFICER).status is Status.HELD_FOR_INSPECTION


def test_a_form_e_covers_one_consignment_so_one_declaration(
    signer: Ed25519Signer, trust: TrustList
) -> None:
    """The same certificate cited again: refused for the second declaration (MFN, the first
    named), until the first lets go of it by being cancelled."""
    memory = Memory()
    service, _ = clearance(trust, Lane.YELLOW, memory)
    certificate = form_e(signer)
    first = service.lodge(Lodge(durian(certificate), TRADER)).declaration
    assert first.assessment is not None and first.assessment.items[0].regime == "ACFTA"
    reference = next(iter(memory.claims))
    assert memory.claims == {reference: first.id}
    second = service.lodge(Lodge(durian(certificate), TRADER)).declaration
    assert second.assessment is not None
    item = second.assessment.items[0]
    assert item.regime == "MFN" and item.preference.startswith("denied: Form E ")
    # The holder is not named: it may be another party's.
    assert "already used for another declaration" in item.preference
    assert first.id not in item.preference
    assert second.preference is not None and second.preference.outcome == "rejected"
    assert second.preference.findings[0]["code"] == "certificate.already_claimed"
    assert memory.claims == {reference: first.id}
    # The holder amended: its own certificate is still its own.
    amended = service.amend(Amend(first.id, durian(certificate), TRADER))
    assert amended.assessment is not None and amended.assessment.items[0].regime == "ACFTA"
    assert memory.claims == {reference: first.id}
    # Withdrawn: the certificate is free for the declaration that replaces it.
    service.cancel(Cancel(first.id, TRADER, "wrong truck"))
    assert memory.claims == {}
    third = service.lodge(Lodge(durian(certificate), TRADER)).declaration
    assert third.assessment is not None and third.assessment.items[0].regime == "ACFTA"
    assert memory.claims == {reference: third.id}
    # An amendment that drops the claim lets go of the certificate too.
    service.amend(Amend(third.id, durian(), TRADER))
    assert memory.claims == {}


def test_a_version_that_does_not_exist_yet_is_named_as_such(trust: TrustList) -> None:
    """It used to say "you read version 7, it is now at version 1", as if it had changed."""
    service, _ = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(Conflict) as caught:
        service.decide(Decide(held.id, OFFICER, Action.RELEASE, expected_version=7))
    assert caught.value.code == "declaration.version"
    assert caught.value.message == f"declaration {held.id} is at version 1; it has no version 7"


def test_an_inspection_recorded_alone_keeps_the_officer_s_note(trust: TrustList) -> None:
    service, _ = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    found = {"found": True, "what": "undeclared cartons"}
    inspected = service.decide(Decide(held.id, OFFICER, Action.INSPECT, "seal 4471 cut", found))
    entry = inspected.history[-1]
    assert entry["event"] == "InspectionRecorded" and entry["detail"]["note"] == "seal 4471 cut"
    # With another action, the note is that action's.
    rejected = service.decide(Decide(held.id, OFFICER, Action.REJECT, "goods seized", found))
    recorded, decided = rejected.history[-2:]
    assert (recorded["detail"]["note"], decided["detail"]["note"]) == (None, "goods seized")


def test_a_red_declaration_is_released_with_its_inspection_outcome_in_one_decision(
    trust: TrustList,
) -> None:
    service, memory = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(Conflict) as refused:
        service.decide(Decide(held.id, OFFICER, Action.RELEASE, "looks fine"))
    assert refused.value.code == "declaration.inspection_due"
    assert memory.labels == [] and service.get(held.id, OFFICER).version == 1
    outcome = {"found": False, "what": "seals intact, cargo as declared"}
    released = service.decide(Decide(held.id, OFFICER, Action.RELEASE, "in order", outcome))
    assert released.status is Status.RELEASED
    assert [h["event"] for h in released.history][-2:] == ["InspectionRecorded", "GoodsReleased"]
    (label,) = memory.labels
    assert (label.declaration_id, label.found) == (held.id, False)


def test_notes_and_findings_holding_control_characters_are_refused(trust: TrustList) -> None:
    service, memory = clearance(trust, Lane.RED)
    held = service.lodge(Lodge(durian(), TRADER)).declaration
    with pytest.raises(InvalidInput) as what:
        service.decide(Decide(held.id, OFFICER, Action.INSPECT, None,
                              {"found": True, "what": "hidden\x00cargo"}))  # fmt: skip
    assert what.value.code == "decision.invalid_field" and "outcome.what" in what.value.message
    with pytest.raises(InvalidInput) as note:
        service.decide(Decide(held.id, OFFICER, Action.REJECT, "bad\x00note"))
    assert note.value.code == "decision.invalid_note"
    with pytest.raises(InvalidInput) as cancel:
        service.cancel(Cancel(held.id, TRADER, "wrong\x1btruck"))
    assert cancel.value.code == "declaration.invalid_note"
    assert memory.labels == [] and service.get(held.id, OFFICER).version == 1
    kept = service.decide(Decide(held.id, OFFICER, Action.REJECT, "  line one\nline two  "))
    assert kept.history[-1]["detail"]["note"] == "line one\nline two"
