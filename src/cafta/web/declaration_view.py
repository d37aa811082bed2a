"""What a declaration's page shows beyond the API's view: the goods declared and the timeline.

The goods come from the document as filed (each item's description, line, origin, quantity,
net mass, value and delivery terms, its Form E claim; the vehicle and the container). The
timeline is the declaration's history, each event with what it recorded that a reader needs:
an officer's or declarant's note (which documents are asked for, why goods were rejected), what
an inspection found and the revenue it recovered, the lane, the Form E verdict, the total
assessed. Event names, lanes and verdicts are msgids (:mod:`cafta.web.labels`) the template
translates; notes are shown as their writer wrote them, the engines' reasons in English.

The timeline is read from the view the visitor may see (:func:`cafta.services.views.
declaration_view`): customs' view says why the lane was chosen, the declarant's does not (its
``LaneAssigned`` entries carry the lane only). An item's Form E status (``granted``, ``denied:
<reason>``) is split into its fixed words, translated, and the engine's reason, in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cafta.clearance.declaration import Declaration
from cafta.identifiers import hs
from cafta.web import labels
from cafta.web.i18n import N_

__all__ = ["Detail", "Event", "goods_rows", "item_claim", "timeline"]


@dataclass(frozen=True, slots=True)
class Detail:
    """One thing an event recorded: ``label`` (a msgid) and its value, shown by ``kind``:
    ``text`` as written (a note), ``english`` (an engine's words), ``label`` (a msgid of
    :mod:`cafta.web.labels` to translate), ``lane``, ``outcome``, ``yes_no``, ``amount`` (with
    ``currency``; ``status`` ``illustrative`` when it rests on an unconfirmed rate)."""

    label: str
    value: Any
    kind: str = "text"
    currency: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """An entry of the timeline: when (ISO 8601), the event's name, who, and its details."""

    at: str
    event: str
    actor: str
    details: list[Detail] = field(default_factory=list)


_NOTED = frozenset(
    {
        "GoodsReleased",
        "DocumentsRequested",
        "InspectionOrdered",
        "DeclarationRejected",
        "DeclarationCancelled",
        "InspectionRecorded",
    }
)
"""Events whose ``note`` is what the reader needs to know (which documents, why rejected)."""


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _details(event: str, detail: Mapping[str, Any], assessed: str) -> list[Detail]:
    found: list[Detail] = []
    if event in _NOTED and _text(detail.get("note")):
        found.append(Detail(N_("Note"), _text(detail["note"])))
    if event == "InspectionRecorded":
        found.append(Detail(N_("Inspection outcome"), bool(detail.get("found")), "yes_no"))
        if _text(detail.get("what")):
            found.append(Detail(N_("What was found"), _text(detail["what"])))
        if _text(detail.get("revenue_recovered")):
            found.append(
                Detail(
                    N_("Revenue recovered"),
                    _text(detail["revenue_recovered"]),
                    "amount",
                    _text(detail.get("currency")),
                )
            )
    elif event == "LaneAssigned" and _text(detail.get("lane")):
        found.append(Detail(N_("Lane"), _text(detail["lane"]), "lane"))
        reasons = [_text(r) for r in detail.get("reasons") or () if _text(r)]
        if reasons:
            found.append(Detail(N_("Why this lane"), "; ".join(reasons), "english"))
    elif event == "PreferenceChecked" and _text(detail.get("outcome")):
        found.append(Detail(N_("Form E verdict"), _text(detail["outcome"]), "outcome"))
        if _text(detail.get("reference")):
            found.append(Detail(N_("Form E"), _text(detail["reference"]), "english"))
    elif event == "DutyAssessed" and _text(detail.get("total")):
        found.append(
            Detail(
                N_("Duty and taxes"),
                _text(detail["total"]),
                "amount",
                _text(detail.get("currency")),
                assessed,
            )
        )
    return found


def timeline(entries: Iterable[Mapping[str, Any]], *, assessed: str = "") -> list[Event]:
    """The ``timeline`` of a declaration's view, oldest first, each event with its details.
    ``assessed``: the status of the declaration's assessment (``illustrative``, ``official``),
    which the amounts assessed carry. (The event does not record it: an amendment assessed
    again from the start may have changed it, so an earlier total is labelled as the present
    one is, rather than risk an unlabelled illustrative figure.)"""
    return [
        Event(
            at=_text(entry.get("at")),
            event=_text(entry.get("event")),
            actor=_text(entry.get("actor")),
            details=_details(_text(entry.get("event")), entry.get("detail") or {}, assessed),
        )
        for entry in entries
    ]


_DENIED = "denied: "


def item_claim(preference: str) -> tuple[str | None, str]:
    """An item's Form E status as the assessment writes it (``granted``, ``granted with
    discrepancies``, ``not claimed``, ``denied: <reason>``): its fixed words as a msgid
    (:data:`cafta.web.labels.CLAIMS`; ``None`` when unknown) and the engine's reason, in
    English ("" when none; the whole text when the words are unknown)."""
    text = _text(preference)
    if text in labels.CLAIMS:
        return labels.CLAIMS[text], ""
    if text.startswith(_DENIED):
        return labels.CLAIMS["denied"], text[len(_DENIED) :].strip()
    return None, text


def goods_rows(declaration: Declaration) -> list[dict[str, Any]]:
    """Each item declared, as the page's table of goods shows it (amounts as decimal strings,
    formatted by the template)."""
    rows: list[dict[str, Any]] = []
    for item in declaration.goods.items:
        claim = item.preference
        rows.append(
            {
                "number": item.number,
                "description": item.description,
                "line": hs.format(item.line),
                "origin": item.origin,
                "quantity": f"{item.quantity.amount:f}",
                "unit": item.quantity.unit,
                "net_mass": f"{item.net_mass_kg:f}" if item.net_mass_kg is not None else "",
                "value": f"{item.value.amount:f}",
                "currency": item.value.currency,
                "incoterm": item.incoterm.value,
                "freight": f"{item.freight.amount:f}" if item.freight else "",
                "insurance": f"{item.insurance.amount:f}" if item.insurance else "",
                "form_e": None if claim is None else ("" if claim.embedded else claim.certificate),
            }
        )
    return rows
