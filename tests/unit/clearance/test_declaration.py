"""The declaration aggregate: what it reads, the lifecycle it allows, and its stored form."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from cafta.clearance.assessment import DeclarationAssessment, ItemAssessment
from cafta.clearance.declaration import (
    Declaration,
    InspectionOutcome,
    LaneChoice,
    PreferenceCheck,
)
from cafta.clearance.goods import TransportMode, parse_goods
from cafta.clearance.lifecycle import Lane, Status, check_transition
from cafta.core.errors import Conflict, InvalidInput
from cafta.core.money import Money
from cafta.core.provenance import Status as Provenance

AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DOCUMENT: dict[str, Any] = {
    "office": "CN YYG",
    "importer": {"name": "Guangxi Fresh Fruit Trading Co.", "country": "CN"},
    "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "Thailand"},
    "transport": {"mode": "Road", "vehicle_plate": "桂F·A1234", "container": "csqu 305438 3"},
    "items": [
        {"line": "0810.60.00", "description": "Fresh durian", "origin": "TH",
         "quantity": {"amount": "18", "unit": "t"}, "net_mass": {"amount": "18", "unit": "t"},
         "value": {"amount": "612000.00", "currency": "CNY"},
         "preference": {"certificate": "E2026TH-ABCDEFGHIJ"}},
    ],
}  # fmt: skip


def test_the_document_is_read_with_defaults_and_normal_forms() -> None:
    goods = parse_goods(DOCUMENT)
    assert goods.office == "CNYYG" and goods.destination == "CN"
    assert goods.declarant == goods.importer  # no declarant: the importer declares
    assert goods.exporter.country == "TH"
    assert goods.transport is not None
    assert goods.transport.mode is TransportMode.ROAD
    assert (goods.transport.vehicle_plate, goods.transport.container) == ("桂FA1234", "CSQU3054383")
    (item,) = goods.items
    assert item.net_mass_kg == Decimal(18000) and item.incoterm.value == "CIF"
    assert item.preference is not None and not item.preference.embedded


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["office"], "CN1", "office"),
        (["items", 0, "line"], "0810", "items[0].line"),
        (["items", 0, "origin"], "Narnia", "items[0].origin"),
        (["items", 0, "quantity", "unit"], "bushel", "items[0].quantity.unit"),
        (["items", 0, "net_mass", "unit"], "l", "items[0].net_mass"),
        (["items", 0, "incoterm"], "DDP", "items[0].incoterm"),
        (["items", 0, "preference", "scheme"], "RCEP", "items[0].preference.scheme"),
        (["transport", "mode"], "teleport", "transport.mode"),
        (["items"], [], "items"),
        (["type"], "export", "type"),
    ],
)  # fmt: skip
def test_errors_name_the_field(path: list[Any], value: Any, field: str) -> None:
    document = copy.deepcopy(DOCUMENT)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InvalidInput) as caught:
        parse_goods(document)
    assert caught.value.message.startswith(field), caught.value.message


def _assessment() -> DeclarationAssessment:
    cny = "CNY"
    item = ItemAssessment(1, "08106000", "ACFTA", Money(Decimal("612000.00"), cny),
                          Money(Decimal("0.00"), cny), Money(Decimal("0.00"), cny),
                          Money(Decimal("55080.00"), cny), Money(Decimal("55080.00"), cny),
                          "granted", ({"step": "duty", "label": "ACFTA 0%"},), (),
                          Provenance.OFFICIAL)  # fmt: skip
    return DeclarationAssessment(cny, (item,))


def _lodged() -> Declaration:
    return Declaration.lodge("CD20260601-ABC", parse_goods(DOCUMENT), AT, "broker")


def test_a_green_lane_makes_it_releasable_and_each_step_is_an_event() -> None:
    declaration = _lodged()
    declaration.record_assessment(_assessment(), PreferenceCheck("accepted", "E1"), AT)
    declaration.assign_lane(LaneChoice(Lane.GREEN, "0.02", "score", ("green: low score",)), AT)
    assert declaration.status is Status.ASSESSED and declaration.releasable
    with pytest.raises(Conflict, match="already has one"):
        declaration.assign_lane(LaneChoice(Lane.RED, "0.9", "score", ()), AT)
    declaration.release(AT, "system")
    assert declaration.status is Status.RELEASED and not declaration.releasable
    names = [e.name for e in declaration.pull_events()]
    assert names == ["DeclarationLodged", "PreferenceChecked", "DutyAssessed", "LaneAssigned",
                     "GoodsReleased"]  # fmt: skip
    assert declaration.pull_events() == []
    assert [h["event"] for h in declaration.history] == names
    assert declaration.reasons == ("green: low score",)


@pytest.mark.parametrize(("lane", "status", "audit"), [
    (Lane.YELLOW, Status.HELD_FOR_DOCUMENTS, False), (Lane.RED, Status.HELD_FOR_INSPECTION, False),
    (Lane.BLUE, Status.RELEASED, True),
])  # fmt: skip
def test_lanes_decide_the_status(lane: Lane, status: Status, audit: bool) -> None:
    declaration = _lodged()
    with pytest.raises(Conflict, match="lane to a declaration that is lodged"):
        declaration.assign_lane(LaneChoice(lane, "0.5", "score", ()), AT)
    declaration.record_assessment(_assessment(), None, AT)
    declaration.assign_lane(LaneChoice(lane, "0.5", "score", ()), AT)
    if declaration.releasable:
        declaration.release(AT, "system")
    assert declaration.status is status and declaration.post_clearance_audit is audit
    assert declaration.releasable is False


def test_the_lifecycle_refuses_what_the_law_does_not_allow() -> None:
    declaration = _lodged()
    with pytest.raises(Conflict, match="cannot release a declaration that is lodged"):
        declaration.release(AT, "officer")
    declaration.record_assessment(_assessment(), None, AT)
    declaration.assign_lane(LaneChoice(Lane.YELLOW, "0.5", "quota", ()), AT)
    declaration.order_inspection(AT, "officer")
    with pytest.raises(Conflict, match="cannot amend"):
        declaration.amend(parse_goods(DOCUMENT), AT, "broker")
    declaration.record_inspection(InspectionOutcome(False, "seals intact"), AT, "officer")
    declaration.release(AT, "officer", "documents fine")
    for action in (declaration.cancel, declaration.reject, declaration.request_documents):
        with pytest.raises(Conflict) as caught:
            action(AT, "someone")
        assert caught.value.code == "declaration.transition"


def test_an_amendment_while_documents_are_asked_starts_again() -> None:
    declaration = _lodged()
    declaration.record_assessment(_assessment(), None, AT)
    declaration.assign_lane(LaneChoice(Lane.YELLOW, "0.5", "quota", ()), AT)
    changed = copy.deepcopy(DOCUMENT)
    changed["items"][0]["value"]["amount"] = "650000.00"
    declaration.amend(parse_goods(changed), AT, "broker")
    assert declaration.status is Status.LODGED and declaration.assessment is None
    other = copy.deepcopy(DOCUMENT)
    other["importer"]["name"] = "Someone Else"
    declaration.record_assessment(_assessment(), None, AT)
    declaration.assign_lane(LaneChoice(Lane.YELLOW, "0.5", "quota", ()), AT)
    with pytest.raises(InvalidInput, match="may not change the customs office or the importer"):
        declaration.amend(parse_goods(other), AT, "broker")


def test_the_stored_form_round_trips_through_json() -> None:
    declaration = _lodged()
    finding = {"code": "item.hs_detail", "severity": "minor", "message": "HS differs", "item": 1}
    check = PreferenceCheck("accepted_with_discrepancies", "E1", (finding,))
    declaration.record_assessment(_assessment(), check, AT)
    declaration.assign_lane(LaneChoice(Lane.RED, "0.91", "rule", ("R1 watch-list",)), AT)
    outcome = InspectionOutcome(True, "mislabelled grade", Money(Decimal("1200.50"), "CNY"))
    declaration.record_inspection(outcome, AT, "officer")
    stored = json.loads(json.dumps(declaration.to_document()))
    again = Declaration.from_document(stored, version=3)
    assert again.to_document() == declaration.to_document()
    assert again.version == 3 and again.inspection == outcome
    assert again.assessment is not None and again.assessment.total.amount == Decimal("55080.00")
    assert again.reasons == ("Form E E1: HS differs", "R1 watch-list")


def test_a_refused_change_says_when_it_can_be_made() -> None:
    """The hint used to say "Reload the declaration", which changes nothing."""
    with pytest.raises(Conflict) as caught:
        check_transition(Status.HELD_FOR_INSPECTION, Status.LODGED, "amend")
    assert str(caught.value) == (
        "cannot amend a declaration that is held for inspection. This can be done only to a "
        "declaration that is held for documents."
    )
    with pytest.raises(Conflict) as closed:
        check_transition(Status.RELEASED, Status.CANCELLED, "cancel")
    assert closed.value.hint == "The declaration is closed; lodge a new one if needed."


def test_goods_held_for_inspection_are_released_only_once_its_outcome_is_recorded() -> None:
    declaration = _lodged()
    declaration.record_assessment(_assessment(), None, AT)
    declaration.assign_lane(LaneChoice(Lane.RED, "0.9", "rule", ("red: rule R1",)), AT)
    with pytest.raises(Conflict) as red:
        declaration.release(AT, "officer")
    assert red.value.code == "declaration.inspection_due"
    # Asking for documents instead does not make the inspection go away.
    declaration.request_documents(AT, "officer", "invoice, please")
    with pytest.raises(Conflict) as still:
        declaration.release(AT, "officer")
    assert still.value.code == "declaration.inspection_due"
    declaration.record_inspection(InspectionOutcome(False, "nothing irregular"), AT, "officer")
    declaration.release(AT, "officer")
    assert declaration.status is Status.RELEASED


def test_a_finding_stays_on_the_record_after_a_later_outcome_that_found_nothing() -> None:
    declaration = _lodged()
    declaration.record_assessment(_assessment(), None, AT)
    declaration.assign_lane(LaneChoice(Lane.RED, "0.9", "rule", ("red: rule R1",)), AT)
    declaration.record_inspection(InspectionOutcome(True, "200 kg undeclared"), AT, "officer")
    declaration.record_inspection(InspectionOutcome(False, "recheck"), AT, "officer")
    assert declaration.inspection is not None and not declaration.inspection.found
    assert declaration.finding_recorded and not declaration.may_be_withdrawn
    with pytest.raises(Conflict) as refused:
        declaration.cancel(AT, "broker")
    assert refused.value.code == "declaration.cancel_refused"
    assert "found something" in refused.value.message
