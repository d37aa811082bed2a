"""Names of the engines' codes (measure types, proofs, areas, outcomes, a declaration's events)
as msgids, translated in the templates (``_(regimes[code])``)."""

from __future__ import annotations

from cafta.web.i18n import N_

__all__ = [
    "ACTORS",
    "AREAS",
    "CLAIMS",
    "EVENTS",
    "LANE_MEANINGS",
    "MODES",
    "OUTCOMES",
    "PROOFS",
    "REGIMES",
    "SEVERITIES",
]

REGIMES = {
    "MFN": N_("MFN rate"),
    "PROVISIONAL": N_("Provisional rate"),
    "GENERAL": N_("General rate"),
    "ACFTA": N_("ACFTA rate"),
    "RCEP": N_("RCEP rate"),
    "SPECIAL": N_("Special rate for least developed countries"),
    "CONSUMPTION": N_("Consumption tax"),
    "VAT": N_("VAT"),
}
PROOFS = {
    "form-e": N_("Form E"),
    "rcep": N_("RCEP proof of origin"),
    "ldc": N_("LDC certificate of origin"),
}
AREAS = {
    "*": N_("All origins"),
    "ACFTA": N_("ACFTA parties"),
    "ASEAN": N_("ASEAN members"),
    "RCEP": N_("RCEP parties"),
    "LDC": N_("Least developed countries"),
    "NON_MFN": N_("Countries without MFN treatment"),
}
EVENTS = {
    "DeclarationLodged": N_("Declaration lodged"),
    "PreferenceChecked": N_("Form E checked"),
    "DutyAssessed": N_("Duty and taxes assessed"),
    "LaneAssigned": N_("Lane assigned"),
    "GoodsReleased": N_("Goods released"),
    "DocumentsRequested": N_("Documents requested"),
    "InspectionOrdered": N_("Inspection ordered"),
    "InspectionRecorded": N_("Inspection recorded"),
    "DeclarationRejected": N_("Declaration rejected"),
    "DeclarationCancelled": N_("Declaration cancelled"),
    "DeclarationAmended": N_("Declaration amended"),
}
"""A declaration's events (:mod:`cafta.clearance.events`) as its timeline names them."""
OUTCOMES = {
    "accepted": N_("Accepted"),
    "accepted_with_discrepancies": N_("Accepted with discrepancies"),
    "rejected": N_("Rejected"),
    "waived": N_("Waived (low value)"),
}
"""The Form E verdict of a declaration's claims (:mod:`cafta.services.preference`)."""
SEVERITIES = {
    "info": N_("information"),
    "minor": N_("minor"),
    "substantive": N_("substantive"),
}
"""How much a Form E finding weighs (:class:`cafta.certificates.verdict.Severity`)."""
MODES = {
    "road": N_("road"),
    "rail": N_("rail"),
    "sea": N_("sea"),
    "air": N_("air"),
    "post": N_("post"),
    "pipeline": N_("pipeline"),
}
"""Modes of transport (:class:`cafta.clearance.goods.TransportMode`)."""
ACTORS = {"system": N_("system")}
"""Who recorded an event when it was no person: the clearance pipeline itself."""
CLAIMS = {
    "granted": N_("granted"),
    "granted with discrepancies": N_("granted with discrepancies"),
    "not claimed": N_("not claimed"),
    "denied": N_("denied"),
}
"""An item's Form E status in its assessment (:class:`cafta.clearance.assessment.
ItemAssessment`); ``denied`` is followed by the engine's reason, in English."""
LANE_MEANINGS = {
    "green": N_("green lane: released without a check"),
    "blue": N_("blue lane: released; the declaration may be audited after clearance"),
    "yellow": N_("yellow lane: held for a check of the documents"),
    "red": N_("red lane: held for a physical inspection of the goods"),
}
"""What each lane means, the sentence of the declarant's view of a declaration
(:data:`cafta.services.views.LANE_MEANING`, the same English), translated."""
