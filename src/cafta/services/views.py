"""The read side: a declaration as clients see it (API responses, ``cafta declare show``).

Amounts are decimal strings at the currency's minor unit; times are ISO 8601. The view is what
the API answers for ``POST /api/v1/declarations`` and ``GET /api/v1/declarations/{id}``:
``id``, ``status``, ``lane``, ``assessment`` (``duty``, ``vat``, ``consumption_tax``, ``total``,
``currency``, per-item working), ``preference`` (the Form E verdict and findings), ``reasons``
and the ``timeline`` of events.

Customs and the declarant see different views of the same declaration. Why a declaration was
selected (the watch-list hit, each rule's weight, the score, the quota, a random draw) is for
customs only: a declarant who could read it would learn which plates, parties and values are
watched and how to stay under them (selectivity criteria are confidential in ASYCUDA and
VNACCS alike). The declarant's view (``customs=False``) keeps the lane, the Form E findings
and a plain sentence on what the lane means, and drops the risk section and the lane's reasons
from the reasons and the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cafta.clearance.declaration import Declaration
from cafta.clearance.goods import parse_goods
from cafta.identifiers import hs
from cafta.services.ports import DeclarationRecord

__all__ = ["LANE_MEANING", "declaration_view", "stored_summary", "summary_view"]

LANE_MEANING = {
    "green": "green lane: released without a check",
    "blue": "blue lane: released; the declaration may be audited after clearance",
    "yellow": "yellow lane: held for a check of the documents",
    "red": "red lane: held for a physical inspection of the goods",
}
"""What each lane means, as the declarant's view says it (instead of why it was chosen)."""

_CUSTOMS_ONLY = frozenset({"reasons", "score", "selected_by"})
"""A ``LaneAssigned`` timeline entry's details that the declarant's view leaves out."""


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


def stored_summary(record: DeclarationRecord) -> dict[str, Any]:
    """:func:`summary_view` of a stored declaration, read from its stored form without
    building the whole aggregate.

    A list's page used to read every declaration back (:meth:`Declaration.from_document`): its
    goods item by item, and its assessment's, for the parties, a count and a total. A
    declaration has up to 999 items, and that was three quarters of a page's time (50
    declarations of 999 items: about 2 s). The office and the parties are read as the domain
    reads them, from the goods with their first item only; the count is the items'; the
    total, currency and status are the stored assessment's, which the same aggregate wrote. A
    stored form this does not know (an earlier release's) is read back the whole way."""
    document = record.document
    try:
        filed = document["filed"]
        items = filed["items"]
        goods = parse_goods({**filed, "items": items[:1]})
        assessment = document["assessment"]
        lane = document["lane"]
        return {
            "id": document["id"],
            "office": goods.office,
            "status": document["status"],
            "lane": lane["lane"] if lane else None,
            "importer": goods.importer.name,
            "declarant": goods.declarant.name,
            "lodged_at": datetime.fromisoformat(document["lodged_at"]).isoformat(),
            "items": len(items),
            "total": assessment["total"]["amount"] if assessment else None,
            "currency": assessment["currency"] if assessment else None,
            "assessment_status": assessment["status"] if assessment else None,
            "version": record.version,
        }
    except (KeyError, TypeError, ValueError):
        return summary_view(Declaration.from_document(document, record.version))


def declaration_view(
    declaration: Declaration, stored: Mapping[str, Any] | None = None, *, customs: bool = True
) -> dict[str, Any]:
    """The full form. ``stored``, the declaration's stored form as just written
    (:attr:`cafta.services.clearance.Lodged.stored`), saves encoding the assessment again.
    ``customs``: customs' view, with why the lane was chosen; ``False``: the declarant's."""
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
        "risk": declaration.lane.to_document() if declaration.lane and customs else None,
        "post_clearance_audit": declaration.post_clearance_audit,
        "inspection": declaration.inspection.to_document() if declaration.inspection else None,
        "reasons": list(declaration.reasons) if customs else _declarant_reasons(declaration),
        "timeline": list(declaration.history) if customs else _declarant_timeline(declaration),
    }  # fmt: skip
    return view


def _declarant_reasons(declaration: Declaration) -> list[str]:
    """The Form E findings, and what the lane means instead of why it was chosen."""
    kept = list(declaration.preference_reasons)
    if declaration.lane is not None:
        kept.append(LANE_MEANING[declaration.lane.lane.value])
    return kept


def _declarant_timeline(declaration: Declaration) -> list[dict[str, Any]]:
    entries = []
    for entry in declaration.history:
        if entry["event"] != "LaneAssigned":
            entries.append(entry)
            continue
        detail = {k: v for k, v in entry["detail"].items() if k not in _CUSTOMS_ONLY}
        entries.append({**entry, "detail": detail})
    return entries
