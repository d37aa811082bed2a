"""Rule sets as data: building from a mapping, errors naming the path, the illustrative default."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.risk.defaults import DEFAULT_RULES_DOCUMENT
from cafta.risk.rules import CertificateRule, Lane, RestrictedGoodsRule
from cafta.risk.ruleset import RuleSet, default_rules
from cafta.risk.subject import RiskItem, RiskSubject
from cafta.risk.unit_values import UnitValueRule
from cafta.risk.watchlists import ConveyanceWatchRule, PartyWatchRule

MakeSubject = Callable[..., RiskSubject]
MakeItem = Callable[..., RiskItem]

DOCUMENT: dict[str, Any] = {
    "lane_weights": {"red": 0.8, "yellow": "0.4"},
    "watch_lists": [
        {
            "id": "W7",
            "reference": "office circular 7/2026",
            "status": "official",
            "entries": [
                {"kind": "importer", "value": "Lotus Trading", "reason": "undervaluation"},
                {"kind": "plate", "value": "29C-12345", "reason": "seizure", "lane": "yellow"},
                {
                    "kind": "exporter",
                    "value": "Mekong Exports",
                    "reason": "new exporter",
                    "lane": "score",
                    "weight": 0.3,
                    "valid_from": "2026-01-01",
                    "valid_to": "2026-12-31",
                },
            ],
        }
    ],
    "unit_values": {
        "yellow_ratio": 0.3,
        "red_ratio": "off",
        "references": [
            {
                "line": "0810.60",
                "value_per_kg": "1.40",
                "currency": "cny",
                "reference": "test",
                "status": "illustrative",
            }
        ],
    },
    "certificates": {
        "discrepancies": "off",
        "rejected": "red",
        "missing": {"lane": "score", "weight": "0.2"},
    },
    "restricted_goods": [
        {
            "prefix": "93",
            "control": "prohibited",
            "description": "arms",
            "origins": ["xx"],
            "reference": "test",
            "status": "official",
        }
    ],
}


def test_a_rule_set_is_built_from_a_mapping(make_subject: MakeSubject, make_item: MakeItem) -> None:
    rules = RuleSet.from_document(DOCUMENT)
    assert rules.ids == ("R1", "R2", "R3", "R4", "R5")
    party, conveyance, unit, certificates, restricted = rules.rules
    assert isinstance(party, PartyWatchRule) and isinstance(conveyance, ConveyanceWatchRule)
    assert [e.value for e in party.lists[0].entries] == ["Lotus Trading", "Mekong Exports"]
    assert [e.value for e in conveyance.lists[0].entries] == ["29C-12345"]
    assert party.lists[0].entries[0].effect.weight == Decimal("0.8")
    assert isinstance(unit, UnitValueRule)
    assert (unit.yellow_ratio, unit.red_ratio) == (Decimal("0.3"), None)
    assert isinstance(certificates, CertificateRule)
    assert certificates.discrepancies is None
    assert certificates.rejected is not None and certificates.rejected.lane is Lane.RED
    assert certificates.missing is not None and certificates.missing.lane is None
    assert isinstance(restricted, RestrictedGoodsRule)
    assert restricted.entries[0].origins == frozenset({"XX"})

    s = make_subject(
        make_item(value=Decimal("1"), preference_claimed=True, certificate_outcome="missing"),
        exporter="mekong exports",
        vehicle_plate="29c 12345",
    )
    hits = {hit.rule_id: hit for hit in rules.evaluate(s)}
    assert sorted(hits) == ["R1", "R2", "R3", "R4"]
    assert (hits["R1"].lane, hits["R1"].weight) == (None, Decimal("0.3"))
    assert (hits["R2"].lane, hits["R2"].weight) == (Lane.YELLOW, Decimal("0.4"))
    assert hits["R3"].reason.startswith("item 1: value per kg 0.03 CNY is below 30% of")
    assert (hits["R4"].lane, hits["R4"].weight) == (None, Decimal("0.2"))


def test_an_empty_document_gives_rules_that_hit_nothing_but_certificates(
    make_subject: MakeSubject, make_item: MakeItem
) -> None:
    rules = RuleSet.from_document({})
    assert rules.ids == ("R1", "R2", "R3", "R4", "R5")
    assert rules.evaluate(make_subject(make_item(value=Decimal("0.01")))) == ()
    flagged = make_subject(make_item(certificate_outcome="accepted_with_discrepancies"))
    assert [h.lane for h in rules.evaluate(flagged)] == [Lane.YELLOW]


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of DOCUMENT with one value replaced (or removed, for ``...``)."""
    doc = copy.deepcopy(DOCUMENT)
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message", "code"),
    [
        (
            ("watch_lists", 0, "entries", 2, "lane"),
            "purple",
            "watch_lists[0].entries[2].lane: unknown lane 'purple'",
            "risk.invalid_field",
        ),
        (
            ("watch_lists", 0, "entries", 2, "weight"),
            ...,
            "watch_lists[0].entries[2].weight: missing (a score-only entry needs a weight)",
            "risk.missing_field",
        ),
        (
            ("watch_lists", 0, "entries", 1, "kind"),
            "truck",
            "watch_lists[0].entries[1].kind: unknown watch-list kind 'truck'",
            "risk.invalid_rule",
        ),
        (
            ("watch_lists", 0, "entries", 0, "reason"),
            ...,
            "watch_lists[0].entries[0].reason: missing",
            "risk.missing_field",
        ),
        (
            ("watch_lists", 0, "entries", 0, "reasons"),
            "typo",
            "watch_lists[0].entries[0].reasons: unknown field",
            "risk.unknown_field",
        ),
        (
            ("watch_lists", 0, "status"),
            "draft",
            "watch_lists[0].status: unknown status 'draft'",
            "status.invalid",
        ),
        (
            ("unit_values", "references", 0, "line"),
            "81060",
            "unit_values.references[0].line: HS code '81060' has 5 digits; allowed are 2, 4 or 6 "
            "digits (HS), or 8 or 10 (a national tariff line)",
            "hs.invalid_length",
        ),
        (
            ("unit_values", "references", 0, "value_per_kg"),
            1.4,
            "unit_values.references[0].value_per_kg: must be given exactly (a decimal string or an "
            "integer), not 1.4",
            "money.inexact",
        ),
        (
            ("unit_values", "references", 0, "value_per_kg"),
            "0",
            "unit_values.references[0].value_per_kg: 0 is not above 0",
            "risk.invalid_field",
        ),
        (
            ("unit_values", "red_ratio"),
            "0.5",
            "unit_values.red_ratio: 0.5 must be above 0 and below yellow_ratio 0.3",
            "risk.invalid_field",
        ),
        (
            ("unit_values", "yellow_ratio"),
            1.5,
            "unit_values.yellow_ratio: 1.5 is not a number from 0 to 1",
            "risk.invalid_field",
        ),
        (
            ("unit_values", "references", 0, "valid_to"),
            "2020-01-01",
            "unit_values.references[0].valid_from: missing (valid_to is given)",
            "risk.missing_field",
        ),
        (
            ("certificates", "rejected"),
            "score",
            "certificates.rejected: a score-only condition needs a weight",
            "risk.invalid_field",
        ),
        (
            ("certificates", "missing", "weight"),
            "heavy",
            "certificates.missing.weight: 'heavy' is not a number",
            "risk.invalid_field",
        ),
        (
            ("restricted_goods", 0, "control"),
            "banned",
            "restricted_goods[0].control: unknown control 'banned'",
            "risk.invalid_rule",
        ),
        (
            ("restricted_goods", 0, "prefix"),
            "77",
            "restricted_goods[0].prefix: HS code '77': chapter 77 is reserved in the HS for "
            "possible future use",
            "hs.invalid_chapter",
        ),
        (
            ("lane_weights", "green"),
            "0.1",
            "lane_weights.green: unknown field",
            "risk.unknown_field",
        ),
        (
            ("watch_lists",),
            {"id": "W1"},
            "watch_lists: expected a list, found an object",
            "risk.invalid_field",
        ),
    ],
)
def test_document_errors_name_the_path(
    path: tuple[Any, ...], value: Any, message: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        RuleSet.from_document(_with(path, value))
    assert info.value.message == message
    assert info.value.code == code


def test_overlapping_references_for_one_line_are_refused() -> None:
    doc = copy.deepcopy(DOCUMENT)
    refs = doc["unit_values"]["references"]
    refs.append(dict(refs[0], valid_from="2026-01-01"))
    with pytest.raises(InvalidInput) as info:
        RuleSet.from_document(doc)
    assert info.value.message == (
        "unit_values.references: two reference values for 0810.60 are in force on the same day"
    )


def test_the_document_must_be_a_mapping() -> None:
    with pytest.raises(InvalidInput) as info:
        RuleSet.from_document(["R1"])
    assert (info.value.message, info.value.code) == (
        "document: expected an object, found a list",
        "risk.not_an_object",
    )


def test_rule_ids_are_unique() -> None:
    with pytest.raises(InvalidInput, match="not unique"):
        RuleSet((CertificateRule(), CertificateRule()))


def test_default_rules_are_labelled_illustrative(
    make_subject: MakeSubject, make_item: MakeItem
) -> None:
    rules = default_rules()
    assert rules == RuleSet.from_document(DEFAULT_RULES_DOCUMENT)
    for section in ("watch_lists", "restricted_goods"):
        assert all(e["status"] == "illustrative" for e in DEFAULT_RULES_DOCUMENT[section])
    refs = DEFAULT_RULES_DOCUMENT["unit_values"]["references"]
    assert refs and all(r["status"] == "illustrative" for r in refs)

    s = make_subject(
        make_item(value=Decimal("200")),  # 5 CNY/kg against an illustrative 30 CNY/kg
        importer="EXAMPLE undervaluation trading co.",
    )
    hits = rules.evaluate(s)
    assert [h.rule_id for h in hits] == ["R1", "R3"]
    assert all(h.status is Status.ILLUSTRATIVE for h in hits)
    assert all(h.reason.endswith("(illustrative)") for h in hits)
    assert rules.evaluate(make_subject()) == ()
