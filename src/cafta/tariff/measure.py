"""The tariff measure: one dated rate of one type, for one line, from one area of origin.

Vocabulary follows the UK Online Trade Tariff and EU TARIC (measure, measure type, duty
expression, geographical area, condition, legal base). A :class:`Measure` says: goods of
``line`` (a tariff-line prefix: an HS heading, a subheading or a national 8/10-digit line; the
empty prefix covers every line) imported into ``importing_party`` from ``area`` pay ``duty`` of
type ``measure_type``, provided the ``proof`` of origin is produced, on the days of ``validity``,
under ``reference``. The most specific line wins for the same type, area and proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cafta.core.dates import Validity
from cafta.core.provenance import Status
from cafta.core.vocabulary import parse_member
from cafta.tariff.expression import Expression


class MeasureType(StrEnum):
    """The columns of a customs tariff (China's Tariff Law 2024 Art. 9) plus import taxes."""

    MFN = "MFN"
    PROVISIONAL = "PROVISIONAL"
    GENERAL = "GENERAL"
    ACFTA = "ACFTA"
    RCEP = "RCEP"
    SPECIAL = "SPECIAL"  # special preferential rates for least developed countries
    CONSUMPTION = "CONSUMPTION"  # consumption tax / excise
    VAT = "VAT"  # import VAT, GST or sales tax

    @property
    def is_duty(self) -> bool:
        return self not in (MeasureType.CONSUMPTION, MeasureType.VAT)

    @property
    def is_preferential(self) -> bool:
        return self in (MeasureType.ACFTA, MeasureType.RCEP, MeasureType.SPECIAL)

    @property
    def label(self) -> str:
        return _TITLES[self]

    @classmethod
    def parse(cls, text: str) -> MeasureType:
        return parse_member(
            cls, text, what="measure type", code="tariff.unknown_measure_type",
            aliases=_TYPE_ALIASES,
        )  # fmt: skip


_TITLES = {
    MeasureType.MFN: "Most-favoured-nation duty",
    MeasureType.PROVISIONAL: "Provisional duty",
    MeasureType.GENERAL: "General duty",
    MeasureType.ACFTA: "ACFTA preferential duty",
    MeasureType.RCEP: "RCEP preferential duty",
    MeasureType.SPECIAL: "Special preferential duty (LDC)",
    MeasureType.CONSUMPTION: "Consumption tax",
    MeasureType.VAT: "Import VAT",
}
_TYPE_ALIASES = {"EXCISE": "CONSUMPTION", "GST": "VAT", "SALES_TAX": "VAT"}


class Proof(StrEnum):
    """Proofs of origin a preferential measure may require."""

    FORM_E = "form-e"  # ACFTA certificate of origin (paper or electronic)
    RCEP = "rcep"  # RCEP certificate or declaration of origin
    LDC = "ldc"  # certificate for China's special preferential (LDC) tariff

    @property
    def label(self) -> str:
        return {"form-e": "Form E", "rcep": "RCEP proof of origin", "ldc": "LDC certificate"}[
            self.value
        ]

    @classmethod
    def parse(cls, text: str) -> Proof:
        return parse_member(
            cls, text, what="proof of origin", code="tariff.unknown_proof",
            aliases={"forme": "form-e", "e": "form-e", "e-form-e": "form-e"},
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Measure:
    importing_party: str
    line: str
    measure_type: MeasureType
    area: str
    duty: Expression
    validity: Validity
    reference: str
    status: Status
    proof: Proof | None = None
    description: str = ""
    note: str = ""
    source: str = "cafta"

    @property
    def key(self) -> tuple[str, str, MeasureType, str, Proof | None]:
        """What makes two measures the same measure (a later source replaces an earlier one)."""
        return (self.importing_party, self.line, self.measure_type, self.area, self.proof)
