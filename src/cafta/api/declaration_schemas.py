"""The declarations' request bodies and response documents, as msgspec Structs.

The bodies give the OpenAPI document its schemas and a first check of the JSON types; the
declaration itself is then read by the domain's own parser
(:func:`cafta.clearance.goods.parse_goods`), whose errors name the field
(``items[0].value.amount``). Fields are in the order of a declaration document
(``docs/clearance.md``); amounts and quantities are exact decimals written as strings.

The response documents describe what :func:`cafta.services.views.declaration_view` and
:func:`~cafta.services.views.summary_view` give: the handlers convert each view to them, so the
OpenAPI document and the answers cannot drift apart. The working of each item (the steps of
the duty calculation) and a timeline entry's details are open objects.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from cafta.api.responses import FindingDocument
from cafta.api.schemas import Country, Line, Money, PreferenceBody, Quantity, Text, TraderBody
from cafta.services.clearance import Action

__all__ = [
    "AmountDocument",
    "AssessedItem",
    "AssessmentDocument",
    "CancellationBody",
    "ClaimDocument",
    "CustomsDeclarationBody",
    "CustomsItemBody",
    "DecisionBody",
    "DeclarationPage",
    "DeclarationSummary",
    "DeclarationView",
    "DeclaredItem",
    "InspectionDocument",
    "InspectionOutcomeBody",
    "PreferenceVerdict",
    "QuantityDocument",
    "RiskDocument",
    "TimelineEntry",
    "TransportBody",
    "TransportDocument",
    "WorkingStep",
]

# --- request bodies ---------------------------------------------------------------------------


class TransportBody(msgspec.Struct, frozen=True, kw_only=True):
    mode: Annotated[
        str,
        Meta(
            max_length=20,
            description="road, rail, sea, air, inland-waterway or pipeline.",
            examples=["road"],
        ),
    ]
    vehicle_plate: (
        Annotated[str, Meta(max_length=40, description="As written on the plate.")] | None
    ) = None
    container: (
        Annotated[str, Meta(max_length=20, description="ISO 6346.", examples=["CSQU3054383"])]
        | None
    ) = None


class CustomsItemBody(msgspec.Struct, frozen=True, kw_only=True):
    """One goods item: its tariff line, origin, quantity and value, and any ACFTA claim."""

    line: Line
    description: Text
    origin: Country
    quantity: Quantity
    net_mass: Annotated[
        Quantity | None, Meta(description="Net mass, for unit-value checks (kg, t, g).")
    ] = None
    value: Money
    incoterm: (
        Annotated[str, Meta(max_length=10, description="CIF (default), CFR or FOB.")] | None
    ) = None
    freight: Annotated[Money | None, Meta(description="For a CFR or FOB value.")] = None
    insurance: Annotated[Money | None, Meta(description="For a CFR or FOB value.")] = None
    preference: Annotated[
        PreferenceBody | None,
        Meta(
            description="An ACFTA claim: the Form E's reference (a certificate the node has "
            "received) or the signed Form E itself."
        ),
    ] = None


class CustomsDeclarationBody(msgspec.Struct, frozen=True, kw_only=True):
    """An import declaration (``docs/clearance.md``): lodged, priced and given a lane at once."""

    type: Annotated[str, Meta(max_length=20, description="import (the default).")] = "import"
    office: Annotated[
        str,
        Meta(max_length=10, description="UN/LOCODE of the customs office.", examples=["CNYYG"]),
    ]
    declarant: Annotated[
        TraderBody | None, Meta(description="Who files it (a broker); default the importer.")
    ] = None
    importer: TraderBody
    exporter: TraderBody
    transport: TransportBody | None = None
    items: list[CustomsItemBody]


class InspectionOutcomeBody(msgspec.Struct, frozen=True, kw_only=True):
    """What a physical inspection found (the risk model learns from it)."""

    found: Annotated[bool, Meta(description="Whether anything irregular was found.")]
    what: Text | None = None
    revenue_recovered: Money | None = None


class DecisionBody(msgspec.Struct, frozen=True, kw_only=True):
    """An officer's decision on a declaration."""

    action: Action
    note: Text | None = None
    outcome: Annotated[
        InspectionOutcomeBody | None,
        Meta(
            description="What an inspection found, recorded before the decision; inspect "
            "without it orders an inspection."
        ),
    ] = None


class CancellationBody(msgspec.Struct, frozen=True, kw_only=True):
    """A declarant's withdrawal of a declaration before release (the body may be left out)."""

    note: (
        Annotated[str, Meta(max_length=1000, description="Why, for the timeline and the officers.")]
        | None
    ) = None


# --- response documents -----------------------------------------------------------------------

_ISO_TIME = Meta(
    description="ISO 8601 time with its offset.", examples=["2026-06-01T10:00:00+08:00"]
)


class DeclarationSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A declaration in a list."""

    id: str
    office: str
    status: Annotated[
        str,
        Meta(
            description="lodged, assessed, held_for_documents, held_for_inspection, released, "
            "rejected or cancelled."
        ),
    ]
    lane: Annotated[str | None, Meta(description="green, yellow, red or blue.")]
    importer: str
    declarant: str
    lodged_at: Annotated[str, _ISO_TIME]
    items: Annotated[int, Meta(description="How many goods items.")]
    total: Annotated[str | None, Meta(description="Duty and taxes owed, in currency.")]
    currency: str | None
    assessment_status: Annotated[
        str | None,
        Meta(
            description="official, or illustrative when a rate or rule behind the total is not "
            "confirmed from an official text; null before the declaration is assessed."
        ),
    ]
    version: Annotated[int, Meta(description="Changes with every decision (the ETag).")]


class AmountDocument(msgspec.Struct, frozen=True):
    """Money in a response: ``{"amount": "1000.00", "currency": "CNY"}``."""

    amount: str
    currency: str


class QuantityDocument(msgspec.Struct, frozen=True):
    amount: str
    unit: str


class TransportDocument(msgspec.Struct, frozen=True):
    mode: str
    vehicle_plate: str | None
    container: str | None


class ClaimDocument(msgspec.Struct, frozen=True):
    scheme: str
    certificate: Annotated[
        str | None, Meta(description="The reference; '(signed Form E attached)' when embedded.")
    ]


class DeclaredItem(msgspec.Struct, frozen=True):
    item: int
    line: str
    description: str
    origin: str
    quantity: QuantityDocument
    value: AmountDocument
    incoterm: str
    preference: ClaimDocument | None


class WorkingStep(msgspec.Struct, frozen=True):
    step: str
    label: str
    basis: str
    rate: str
    amount: str
    currency: str
    reference: str
    status: str


class AssessedItem(msgspec.Struct, frozen=True):
    item: int
    line: str
    regime: Annotated[str, Meta(description="The duty regime applied: ACFTA or MFN.")]
    customs_value: AmountDocument
    duty: AmountDocument
    consumption_tax: AmountDocument
    vat: AmountDocument
    total: AmountDocument
    preference: Annotated[
        str,
        Meta(description="granted, granted with discrepancies, denied: <reason>, or not claimed."),
    ]
    working: list[WorkingStep]
    notes: list[str]
    status: str


class AssessmentDocument(msgspec.Struct, frozen=True):
    currency: str
    customs_value: str
    duty: str
    consumption_tax: str
    vat: str
    total: str
    status: Annotated[str, Meta(description="official, or illustrative.")]
    items: list[AssessedItem]


class PreferenceVerdict(msgspec.Struct, frozen=True):
    outcome: Annotated[
        str,
        Meta(description="accepted, accepted_with_discrepancies, rejected, waived or missing."),
    ]
    reference: str | None
    findings: list[FindingDocument]


class RiskDocument(msgspec.Struct, frozen=True):
    lane: str
    score: Annotated[str, Meta(description="The risk score, 0 to 1.")]
    selected_by: str
    reasons: list[str]


class InspectionDocument(msgspec.Struct, frozen=True):
    found: bool
    what: str | None
    revenue_recovered: AmountDocument | None


class TimelineEntry(msgspec.Struct, frozen=True):
    event: Annotated[str, Meta(examples=["GoodsReleased"])]
    at: Annotated[str, _ISO_TIME]
    actor: str
    detail: dict[str, Any]


class DeclarationView(DeclarationSummary, frozen=True, kw_only=True):
    """A declaration: what was declared, what it owes and why it is where it is."""

    type: str
    exporter: str
    transport: TransportDocument | None
    goods: list[DeclaredItem]
    assessment: AssessmentDocument | None
    preference: PreferenceVerdict | None
    risk: Annotated[
        RiskDocument | None,
        Meta(
            description="Why the lane was chosen: for officers and admins only (null for every "
            "other role, and before a lane is chosen)."
        ),
    ]
    post_clearance_audit: bool
    inspection: InspectionDocument | None
    reasons: Annotated[
        list[str],
        Meta(
            description="Why the declaration is where it is: the Form E findings, then, for "
            "officers and admins, the lane's reasons; for every other role, what the lane means."
        ),
    ]
    timeline: Annotated[
        list[TimelineEntry],
        Meta(
            description="What happened, oldest first. A LaneAssigned entry's detail has the "
            "lane's score, selected_by and reasons for officers and admins only."
        ),
    ]


class DeclarationPage(msgspec.Struct, frozen=True):
    """Declarations, newest first."""

    items: list[DeclarationSummary]
    limit: int
    offset: int
    total: Annotated[
        int, Meta(description="How many declarations match the filters, on every page.")
    ]
