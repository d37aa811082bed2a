"""Risk profiles of parties and goods: smoothed fraud rates learnt from inspected history.

A profile is, per entity (an importer, a declarant, an HS6 line and origin...), the number of
inspected declarations, of frauds and of critical cases among them. Its rates are smoothed
towards the overall rate, ``(frauds + m * prior) / (count + m)``, so an entity seen once does not
get a rate of 0 or 1 (the DATE paper's "risk profiles" use ``frauds / (count + 10)``; Kim et al.,
KDD 2020, §3.1; risk-anchors.md §1).

**Leakage.** A profile computed on the rows a model is fitted on contains each row's own label:
on the benchmark, in-sample profiles cut precision at 5% from 0.67 to 0.51, out-of-fold ones
raise it to 0.92 (risk-anchors.md §4 and §6). :class:`Profiles` therefore supports subtraction:
the features of a training row are looked up in ``all - fold`` (the tallies of the other folds),
and a declaration being scored is looked up in the tallies of the past only. A profile never
sees the label of the row it describes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cafta.risk.dataset import Declaration

__all__ = ["ENTITIES", "Profiles", "Tally"]


def _pair(a: str, b: str) -> str:
    return f"{a}|{b}" if a and b else ""


ENTITIES: Mapping[str, Callable[[Declaration], str]] = {
    "importer": lambda d: d.importer,
    "declarant": lambda d: d.declarant,
    "seller": lambda d: d.seller,
    "courier": lambda d: d.courier,
    "hs6": lambda d: d.hs6,
    "hs4": lambda d: d.hs6[:4],
    "origin": lambda d: d.origin,
    "office": lambda d: d.office,
    "hs6_origin": lambda d: _pair(d.hs6, d.origin),
    "office_importer": lambda d: _pair(d.office, d.importer),
    "importer_hs6": lambda d: _pair(d.importer, d.hs6),
    "declarant_importer": lambda d: _pair(d.declarant, d.importer),
    "seller_importer": lambda d: _pair(d.seller, d.importer),
}
"""The entities profiled, and how each is keyed from a declaration ("" means none: no profile).

Parties (importer, declarant, seller, courier), goods (HS6 line, HS4 heading), origin, office,
and the pairs the DATE paper found to carry most signal (HS x origin, office x importer) plus
importer x line, declarant x importer and seller x importer.
"""

Tally = tuple[int, int, int]
"""``(count, frauds, critical cases)`` of inspected declarations."""


@dataclass(frozen=True, slots=True)
class Profiles:
    """Tallies per entity kind and key, with the overall counts for the smoothing prior."""

    tallies: Mapping[str, Mapping[str, Tally]]
    rows: int
    frauds: int
    criticals: int

    @classmethod
    def fit(cls, history: Iterable[Declaration]) -> Profiles:
        """Tally the labelled declarations of ``history`` (unlabelled ones are skipped)."""
        tallies: dict[str, dict[str, list[int]]] = {kind: {} for kind in ENTITIES}
        rows = frauds = criticals = 0
        keyers = list(ENTITIES.items())
        for d in history:
            if d.fraud is None:
                continue
            fraud = 1 if d.is_fraud else 0
            critical = 1 if d.is_critical else 0
            rows += 1
            frauds += fraud
            criticals += critical
            for kind, key_of in keyers:
                key = key_of(d)
                if not key:
                    continue
                tally = tallies[kind].get(key)
                if tally is None:
                    tallies[kind][key] = [1, fraud, critical]
                else:
                    tally[0] += 1
                    tally[1] += fraud
                    tally[2] += critical
        frozen = {
            kind: {key: (t[0], t[1], t[2]) for key, t in table.items()}
            for kind, table in tallies.items()
        }
        return cls(frozen, rows, frauds, criticals)

    @classmethod
    def empty(cls) -> Profiles:
        return cls({kind: {} for kind in ENTITIES}, 0, 0, 0)

    def tally(self, kind: str, key: str, minus: Profiles | None = None) -> Tally:
        """The tally of ``key``, less what ``minus`` (a subset of the history) holds for it."""
        count, frauds, criticals = self.tallies[kind].get(key, (0, 0, 0))
        if minus is not None:
            c, f, k = minus.tallies[kind].get(key, (0, 0, 0))
            count, frauds, criticals = count - c, frauds - f, criticals - k
        return count, frauds, criticals

    def priors(self, minus: Profiles | None = None) -> tuple[float, float, float]:
        """Overall fraud and critical rates, and the share of the history in use."""
        rows, frauds, criticals = self.rows, self.frauds, self.criticals
        if minus is not None:
            rows, frauds, criticals = (
                rows - minus.rows,
                frauds - minus.frauds,
                criticals - minus.criticals,
            )
        if rows <= 0:
            return 0.0, 0.0, 1.0
        return frauds / rows, criticals / rows, rows / max(self.rows, 1)

    def to_document(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "frauds": self.frauds,
            "criticals": self.criticals,
            "tallies": {
                kind: {key: list(t) for key, t in sorted(table.items())}
                for kind, table in self.tallies.items()
            },
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Profiles:
        """The profiles :meth:`to_document` wrote."""
        tallies: dict[str, dict[str, Tally]] = {kind: {} for kind in ENTITIES}
        for kind, table in document["tallies"].items():
            tallies[str(kind)] = {
                str(k): (int(t[0]), int(t[1]), int(t[2])) for k, t in table.items()
            }
        return cls(
            tallies, int(document["rows"]), int(document["frauds"]), int(document["criticals"])
        )
