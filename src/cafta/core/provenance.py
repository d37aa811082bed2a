"""Where a rate or rule comes from, and whether it may be relied on.

Every rate, rule and threshold carries a legal or documentary ``reference`` and a
:class:`Status`: ``official`` when it is taken from a legal text, an official body or a source
cited in ``docs/data-sources.md``; ``illustrative`` when it was added to make a demonstration
useful or could not be confirmed. Illustrative data is labelled as such wherever it surfaces: a
result computed from any illustrative input is itself illustrative (:func:`combine`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from cafta.core.vocabulary import parse_member


class Status(StrEnum):
    OFFICIAL = "official"
    ILLUSTRATIVE = "illustrative"

    @classmethod
    def parse(cls, text: str) -> Status:
        return parse_member(cls, text, what="status", code="status.invalid")


def combine(statuses: Iterable[Status]) -> Status:
    """The status of a result built from several inputs: illustrative if any input is."""
    return (
        Status.ILLUSTRATIVE if any(s is Status.ILLUSTRATIVE for s in statuses) else Status.OFFICIAL
    )
