"""Representation: an importer's authority for a customs broker to declare its goods.

A customs broker declares in the name and on behalf of an importer only with the importer's
written authority: in China a letter of authorization signed by the principal (Customs Law of
the PRC, art. 9 and 10: a declaration enterprise entrusted to declare in the principal's name
presents it to customs; GACC's rules for customs brokers ask for a written agreement stating
the term of the entrustment), in the EU evidence of the representative's empowerment (Union
Customs Code, art. 18 and 19). A :class:`Representation` records one such authority: who
grants it (the importer), to whom (the broker), from when to when, the reference of the
written authority, and, once withdrawn, when and by whom.

The clearance services refuse a broker's declaration for an importer when no representation is
in force on the day of lodging (``declaration.no_authority``), and the same for an amendment
or a withdrawal. Parties are matched by their key (:func:`~cafta.clearance.goods.party_key`:
the name with case, spacing and character width folded), as everywhere else in clearance.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from cafta.clearance.goods import party_key
from cafta.core.errors import Conflict, InvalidInput
from cafta.core.names import checked_name, is_visible

__all__ = ["Representation", "Standing", "new_representation_id"]

_REFERENCE_LIMIT = 200
"""The longest reference of a written authority accepted (the numbers run to a few dozen)."""


def new_representation_id() -> str:
    """``rep_`` and 12 random hex digits."""
    return "rep_" + secrets.token_hex(6)


class Standing(StrEnum):
    """Where an authority stands on a day."""

    IN_FORCE = "in_force"
    NOT_YET = "not_yet"
    """It starts after the day."""
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Representation:
    """The authority ``importer`` gave ``broker`` to declare its goods, from ``valid_from``
    to ``valid_until`` (both days included; ``None``: until withdrawn)."""

    id: str
    importer: str
    broker: str
    valid_from: date
    valid_until: date | None
    granted_by: str
    granted_at: datetime
    reference: str | None = None
    """The written authority's number (an entrustment or a power of attorney), if given."""
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @classmethod
    def grant(
        cls,
        representation_id: str,
        importer: str,
        broker: str,
        *,
        by: str,
        at: datetime,
        valid_from: date | None = None,
        valid_until: date | None = None,
        reference: str | None = None,
    ) -> Representation:
        """A new representation, checked: both parties named, different, the dates in order
        and not over before they start to matter (``valid_until`` before ``at``'s day is
        refused, a ``valid_from`` in the past is kept: it says since when the paper runs)."""
        importer = _name(importer, "importer")
        broker = _name(broker, "broker")
        if party_key(importer) == party_key(broker):
            raise InvalidInput(
                f"'{broker}' is the importer itself: an importer needs no authority to "
                "declare its own goods",
                code="representation.self",
                hint="Name the customs broker who declares for the importer.",
                details={"field": "broker"},
            )
        start = valid_from or at.date()
        if valid_until is not None and valid_until < at.date():  # said first: the likelier slip
            raise InvalidInput(
                f"valid_until ({valid_until}) is already over",
                code="representation.dates",
                hint="An authority that has ended needs no recording; give a later end.",
                details={"field": "valid_until"},
            )
        if valid_until is not None and valid_until < start:
            raise InvalidInput(
                f"valid_until ({valid_until}) is before valid_from ({start})",
                code="representation.dates",
                hint="Give an end on or after the start, or none for an open-ended authority.",
                details={"field": "valid_until"},
            )
        if reference is not None:
            reference = reference.strip() or None
        if reference is not None:
            reference = checked_name(reference, "the authority's reference",
                                     "representation.reference")  # fmt: skip
            if len(reference) > _REFERENCE_LIMIT:
                raise InvalidInput(
                    f"the reference is {len(reference)} characters long; at most "
                    f"{_REFERENCE_LIMIT} are kept",
                    code="representation.reference",
                    hint="Give the number of the written authority, not its text.",
                    details={"field": "reference"},
                )
        return cls(representation_id, importer, broker, start, valid_until, by, at, reference)

    @property
    def importer_key(self) -> str:
        return party_key(self.importer)

    @property
    def broker_key(self) -> str:
        return party_key(self.broker)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def standing(self, on: date) -> Standing:
        """Where this authority stands on ``on``."""
        if self.revoked:
            return Standing.WITHDRAWN
        if on < self.valid_from:
            return Standing.NOT_YET
        if self.valid_until is not None and self.valid_until < on:
            return Standing.ENDED
        return Standing.IN_FORCE

    def in_force(self, on: date) -> bool:
        """Whether the broker may declare for the importer on ``on``."""
        return self.standing(on) is Standing.IN_FORCE

    def overlaps(self, other: Representation) -> bool:
        """Whether both are live authorities for the same importer and broker on a common day."""
        if self.revoked or other.revoked:
            return False
        if (self.importer_key, self.broker_key) != (other.importer_key, other.broker_key):
            return False
        ends_first = _earlier(self.valid_until, other.valid_until)
        return max(self.valid_from, other.valid_from) <= ends_first if ends_first else True

    def revoke(self, at: datetime, by: str) -> Representation:
        """This representation withdrawn at ``at`` by ``by`` (the importer, or the broker
        giving it up); declarations lodged before stay as they are."""
        if self.revoked:
            raise Conflict(
                f"representation {self.id} was already withdrawn on {self.revoked_at:%Y-%m-%d}",
                code="representation.revoked",
                hint="Nothing to do: the broker already holds no authority under it.",
            )
        return replace(self, revoked_at=at, revoked_by=by)

    def to_document(self) -> dict[str, Any]:
        """The JSON-safe form for the audit log and the API."""
        return {
            "id": self.id,
            "importer": self.importer,
            "broker": self.broker,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "reference": self.reference,
            "granted_by": self.granted_by,
            "granted_at": self.granted_at.astimezone(UTC).isoformat(),
            "revoked_at": self.revoked_at.astimezone(UTC).isoformat() if self.revoked_at else None,
            "revoked_by": self.revoked_by,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Representation:
        until, revoked = doc.get("valid_until"), doc.get("revoked_at")
        return cls(
            id=doc["id"],
            importer=doc["importer"],
            broker=doc["broker"],
            valid_from=date.fromisoformat(doc["valid_from"]),
            valid_until=date.fromisoformat(until) if until else None,
            granted_by=doc["granted_by"],
            granted_at=datetime.fromisoformat(doc["granted_at"]),
            reference=doc.get("reference"),
            revoked_at=datetime.fromisoformat(revoked) if revoked else None,
            revoked_by=doc.get("revoked_by"),
        )


def _name(text: str, what: str) -> str:
    if not is_visible(text):
        raise InvalidInput(
            f"the {what} is not named",
            code=f"representation.missing_{what}",
            hint=f"Give the {what}'s name as it appears on declarations.",
            details={"field": what},
        )
    return checked_name(text, f"the {what}'s name", f"representation.invalid_{what}")


def _earlier(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
