"""What happened to a declaration: events, named in the past tense.

The aggregate records them as it changes; the unit of work stores them in the outbox (for other
processes and customs nodes) and the audit log, in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from cafta.core.frozen import direct_init

__all__ = [
    "DeclarationAmended",
    "DeclarationCancelled",
    "DeclarationLodged",
    "DeclarationRejected",
    "DocumentsRequested",
    "DutyAssessed",
    "Event",
    "GoodsReleased",
    "InspectionOrdered",
    "InspectionRecorded",
    "LaneAssigned",
    "PreferenceChecked",
]


@direct_init
@dataclass(frozen=True, slots=True)
class Event:
    declaration_id: str
    at: datetime
    actor: str

    @property
    def name(self) -> str:
        return type(self).__name__

    def payload(self) -> dict[str, Any]:
        """The event as a JSON-safe mapping (``at`` in ISO 8601)."""
        data: dict[str, Any] = {"event": self.name}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data


_FIELD_NAMES: dict[type[Event], tuple[str, ...]] = {}


def _field_names(kind: type[Event]) -> tuple[str, ...]:
    """The fields of an event class, in order, looked up once per class. Each event becomes a
    payload twice (the history, then the outbox and audit log), several per declaration, and
    :func:`dataclasses.fields` builds its answer anew on every call. Two threads filling the
    same entry at once store the same names."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


@direct_init
@dataclass(frozen=True, slots=True)
class DeclarationLodged(Event):
    office: str
    importer: str
    items: int


@direct_init
@dataclass(frozen=True, slots=True)
class PreferenceChecked(Event):
    outcome: str
    reference: str | None
    findings: int


@direct_init
@dataclass(frozen=True, slots=True)
class DutyAssessed(Event):
    currency: str
    duty: str
    vat: str
    total: str


@direct_init
@dataclass(frozen=True, slots=True)
class LaneAssigned(Event):
    lane: str
    score: str
    selected_by: str
    reasons: tuple[str, ...]


@direct_init
@dataclass(frozen=True, slots=True)
class GoodsReleased(Event):
    lane: str | None
    note: str | None


@direct_init
@dataclass(frozen=True, slots=True)
class DocumentsRequested(Event):
    note: str | None


@direct_init
@dataclass(frozen=True, slots=True)
class InspectionOrdered(Event):
    note: str | None


@direct_init
@dataclass(frozen=True, slots=True)
class InspectionRecorded(Event):
    found: bool
    what: str | None
    revenue_recovered: str | None
    currency: str | None
    note: str | None


@direct_init
@dataclass(frozen=True, slots=True)
class DeclarationRejected(Event):
    note: str | None


@direct_init
@dataclass(frozen=True, slots=True)
class DeclarationCancelled(Event):
    note: str | None


@direct_init
@dataclass(frozen=True, slots=True)
class DeclarationAmended(Event):
    items: int
