"""The officer's decision form: the decisions each status allows, and what was typed read
without dropping any of it."""

from __future__ import annotations

from cafta.clearance.lifecycle import Status
from cafta.services.clearance import Action
from cafta.web.decision_form import (
    OUTCOME_MISSING,
    RECORD_ONLY,
    RECORD_WHAT,
    actions_for,
    kept,
    read_decision,
)
from cafta.web.numbers import AMBIGUOUS

FORM = {"action": "", "note": "", "found": "", "what": "", "revenue_recovered": ""}


def test_the_decisions_offered_are_those_the_status_allows() -> None:
    assert list(actions_for(Status.HELD_FOR_DOCUMENTS)) == list(Action)
    on_inspection = actions_for(Status.HELD_FOR_INSPECTION)
    assert list(on_inspection) == list(Action)
    assert on_inspection[Action.INSPECT] == RECORD_ONLY  # records; never orders a second one
    for status in (Status.RELEASED, Status.REJECTED, Status.CANCELLED, Status.LODGED):
        assert actions_for(status) == {}


def test_an_outcome_typed_without_choosing_it_is_refused() -> None:
    typed = {**FORM, "action": "release", "what": "two cartons"}
    decision, errors = read_decision(typed, Status.HELD_FOR_INSPECTION, "CNY", "en")
    assert errors["found"].text == OUTCOME_MISSING and decision.outcome is None
    _, errors = read_decision({**FORM, "action": "release", "revenue_recovered": "10"},
                              Status.HELD_FOR_DOCUMENTS, "CNY", "en")  # fmt: skip
    assert set(errors) == {"found"}
    _, errors = read_decision({**FORM, "action": "inspect"}, Status.HELD_FOR_INSPECTION,
                              "CNY", "en")  # fmt: skip
    assert errors["found"].text == RECORD_WHAT
    decision, errors = read_decision({**FORM, "action": "inspect"}, Status.HELD_FOR_DOCUMENTS,
                                     "CNY", "en")  # fmt: skip
    assert errors == {} and decision.action is Action.INSPECT and decision.outcome is None


def test_the_amount_is_read_in_the_language_it_was_typed_in() -> None:
    typed = {**FORM, "action": "release", "found": "yes", "what": "x",
             "revenue_recovered": "1.500", "numbers": "vi"}  # fmt: skip
    decision, errors = read_decision(typed, Status.HELD_FOR_INSPECTION, "CNY", "zh")
    assert errors == {}
    recovered = {"amount": "1500", "currency": "CNY"}  # 1,500: not 1.5 as Chinese reads it
    assert decision.outcome == {"found": True, "what": "x", "revenue_recovered": recovered}
    assert kept(decision, "zh")["revenue_recovered"] == "1500"
    assert kept(decision, "zh")["numbers"] == "zh"
    ambiguous, errors = read_decision({**typed, "revenue_recovered": "1,500"},
                                      Status.HELD_FOR_INSPECTION, "CNY", "zh")  # fmt: skip
    assert errors["revenue_recovered"].text == AMBIGUOUS
    assert kept(ambiguous, "zh") == {**ambiguous.typed, "numbers": "vi"}  # as typed, in vi


def test_a_choice_the_buttons_do_not_offer_is_refused_not_read_as_another() -> None:
    """Review: ``found=maybe`` was read as "not yet inspected", ``action=bogus`` as none."""
    from cafta.web.forms import NO_SUCH_CHOICE  # noqa: PLC0415

    decision, errors = read_decision({**FORM, "action": "release", "found": "maybe"},
                                     Status.HELD_FOR_INSPECTION, "CNY", "en")  # fmt: skip
    assert errors["found"].text == NO_SUCH_CHOICE and decision.outcome is None
    _, errors = read_decision({**FORM, "action": "bogus"}, Status.HELD_FOR_DOCUMENTS, "CNY", "en")
    assert errors["action"].text == NO_SUCH_CHOICE
    _, errors = read_decision(FORM, Status.HELD_FOR_DOCUMENTS, "CNY", "en")
    assert errors["action"].text != NO_SUCH_CHOICE  # none chosen: "Choose a decision."
    for found in ("", "yes", "no"):
        _, errors = read_decision({**FORM, "action": "release", "found": found},
                                  Status.HELD_FOR_DOCUMENTS, "CNY", "en")  # fmt: skip
        assert "found" not in errors, found
