"""Response documents of the API, as msgspec Structs (the OpenAPI document's schemas).

They have the shapes of the CLI's ``--json`` output, so a program can move between the two.
Amounts, rates and percentages are strings holding exact decimals; dates are ISO 8601; every
result carries its ``status``: ``official``, or ``illustrative`` when it rests on data that is
not confirmed.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from cafta.api.schemas import Money

__all__ = [
    "AppliedRuleDocument",
    "CertificateSummary",
    "CriterionTried",
    "DeMinimisWorking",
    "DutyAssessment",
    "DutyStep",
    "FindingDocument",
    "Health",
    "HsMatch",
    "HsSearch",
    "ItemVerdictDocument",
    "MaterialCounted",
    "OriginAssessment",
    "ProductDocument",
    "RateOptionDocument",
    "RegimeCostDocument",
    "RvcWorking",
    "TariffLookupDocument",
    "TariffMeasure",
    "TariffShiftCheck",
    "VerificationDocument",
]


class Health(msgspec.Struct, frozen=True):
    status: str


# --- hs ---------------------------------------------------------------------------------------


class HsMatch(msgspec.Struct, frozen=True):
    code: str
    formatted: str
    level: int
    description: str
    score: float
    """Relevance, higher is better (not an amount)."""


class HsSearch(msgspec.Struct, frozen=True):
    query: str
    edition: str
    matches: list[HsMatch]


# --- tariff -----------------------------------------------------------------------------------


class TariffMeasure(msgspec.Struct, frozen=True):
    measure_type: str
    line: str
    origin: str
    """The area of origin the measure applies to (a country or group code)."""
    duty: str
    proof: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    reference: str
    note: str
    source: str


class RateOptionDocument(msgspec.Struct, frozen=True):
    proofs: list[str]
    regime: str | None
    rate: str
    status: str


class TariffLookupDocument(msgspec.Struct, frozen=True):
    query: str
    line: str
    description: str
    importing_party: str
    origin: str
    on: dt.date
    measures: list[TariffMeasure]
    taxes: list[TariffMeasure]
    options: list[RateOptionDocument]
    notes: list[str]
    status: str


# --- duty -------------------------------------------------------------------------------------


class DutyStep(msgspec.Struct, frozen=True):
    step: str
    label: str
    basis: str
    rate: str
    amount: str
    currency: str
    reference: str
    status: str


class RegimeCostDocument(msgspec.Struct, frozen=True):
    regime: str
    rate: str
    requires: str | None
    eligible: bool
    duty: str
    consumption_tax: str
    vat: str
    total: str
    status: str


class DutyAssessment(msgspec.Struct, frozen=True):
    line: str
    description: str
    origin: str
    destination: str
    on: dt.date
    regime: str
    currency: str
    customs_value: str
    duty: str
    consumption_tax: str
    vat: str
    total: str
    saving: str
    steps: list[DutyStep]
    alternatives: list[RegimeCostDocument]
    notes: list[str]
    status: str


# --- origin: the evidence pack of cafta.origin.evidence ------------------------------------


class ProductDocument(msgspec.Struct, frozen=True):
    line: str
    description: str


class AppliedRuleDocument(msgspec.Struct, frozen=True):
    source: str
    text: str
    reference: str
    status: str


class RvcWorking(msgspec.Struct, frozen=True):
    method: str
    fob: Money
    non_originating: Money
    percent: str
    threshold: str
    met: bool
    working: str


class TariffShiftCheck(msgspec.Struct, frozen=True):
    material: int
    description: str
    line: str | None
    origin: str | None
    requirement: str
    met: bool
    reason: str


class DeMinimisWorking(msgspec.Struct, frozen=True):
    basis: str
    share: str
    limit: str
    met: bool
    working: str


class MaterialCounted(msgspec.Struct, frozen=True):
    material: int
    description: str
    line: str | None
    origin: str | None
    role: str
    value: Money
    originating: bool
    note: str | None


class CriterionTried(msgspec.Struct, frozen=True):
    criterion: str
    met: bool
    reasons: list[str]


class OriginAssessment(msgspec.Struct, frozen=True):
    originating: bool
    summary: str
    scheme: str
    exporting_party: str
    importing_party: str
    product: ProductDocument
    date: dt.date
    criterion: str | None
    box8: str | None
    rule: AppliedRuleDocument
    rvc: RvcWorking | None
    tariff_shift: list[TariffShiftCheck]
    de_minimis: DeMinimisWorking | None
    materials: list[MaterialCounted]
    criteria: list[CriterionTried]
    reasons: list[str]
    notes: list[str]
    status: str


# --- certificates -----------------------------------------------------------------------------


class FindingDocument(msgspec.Struct, frozen=True):
    code: str
    severity: str
    message: str
    item: int | None
    declaration_item: int | None


class ItemVerdictDocument(msgspec.Struct, frozen=True):
    certificate_item: int | None
    declaration_item: int | None
    status: str
    findings: list[FindingDocument]


class CertificateSummary(msgspec.Struct, frozen=True):
    authority: str
    exporting_party: str
    importing_party: str
    issue_date: dt.date


class VerificationDocument(msgspec.Struct, frozen=True):
    status: str
    """``accepted``, ``accepted_with_discrepancies`` or ``rejected``."""
    reference: str | None
    on: dt.date
    signature_checked: bool
    official_use: str
    """What the importing customs would write in Box 4."""
    findings: list[FindingDocument]
    items: list[ItemVerdictDocument]
    certificate: CertificateSummary | None
