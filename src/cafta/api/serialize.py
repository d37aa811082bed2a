"""Engine results as the API's response documents (:mod:`cafta.api.responses`).

The shapes are those of the CLI's ``--json`` output (``cafta hs search``, ``cafta tariff``,
``cafta duty``, ``cafta co verify``); the origin evidence pack is
:func:`cafta.origin.evidence.to_document`, read into its Struct. Amounts are rounded half up to
two places, as the CLI shows them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import msgspec

from cafta.api import responses as out
from cafta.certificates.verdict import Finding, Verification
from cafta.core.money import Money
from cafta.origin.decision import OriginDecision
from cafta.origin.evidence import to_document
from cafta.refdata.nomenclature import SearchHit
from cafta.tariff.duty import Assessment, RegimeCost
from cafta.tariff.lookup import TariffLookup
from cafta.tariff.measure import Measure

__all__ = ["amount", "assessment", "hs_search", "origin_assessment", "tariff", "verification"]

_CENT = Decimal("0.01")


def amount(money: Money) -> str:
    """``"9000.00"``: two places, rounded half up (as ``cafta duty --json``)."""
    return f"{money.amount.quantize(_CENT, rounding=ROUND_HALF_UP):f}"


def hs_search(query: str, edition: str, hits: list[SearchHit]) -> out.HsSearch:
    return out.HsSearch(
        query=query,
        edition=edition,
        matches=[
            out.HsMatch(
                code=h.entry.code,
                formatted=h.entry.formatted,
                level=h.entry.level,
                description=h.entry.description,
                score=round(h.score, 4),
            )
            for h in hits
        ],
    )


def _measure(m: Measure) -> out.TariffMeasure:
    return out.TariffMeasure(
        measure_type=m.measure_type.value,
        line=m.line,
        origin=m.area,
        duty=str(m.duty),
        proof=m.proof.value if m.proof else None,
        valid_from=m.validity.valid_from,
        valid_to=m.validity.valid_to,
        status=m.status.value,
        reference=m.reference,
        note=m.note,
        source=m.source,
    )


def tariff(result: TariffLookup) -> out.TariffLookupDocument:
    return out.TariffLookupDocument(
        query=result.query,
        line=result.line,
        description=result.description,
        importing_party=result.importing_party,
        origin=result.origin,
        on=result.on,
        measures=[_measure(m) for m in result.duties],
        taxes=[_measure(m) for m in result.taxes],
        options=[
            out.RateOptionDocument(
                proofs=sorted(p.value for p in o.proofs),
                regime=o.regime.value if o.regime else None,
                rate=str(o.best),
                status=o.status.value,
            )
            for o in result.options
        ],
        notes=list(result.notes),
        status=result.status.value,
    )


def _cost(cost: RegimeCost) -> out.RegimeCostDocument:
    return out.RegimeCostDocument(
        regime=cost.regime.value,
        rate=str(cost.measure.duty),
        requires=cost.requires.value if cost.requires else None,
        eligible=cost.eligible,
        duty=amount(cost.duty),
        consumption_tax=amount(cost.consumption),
        vat=amount(cost.vat),
        total=amount(cost.total),
        status=cost.measure.status.value,
    )


def assessment(result: Assessment) -> out.DutyAssessment:
    t = result.tariff
    return out.DutyAssessment(
        line=t.line,
        description=t.description,
        origin=t.origin,
        destination=t.importing_party,
        on=t.on,
        regime=result.regime.value,
        currency=result.currency,
        customs_value=amount(result.customs_value),
        duty=amount(result.duty),
        consumption_tax=amount(result.consumption),
        vat=amount(result.vat),
        total=amount(result.total),
        saving=amount(result.saving),
        steps=[
            out.DutyStep(
                step=s.key,
                label=s.label,
                basis=s.basis,
                rate=s.rate,
                amount=amount(s.amount),
                currency=s.amount.currency,
                reference=s.reference,
                status=s.status.value,
            )
            for s in result.steps
        ],
        alternatives=[_cost(c) for c in result.alternatives],
        notes=list(result.notes),
        status=result.status.value,
    )


def origin_assessment(decision: OriginDecision) -> out.OriginAssessment:
    """The evidence pack, checked against its documented shape."""
    return msgspec.convert(to_document(decision), out.OriginAssessment)


def _finding(f: Finding) -> out.FindingDocument:
    return out.FindingDocument(
        code=f.code,
        severity=f.severity.value,
        message=f.message,
        item=f.item,
        declaration_item=f.declaration_item,
    )


def verification(result: Verification) -> out.VerificationDocument:
    form = result.certificate
    return out.VerificationDocument(
        status=result.status.value,
        reference=result.reference,
        on=result.on,
        signature_checked=form is not None,
        official_use=result.official_use,
        findings=[_finding(f) for f in result.findings],
        items=[
            out.ItemVerdictDocument(
                certificate_item=v.certificate_item,
                declaration_item=v.declaration_item,
                status=v.status.value,
                findings=[_finding(f) for f in v.findings],
            )
            for v in result.items
        ],
        certificate=(
            out.CertificateSummary(
                authority=form.authority,
                exporting_party=form.exporting_party,
                importing_party=form.importing_party,
                issue_date=form.issue_date,
            )
            if form is not None
            else None
        ),
    )
