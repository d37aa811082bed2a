"""Engine results as the API's response documents (:mod:`cafta.api.responses`).

The documents are built once, by the engines' report functions that the CLI's ``--json`` output
uses too (:mod:`cafta.tariff.report`, :mod:`cafta.certificates.report`,
:mod:`cafta.origin.evidence`), and read into their Structs, which checks them against the
shapes the OpenAPI document publishes.
"""

from __future__ import annotations

import msgspec

from cafta.api import responses as out
from cafta.certificates.report import verification_document
from cafta.certificates.verdict import Verification
from cafta.origin.decision import OriginDecision
from cafta.origin.evidence import to_document
from cafta.refdata.nomenclature import SearchHit
from cafta.tariff.duty import Assessment
from cafta.tariff.lookup import TariffLookup
from cafta.tariff.report import amount, assessment_document, lookup_document

__all__ = ["amount", "assessment", "hs_search", "origin_assessment", "tariff", "verification"]


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


def tariff(result: TariffLookup) -> out.TariffLookupDocument:
    return msgspec.convert(lookup_document(result), out.TariffLookupDocument)


def assessment(result: Assessment) -> out.DutyAssessment:
    return msgspec.convert(assessment_document(result), out.DutyAssessment)


def origin_assessment(decision: OriginDecision) -> out.OriginAssessment:
    """The evidence pack, checked against its documented shape."""
    return msgspec.convert(to_document(decision), out.OriginAssessment)


def verification(result: Verification) -> out.VerificationDocument:
    return msgspec.convert(verification_document(result), out.VerificationDocument)
