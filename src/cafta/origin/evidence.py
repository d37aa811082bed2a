"""The evidence pack of an origin decision as a plain document (for JSON, the API and reports).

Amounts and percentages are strings holding exact decimals; HS codes are in their dotted form.
Keys: ``originating``, ``summary``, ``criterion``, ``box8``, ``rule`` (source, text, reference,
status), ``rvc`` (method, fob, non_originating, percent, threshold, met, working), ``tariff_shift``
(one entry per material counted for classification), ``de_minimis``, ``materials`` (each with its
value in the FOB currency and whether it counts as originating), ``criteria`` (every criterion
tried), ``reasons``, ``notes``, ``status``.
"""

from __future__ import annotations

from typing import Any

from cafta.core.money import Money
from cafta.identifiers import hs
from cafta.origin.decision import OriginDecision

__all__ = ["to_document"]


def _money(money: Money) -> dict[str, str]:
    return {"amount": f"{money.amount:f}", "currency": money.currency}


def to_document(decision: OriginDecision) -> dict[str, Any]:
    rvc = decision.rvc
    minimis = decision.de_minimis
    return {
        "originating": decision.originating,
        "summary": decision.summary,
        "scheme": decision.scheme,
        "exporting_party": decision.exporting_party,
        "importing_party": decision.importing_party,
        "product": {
            "line": hs.format(decision.product_line),
            "description": decision.product_description,
        },
        "date": decision.on.isoformat(),
        "criterion": decision.criterion,
        "box8": decision.box8,
        "rule": {
            "source": decision.rule.source,
            "text": decision.rule.text,
            "reference": decision.rule.reference,
            "status": decision.rule.status.value,
        },
        "rvc": None
        if rvc is None
        else {
            "method": rvc.method.value,
            "fob": _money(rvc.fob),
            "non_originating": _money(rvc.non_originating),
            "percent": f"{rvc.percent.normalize():f}",
            "threshold": f"{rvc.threshold.normalize():f}",
            "met": rvc.met,
            "working": rvc.working,
        },
        "tariff_shift": [
            {
                "material": s.material,
                "description": s.description,
                "line": s.line,
                "origin": s.origin,
                "requirement": s.requirement,
                "met": s.met,
                "reason": s.reason,
            }
            for s in decision.shifts
        ],
        "de_minimis": None
        if minimis is None
        else {
            "basis": minimis.basis,
            "share": f"{minimis.share.normalize():f}",
            "limit": f"{minimis.limit.normalize():f}",
            "met": minimis.met,
            "working": minimis.working,
        },
        "materials": [
            {
                "material": m.material.index,
                "description": m.material.description,
                "line": hs.format(m.material.line) if m.material.line else None,
                "origin": m.material.origin,
                "role": m.material.role.value,
                "value": _money(m.value),
                "originating": m.originating,
                "note": m.note,
            }
            for m in decision.materials
        ],
        "criteria": [
            {"criterion": c.name, "met": c.met, "reasons": list(c.reasons)}
            for c in decision.criteria
        ],
        "reasons": list(decision.reasons),
        "notes": list(decision.notes),
        "status": decision.status.value,
    }
