"""The lifecycle of a declaration: its statuses, the lanes, and which changes are allowed.

::

    lodged ──► assessed ──► released                       (green, blue: released at once)
                   │
                   ├──► held_for_documents ──► released | rejected | held_for_inspection
                   │         ▲   │ amend → lodged (assessed again, held again: yellow or red)
                   │         └───┘ request_documents
                   └──► held_for_inspection ──► released | rejected
    lodged, assessed, held_* ──► cancelled (by the declarant, before release)

Lanes follow ASYCUDA's selectivity (UNCTAD ASYCUDA++ Functional Manual §6; risk-anchors.md §5):
green releases at once, yellow holds for a documentary check, red for a physical inspection,
blue releases at once and marks the declaration for post-clearance audit.
"""

from __future__ import annotations

from enum import StrEnum

from cafta.core.errors import Conflict

__all__ = ["Lane", "Status", "check_transition"]


class Status(StrEnum):
    LODGED = "lodged"
    ASSESSED = "assessed"
    HELD_FOR_DOCUMENTS = "held_for_documents"
    HELD_FOR_INSPECTION = "held_for_inspection"
    RELEASED = "released"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (Status.RELEASED, Status.REJECTED, Status.CANCELLED)

    @property
    def held(self) -> bool:
        return self in (Status.HELD_FOR_DOCUMENTS, Status.HELD_FOR_INSPECTION)


class Lane(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    BLUE = "blue"


_HELD = (Status.HELD_FOR_DOCUMENTS, Status.HELD_FOR_INSPECTION)
_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.LODGED: frozenset({Status.ASSESSED, Status.REJECTED, Status.CANCELLED}),
    Status.ASSESSED: frozenset({Status.RELEASED, *_HELD, Status.REJECTED, Status.CANCELLED}),
    Status.HELD_FOR_DOCUMENTS: frozenset(
        {Status.RELEASED, Status.REJECTED, Status.CANCELLED, Status.LODGED, *_HELD}
    ),
    Status.HELD_FOR_INSPECTION: frozenset(
        {Status.RELEASED, Status.REJECTED, Status.CANCELLED, Status.HELD_FOR_DOCUMENTS}
    ),
    Status.RELEASED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.CANCELLED: frozenset(),
}


def check_transition(current: Status, target: Status, action: str) -> None:
    """Raise :class:`Conflict` (``declaration.transition``) if ``action`` may not move a
    declaration from ``current`` to ``target``."""
    if target not in _ALLOWED[current]:
        raise Conflict(
            f"cannot {action} a declaration that is {_words(current)}",
            code="declaration.transition",
            hint=_allowed_from(target)
            if not current.final
            else "The declaration is closed; lodge a new one if needed.",
            details={"status": current.value, "action": action},
        )


def _words(status: Status) -> str:
    return status.value.replace("_", " ")


def _allowed_from(target: Status) -> str:
    """Which statuses lead to ``target``: what the declarant or officer can do instead."""
    sources = [_words(s) for s, targets in _ALLOWED.items() if target in targets]
    if not sources:  # pragma: no cover - every status but lodged is reached from another
        return "Reload the declaration to see its status."
    listed = sources[0] if len(sources) == 1 else ", ".join(sources[:-1]) + " or " + sources[-1]
    return f"This can be done only to a declaration that is {listed}."
