"""Events as payloads (the outbox and the audit log) and as history entries (the timeline)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cafta.clearance.declaration import Declaration
from cafta.clearance.events import DeclarationLodged, GoodsReleased, LaneAssigned
from cafta.clearance.goods import parse_goods

AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_a_payload_has_the_name_then_every_field_in_order_json_safe() -> None:
    event = LaneAssigned("CD1", AT, "system", "green", "0.12", "rules", ("a", "b"))
    payload = event.payload()
    assert list(payload.items()) == [
        ("event", "LaneAssigned"), ("declaration_id", "CD1"),
        ("at", "2026-06-01T08:00:00+00:00"), ("actor", "system"), ("lane", "green"),
        ("score", "0.12"), ("selected_by", "rules"), ("reasons", ["a", "b"]),
    ]  # fmt: skip
    # Each call gives a new mapping: changing one changes no other.
    payload["reasons"].append("c")
    assert event.payload()["reasons"] == ["a", "b"]
    assert GoodsReleased("CD1", AT, "officer", None, None).payload() == {
        "event": "GoodsReleased", "declaration_id": "CD1", "at": "2026-06-01T08:00:00+00:00",
        "actor": "officer", "lane": None, "note": None,
    }  # fmt: skip


def test_a_history_entry_is_the_payload_with_its_own_members_taken_out() -> None:
    goods = parse_goods({
        "office": "CNYYG",
        "importer": {"name": "Guangxi Fresh Fruit Trading Co.", "country": "CN"},
        "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
        "items": [{"line": "0810.60.00", "description": "Fresh durian", "origin": "TH",
                   "quantity": {"amount": "18", "unit": "t"},
                   "value": {"amount": "612000.00", "currency": "CNY"}}],
    })  # fmt: skip
    declaration = Declaration.lodge("CD1", goods, AT, "broker")
    (entry,) = declaration.history
    assert list(entry.items()) == [
        ("event", "DeclarationLodged"), ("at", "2026-06-01T08:00:00+00:00"),
        ("actor", "broker"), ("detail", {"importer": "Guangxi Fresh Fruit Trading Co.",
                                         "items": 1, "office": "CNYYG"}),
    ]  # fmt: skip
    # The detail's members are sorted, as the stored document has them (its writer sorts every
    # object's keys, as ``json`` does here): the declaration read back has the same history, in
    # the same order, as the one that recorded it.
    assert list(entry["detail"]) == ["importer", "items", "office"]
    stored = json.dumps(declaration.to_document(), sort_keys=True)
    read_back = Declaration.from_document(json.loads(stored), 1)
    assert [list(e["detail"]) for e in read_back.history] == [["importer", "items", "office"]]
    (event,) = declaration.pending_events
    assert event == DeclarationLodged("CD1", AT, "broker", "CNYYG",
                                      "Guangxi Fresh Fruit Trading Co.", 1)  # fmt: skip
    assert declaration.updated_at == AT
