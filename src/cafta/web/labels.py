"""Names of the engines' codes (measure types, proofs, areas, outcomes) as msgids, translated in
the templates (``_(regimes[code])``)."""

from __future__ import annotations

from cafta.web.i18n import N_

__all__ = ["AREAS", "PROOFS", "REGIMES"]

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
