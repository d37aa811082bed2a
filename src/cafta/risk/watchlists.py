"""Watch-lists: parties and conveyances an office wants to look at (rules R1 and R2).

A watch-list is data an office maintains (the compliance record of traders and the means of
transport are selectivity criteria of the WTO Trade Facilitation Agreement, Art. 7.4.3). Each
:class:`WatchList` has an id (``W1``), a reference and a status; each :class:`WatchEntry` names
one importer, declarant, exporter (or any party), vehicle plate or container, with its own
reason, dated validity and :class:`~cafta.risk.rules.Effect` (force red by default, or yellow,
blue, or only add to the score).

Matching is exact after normalisation, never fuzzy: a watch-list hit may hold goods, so it must
be reproducible and explainable. Party names are compared after Unicode NFKC folding (full-width
forms pasted from Chinese documents), case folding and collapsing spaces; plates and container
numbers after dropping everything but letters and digits (``29C-123.45`` = ``29C12345``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.core.remembered import Remembered
from cafta.core.vocabulary import parse_member
from cafta.risk.rules import Effect, Finding, RuleContext, RuleHit, hit_from, illustrative_note
from cafta.risk.subject import RiskSubject

__all__ = [
    "ConveyanceWatchRule",
    "PartyWatchRule",
    "WatchEntry",
    "WatchKind",
    "WatchList",
    "normalise_conveyance",
    "normalise_party",
]


class WatchKind(StrEnum):
    """What a watch-list entry names. ``party`` matches importer, declarant and exporter."""

    IMPORTER = "importer"
    DECLARANT = "declarant"
    EXPORTER = "exporter"
    PARTY = "party"
    PLATE = "plate"
    CONTAINER = "container"

    @classmethod
    def parse(cls, text: str) -> WatchKind:
        return parse_member(cls, text, what="watch-list kind", code="risk.invalid_rule")

    @property
    def is_conveyance(self) -> bool:
        return self in (WatchKind.PLATE, WatchKind.CONTAINER)


def normalise_party(name: str) -> str:
    """``'  ＡＢＣ  Trading\\tCo '`` → ``'abc trading co'``: NFKC, case-folded, single spaces."""
    return _party_key(name)


def _normalise_party(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# Every declaration's three parties are folded for rule R1, and the same importers, brokers
# and exporters come back all day: their folded names are remembered.
_party_key = Remembered(_normalise_party, size=4096, longest=300)


def normalise_conveyance(text: str) -> str:
    """``'29c-123.45'`` → ``'29C12345'``: letters and digits only, upper case."""
    folded = unicodedata.normalize("NFKC", text).upper()
    if folded.isalnum():  # already compact, as the clearance package stores plates and boxes
        return folded
    return "".join(char for char in folded if char.isalnum())


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """One watched party or conveyance. ``key`` is the normalised form used for matching."""

    kind: WatchKind
    value: str
    reason: str
    effect: Effect
    validity: Validity | None = None
    key: str = field(init=False)

    def __post_init__(self) -> None:
        normalise = normalise_conveyance if self.kind.is_conveyance else normalise_party
        key = normalise(self.value)
        if not key:
            raise InvalidInput(f"watch-list {self.kind} entry is empty", code="risk.invalid_rule")
        object.__setattr__(self, "key", key)

    def active(self, on: date) -> bool:
        return self.validity is None or self.validity.contains(on)


@dataclass(frozen=True, slots=True)
class WatchList:
    """A named list of entries, with the reference it comes from and its status."""

    id: str
    title: str
    entries: tuple[WatchEntry, ...]
    reference: str
    status: Status


_Index = dict[tuple[WatchKind, str], tuple[tuple[WatchList, WatchEntry], ...]]


def _build_index(lists: tuple[WatchList, ...]) -> _Index:
    index: dict[tuple[WatchKind, str], list[tuple[WatchList, WatchEntry]]] = {}
    for watch_list in lists:
        for entry in watch_list.entries:
            index.setdefault((entry.kind, entry.key), []).append((watch_list, entry))
    return {key: tuple(found) for key, found in index.items()}


def _finding(shown: str, watch_list: WatchList, entry: WatchEntry) -> Finding:
    text = (
        f"{shown} is on watch-list {watch_list.id} (reason: {entry.reason})"
        f"{illustrative_note(watch_list.status)}"
    )
    return Finding(entry.effect, text, watch_list.status)


@dataclass(frozen=True, slots=True)
class PartyWatchRule:
    """R1: the importer, declarant or exporter is on a watch-list (default: force red)."""

    lists: tuple[WatchList, ...] = ()
    id: str = "R1"
    name: str = "party watch-list"
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.lists))

    def _parties(self, subject: RiskSubject) -> Iterator[tuple[WatchKind, str]]:
        yield WatchKind.IMPORTER, subject.importer
        if subject.declarant:
            yield WatchKind.DECLARANT, subject.declarant
        if subject.exporter:
            yield WatchKind.EXPORTER, subject.exporter

    def evaluate(self, subject: RiskSubject, context: RuleContext) -> RuleHit | None:
        findings = []
        for role, name in self._parties(subject):
            key = normalise_party(name)
            for kind in (role, WatchKind.PARTY):
                for watch_list, entry in self._index.get((kind, key), ()):
                    if entry.active(subject.on):
                        findings.append(_finding(f"{role.value} '{name}'", watch_list, entry))
        return hit_from(self.id, self.name, findings)


@dataclass(frozen=True, slots=True)
class ConveyanceWatchRule:
    """R2: the vehicle plate or container number is on a watch-list (default: force red)."""

    lists: tuple[WatchList, ...] = ()
    id: str = "R2"
    name: str = "conveyance watch-list"
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.lists))

    def evaluate(self, subject: RiskSubject, context: RuleContext) -> RuleHit | None:
        findings = []
        watched = (
            (WatchKind.PLATE, "vehicle plate", subject.vehicle_plate),
            (WatchKind.CONTAINER, "container", subject.container),
        )
        for kind, what, value in watched:
            if not value:
                continue
            for watch_list, entry in self._index.get((kind, normalise_conveyance(value)), ()):
                if entry.active(subject.on):
                    findings.append(_finding(f"{what} '{value}'", watch_list, entry))
        return hit_from(self.id, self.name, findings)
