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
from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
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
        key = text.strip().upper()
        try:
            return cls(_TYPE_ALIASES.get(key, key))
        except ValueError:
            raise InvalidInput(
                f"unknown measure type '{text}'",
                code="tariff.unknown_measure_type",
                hint=f"Use one of: {', '.join(m.value for m in cls)}.",
            ) from None


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
        key = text.strip().lower().replace("_", "-")
        key = {"forme": "form-e", "e": "form-e", "e-form-e": "form-e"}.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise InvalidInput(
                f"unknown proof of origin '{text}'",
                code="tariff.unknown_proof",
                hint=f"Use one of: {', '.join(p.value for p in cls)}.",
            ) from None


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
