"""The officer's decision form on a declaration's page: the decisions offered, and what was typed
read into the service's :class:`~cafta.services.clearance.Decide`.

The form offers only the decisions the declaration's status allows (:func:`actions_for`, from
the lifecycle's transitions, :mod:`cafta.clearance.lifecycle`): held for documents, release,
reject, request documents or order an inspection; held for inspection, release, reject, request
documents, or record the outcome of the inspection ordered without deciding yet. An inspection
outcome (found or not, what, revenue recovered) goes with any of them and is recorded first.

:func:`read_decision` checks what the form can check itself and reports it all at once: no
decision chosen, one the status does not allow, a text too long, the revenue recovered not a
number written the page's way (or one that reads two ways, or with more decimals than the
currency has), what was found or a revenue typed while the outcome is left at "not yet
inspected" (it would be dropped silently), a record of the outcome with no outcome chosen, and
a decision or an outcome the buttons do not offer (a crafted form: ``found=maybe`` is refused,
never read as "not yet inspected").
What was typed is kept to be shown again (:func:`kept`), its amount rewritten the way of the
page it comes back on, or kept as typed with the language it was typed in when it cannot be
read that way (read another way, it could be misread).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cafta.clearance.lifecycle import Status, check_transition
from cafta.core.errors import Conflict
from cafta.services.clearance import Action
from cafta.web.forms import NO_SUCH_CHOICE, Errors, own, read_number, text_of, too_long
from cafta.web.i18n import N_
from cafta.web.numbers import FIELD as NUMBERS_FIELD
from cafta.web.numbers import style_of

__all__ = ["ACTIONS", "FIELDS", "Decision", "actions_for", "kept", "read_decision"]

ACTIONS = {
    Action.RELEASE: N_("Release"),
    Action.REJECT: N_("Reject"),
    Action.REQUEST_DOCUMENTS: N_("Request documents"),
    Action.INSPECT: N_("Order or record an inspection"),
}
RECORD_ONLY = N_("Record the inspection outcome only (decide later)")
"""The inspect action on a declaration already held for inspection: it only records."""
_TARGETS = {
    Action.RELEASE: Status.RELEASED,
    Action.REJECT: Status.REJECTED,
    Action.REQUEST_DOCUMENTS: Status.HELD_FOR_DOCUMENTS,
    Action.INSPECT: Status.HELD_FOR_INSPECTION,
}
"""The status each decision leads to."""
CHOOSE = N_("Choose a decision.")
NOT_OFFERED = N_(
    "This decision is not possible for the declaration in its current status (shown above): "
    "choose one of those offered."
)
OUTCOME_MISSING = N_(
    "Choose what the inspection found (something or nothing): what was found and the revenue "
    "recovered are recorded with it. Clear them if there is no outcome to record."
)
RECORD_WHAT = N_("Choose what the inspection found (something or nothing) to record it.")
_LIMITS = {"note": 500, "what": 500, "revenue_recovered": 40}
"""The most characters each typed field takes: longer is refused, never cut."""
_TYPED = ("action", "note", "found", "what", "revenue_recovered")
FIELDS = {
    "action": "action",
    "note": "note",
    "outcome": "found",
    "outcome.found": "found",
    "outcome.what": "what",
    "outcome.revenue_recovered": "revenue_recovered",
    "outcome.revenue_recovered.amount": "revenue_recovered",
    "outcome.revenue_recovered.currency": "revenue_recovered",
}
"""The form field each path of the service's errors names."""


def actions_for(status: Status) -> dict[Action, str]:
    """The decisions an officer may take on a declaration that is ``status``, with their
    labels (msgids): those the lifecycle allows. On one held for inspection "inspect" cannot
    order another inspection, only record the outcome of the one ordered; recording an outcome
    is possible with any decision on a held declaration (the outcome's fieldset)."""
    offered: dict[Action, str] = {}
    if not status.held:
        return offered
    for action, target in _TARGETS.items():
        try:
            check_transition(status, target, action.value)
        except Conflict:
            if action is Action.INSPECT and status is Status.HELD_FOR_INSPECTION:
                offered[action] = RECORD_ONLY
            continue
        offered[action] = ACTIONS[action]
    return offered


@dataclass(frozen=True, slots=True)
class Decision:
    """The form as read: what was typed (by field name), the language its amount was typed in,
    the action (``None`` when none valid was chosen) and the outcome (``None``: none)."""

    typed: dict[str, str]
    numbers: str
    action: Action | None
    outcome: dict[str, Any] | None


def _outcome(
    typed: Mapping[str, str], currency: str, numbers: str, errors: Errors
) -> dict[str, Any] | None:
    found, recovered = typed["found"], typed["revenue_recovered"]
    amount = None
    if recovered and "revenue_recovered" not in errors:
        amount, problem = read_number(recovered, style_of(numbers, "en"), currency=currency)
        if problem is not None:
            errors["revenue_recovered"] = problem
    if found not in ("", "yes", "no"):
        errors["found"] = own(NO_SUCH_CHOICE)
        return None
    if found not in ("yes", "no"):
        if typed["what"] or recovered:
            errors["found"] = own(OUTCOME_MISSING)
        return None
    outcome: dict[str, Any] = {"found": found == "yes"}
    if typed["what"]:
        outcome["what"] = typed["what"]
    if amount is not None:
        outcome["revenue_recovered"] = {"amount": f"{amount:f}", "currency": currency}
    return outcome


def read_decision(
    form: Mapping[str, Any], status: Status, currency: str, page: str
) -> tuple[Decision, Errors]:
    """The decision ``form`` describes, on a declaration that is ``status`` whose amounts are
    in ``currency``, sent from a page in the language ``page``; with a message for each field
    it finds wrong (the decision is to be sent only when there is none)."""
    typed = {name: text_of(form, name, None) for name in _TYPED}
    numbers = style_of(form.get(NUMBERS_FIELD), page).language
    errors: Errors = {}
    action = next((a for a in Action if a.value == typed["action"]), None)
    if action is None:
        errors["action"] = own(NO_SUCH_CHOICE if typed["action"] else CHOOSE)
    elif action not in actions_for(status):  # the page was older than the status
        errors["action"] = own(NOT_OFFERED)
    for name, limit in _LIMITS.items():
        if len(typed[name]) > limit:
            errors[name] = too_long(limit)
    outcome = _outcome(typed, currency, numbers, errors)
    recording = status is Status.HELD_FOR_INSPECTION and action is Action.INSPECT
    if recording and outcome is None and "found" not in errors:
        errors["found"] = own(RECORD_WHAT)
    return Decision(typed, numbers, action, outcome), errors


def kept(decision: Decision, page: str) -> dict[str, str]:
    """What was typed, to show again on a page in the language ``page`` (with ``numbers``, the
    language its amount is now written in)."""
    source, target = style_of(decision.numbers, page), style_of(page, page)
    recovered = decision.typed["revenue_recovered"]
    if not source.readable(recovered):
        return {**decision.typed, "numbers": source.language}
    written = source.restyle(recovered, target)
    return {**decision.typed, "revenue_recovered": written, "numbers": target.language}
