"""The trusted-trader register: the importers an office treats as authorised economic operators.

An authorised economic operator (AEO) is a trader whose compliance a customs administration
has certified (the WCO SAFE Framework of Standards; China Customs' advanced certification, and
the AEO mutual recognition China and ASEAN members pursue, acfta-rules.md). Selectivity takes the
compliance record of traders into account (WTO Trade Facilitation Agreement, Art. 7.4.3), and
ASYCUDA's blue lane releases such traders' goods at once, for audit after clearance
(risk-anchors.md §5: "Blue (post-clearance), optional 1–2%, trusted traders/AEO with residual
risk"). A register entry makes the importer's declarations ``trusted_trader``
(:class:`cafta.risk.subject.RiskSubject`): the rule scorer discounts their score and the blue
lane may take them while its quota lasts (:mod:`cafta.risk.lanes`).

The register is data an office keeps (JSON or YAML, parsed at the edge), read as strictly as
rule sets and quota tables (:mod:`cafta.risk.documents`); its format is in
``docs/risk-rules.md``. Names are matched exactly after the folding the party watch-list uses
(:func:`cafta.risk.watchlists.normalise_party`: Unicode NFKC, case folding, single spaces), a
superset of the clearance package's ``party_key``; never fuzzily, since a match releases goods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields
from cafta.core.provenance import Status
from cafta.risk.documents import check_known, validity
from cafta.risk.watchlists import normalise_party

__all__ = ["TrustedTrader", "TrustedTraders"]

_FIELDS = ("name", "programme", "reference", "status", "valid_from", "valid_to")


@dataclass(frozen=True, slots=True)
class TrustedTrader:
    """One register entry: a trader, the programme that certified it and where that is written.

    ``validity`` (both ends inclusive) is when the certification is in force; ``None`` means
    always. ``key`` is the folded name used for matching."""

    name: str
    programme: str
    reference: str
    status: Status
    validity: Validity | None = None
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("name", "programme", "reference"):
            text = " ".join(getattr(self, name).split())
            if not text:
                raise InvalidInput(f"{name} is empty", code="risk.missing_field")
            object.__setattr__(self, name, text)
        object.__setattr__(self, "key", normalise_party(self.name))

    def active(self, on: date) -> bool:
        return self.validity is None or self.validity.contains(on)

    def describe(self) -> str:
        """``'<name>' is a trusted trader: <programme>; reference: <reference>``, with
        ``(illustrative)`` at the end for an illustrative entry."""
        text = f"'{self.name}' is a trusted trader: {self.programme}; reference: {self.reference}"
        return f"{text} (illustrative)" if self.status is Status.ILLUSTRATIVE else text


def _overlap(a: TrustedTrader, b: TrustedTrader) -> bool:
    if a.validity is None or b.validity is None:
        return True
    return a.validity.overlaps(b.validity)


def _clash(traders: tuple[TrustedTrader, ...]) -> tuple[int, int] | None:
    """The first entry in force on a day when an earlier one of the same trader is, and that
    earlier one (their indexes)."""
    seen: dict[str, list[int]] = {}
    for index, trader in enumerate(traders):
        same = seen.setdefault(trader.key, [])
        for before in same:
            if _overlap(trader, traders[before]):
                return index, before
        same.append(index)
    return None


def _clash_error(trader: TrustedTrader, other: str) -> InvalidInput:
    return InvalidInput(
        f"'{trader.name}' is also listed at {other}, in force on the same day",
        code="risk.invalid_trader",
        hint="Give each entry of one trader a validity that does not overlap.",
    )


def _entry(fields: Fields) -> TrustedTrader:
    check_known(fields, _FIELDS)
    text = fields.text("status")
    try:
        status = Status.parse(text)
    except InvalidInput as error:
        raise fields.wrap(error, "status") from None
    return TrustedTrader(
        name=fields.text("name"),
        programme=fields.text("programme"),
        reference=fields.text("reference"),
        status=status,
        validity=validity(fields),
    )


@dataclass(frozen=True, slots=True)
class TrustedTraders:
    """The register: who is trusted, under which programme, and when."""

    traders: tuple[TrustedTrader, ...] = ()
    _index: dict[str, tuple[TrustedTrader, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "traders", tuple(self.traders))
        clash = _clash(self.traders)
        if clash is not None:
            raise _clash_error(self.traders[clash[0]], f"entry {clash[1] + 1}")
        index: dict[str, list[TrustedTrader]] = {}
        for trader in self.traders:
            index.setdefault(trader.key, []).append(trader)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    def __len__(self) -> int:
        return len(self.traders)

    def is_trusted(self, name: str, on: date) -> TrustedTrader | None:
        """The entry that makes ``name`` a trusted trader on ``on``, or ``None``.

        ``name`` is folded as the register's names are (``' PINGXIANG  rubber industry (demo)'``
        matches ``'Pingxiang Rubber Industry (demo)'``); an entry out of its validity does not
        count."""
        for trader in self._index.get(normalise_party(name), ()):
            if trader.active(on):
                return trader
        return None

    @classmethod
    def from_document(cls, document: object) -> TrustedTraders:
        """``{"traders": [{"name", "programme", "reference", "status", "valid_from"?,
        "valid_to"?}]}``; ``traders`` may be empty or absent (no one is trusted).

        Unknown keys are refused and every error names its field
        (``traders[1].valid_to: validity ends (2026-01-01) before it starts (2026-06-01)``).
        """
        doc = Fields(document, prefix="risk")
        check_known(doc, ("traders",))
        items = list(doc.objects("traders", required=False))
        entries = tuple(_entry(item) for item in items)
        clash = _clash(entries)
        if clash is not None:
            index, before = clash
            error = _clash_error(entries[index], f"traders[{before}]")
            raise items[index].wrap(error, "name")
        return cls(entries)
