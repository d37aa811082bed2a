"""The read side: a declaration as clients see it (API responses, ``cafta declare show``).

Amounts are decimal strings at the currency's minor unit; times are ISO 8601. The view is what
the API answers for ``POST /api/v1/declarations`` and ``GET /api/v1/declarations/{id}``:
``id``, ``status``, ``lane``, ``assessment`` (``duty``, ``vat``, ``consumption_tax``, ``total``,
``currency``, per-item working), ``preference`` (the Form E verdict and findings), ``reasons``
and the ``timeline`` of events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cafta.clearance.declaration import Declaration
from cafta.identifiers import hs

__all__ = ["declaration_view", "summary_view"]


def _amount(document: Mapping[str, Any], key: str) -> str:
    return str(document[key]["amount"])


def summary_view(declaration: Declaration) -> dict[str, Any]:
    """The short form, for lists."""
    assessment = declaration.assessment
    return {
        "id": declaration.id,
        "office": declaration.goods.office,
        "status": declaration.status.value,
        "lane": declaration.lane.lane.value if declaration.lane else None,
        "importer": declaration.goods.importer.name,
        "declarant": declaration.goods.declarant.name,
        "lodged_at": declaration.lodged_at.isoformat(),
        "items": len(declaration.goods.items),
        "total": f"{assessment.total.amount:f}" if assessment else None,
        "currency": assessment.currency if assessment else None,
        "assessment_status": assessment.status.value if assessment else None,
        "version": declaration.version,
    }


def declaration_view(
    declaration: Declaration, stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The full form. ``stored``, the declaration's stored form as just written
    (:attr:`cafta.services.clearance.Lodged.stored`), saves encoding the assessment again."""
    if stored is not None and stored.get("assessment") is not None:
        assessment: Mapping[str, Any] | None = stored["assessment"]
    else:
        assessment = declaration.assessment.to_document() if declaration.assessment else None
    goods = declaration.goods
    transport = goods.transport
    view: dict[str, Any] = {
        **summary_view(declaration),
        "type": goods.type.value,
        "exporter": goods.exporter.name,
        "transport": None if transport is None else {
            "mode": transport.mode.value, "vehicle_plate": transport.vehicle_plate,
            "container": transport.container,
        },
        "goods": [
            {"item": i.number, "line": hs.format(i.line), "description": i.description,
             "origin": i.origin, "quantity": {"amount": f"{i.quantity.amount:f}",
                                              "unit": i.quantity.unit},
             "value": {"amount": f"{i.value.amount:f}", "currency": i.value.currency},
             "incoterm": i.incoterm.value,
             "preference": None if i.preference is None else {
                 "scheme": i.preference.scheme,
                 "certificate": ("(signed Form E attached)" if i.preference.embedded
                                 else i.preference.certificate)}}
            for i in goods.items
        ],
        "assessment": None if assessment is None else {
            "currency": assessment["currency"],
            "customs_value": _amount(assessment, "customs_value"),
            "duty": _amount(assessment, "duty"),
            "consumption_tax": _amount(assessment, "consumption_tax"),
            "vat": _amount(assessment, "vat"),
            "total": _amount(assessment, "total"),
            "status": assessment["status"],
            "items": assessment["items"],
        },
        "preference": declaration.preference.to_document() if declaration.preference else None,
        "risk": declaration.lane.to_document() if declaration.lane else None,
        "post_clearance_audit": declaration.post_clearance_audit,
        "inspection": declaration.inspection.to_document() if declaration.inspection else None,
        "reasons": list(declaration.reasons),
        "timeline": list(declaration.history),
    }  # fmt: skip
    return view
