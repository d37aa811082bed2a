"""Tariff results as plain documents: what ``cafta tariff --json``, ``cafta duty --json`` and
the API answer.

Amounts are decimal strings at two places, rounded half up; dates are ISO 8601; every document
carries its ``status`` (official or illustrative).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cafta.core.money import Money
from cafta.tariff.duty import Assessment, RegimeCost
from cafta.tariff.lookup import TariffLookup
from cafta.tariff.measure import Measure

__all__ = ["amount", "assessment_document", "lookup_document"]

_CENT = Decimal("0.01")


def amount(money: Money) -> str:
    """``"9000.00"``: two places, rounded half up."""
    return f"{money.amount.quantize(_CENT, rounding=ROUND_HALF_UP):f}"


def _measure(m: Measure) -> dict[str, Any]:
    return {
        "measure_type": m.measure_type.value,
        "line": m.line,
        "origin": m.area,
        "duty": str(m.duty),
        "proof": m.proof.value if m.proof else None,
        "valid_from": m.validity.valid_from.isoformat(),
        "valid_to": m.validity.valid_to.isoformat() if m.validity.valid_to else None,
        "status": m.status.value,
        "reference": m.reference,
        "note": m.note,
        "source": m.source,
    }


def lookup_document(result: TariffLookup) -> dict[str, Any]:
    return {
        "query": result.query,
        "line": result.line,
        "description": result.description,
        "importing_party": result.importing_party,
        "origin": result.origin,
        "on": result.on.isoformat(),
        "measures": [_measure(m) for m in result.duties],
        "taxes": [_measure(m) for m in result.taxes],
        "options": [
            {
                "proofs": sorted(p.value for p in o.proofs),
                "regime": o.regime.value if o.regime else None,
                "rate": str(o.best),
                "status": o.status.value,
            }
            for o in result.options
        ],
        "notes": list(result.notes),
        "status": result.status.value,
    }


def _cost(cost: RegimeCost) -> dict[str, Any]:
    return {
        "regime": cost.regime.value,
        "rate": str(cost.measure.duty),
        "requires": cost.requires.value if cost.requires else None,
        "eligible": cost.eligible,
        "duty": amount(cost.duty),
        "consumption_tax": amount(cost.consumption),
        "vat": amount(cost.vat),
        "total": amount(cost.total),
        "status": cost.measure.status.value,
    }


def assessment_document(result: Assessment) -> dict[str, Any]:
    return {
        "line": result.tariff.line,
        "description": result.tariff.description,
        "origin": result.tariff.origin,
        "destination": result.tariff.importing_party,
        "on": result.tariff.on.isoformat(),
        "regime": result.regime.value,
        "currency": result.currency,
        "customs_value": amount(result.customs_value),
        "duty": amount(result.duty),
        "consumption_tax": amount(result.consumption),
        "vat": amount(result.vat),
        "total": amount(result.total),
        "saving": amount(result.saving),
        "steps": [
            {
                "step": s.key,
                "label": s.label,
                "basis": s.basis,
                "rate": s.rate,
                "amount": amount(s.amount),
                "currency": s.amount.currency,
                "reference": s.reference,
                "status": s.status.value,
            }
            for s in result.steps
        ],
        "alternatives": [_cost(c) for c in result.alternatives],
        "notes": list(result.notes),
        "status": result.status.value,
    }
