"""A verification verdict as a plain document: what ``cafta co verify --json`` and the API
answer (``status``, ``reference``, ``on``, ``signature_checked``, ``official_use``, ``findings``,
``items``, ``certificate``)."""

from __future__ import annotations

from typing import Any

from cafta.certificates.verdict import Finding, Verification

__all__ = ["verification_document"]


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "item": f.item,
        "declaration_item": f.declaration_item,
    }


def verification_document(result: Verification) -> dict[str, Any]:
    form = result.certificate
    return {
        "status": result.status.value,
        "reference": result.reference,
        "on": result.on.isoformat(),
        "signature_checked": form is not None,
        "official_use": result.official_use,
        "findings": [_finding(f) for f in result.findings],
        "items": [
            {
                "certificate_item": v.certificate_item,
                "declaration_item": v.declaration_item,
                "status": v.status.value,
                "findings": [_finding(f) for f in v.findings],
            }
            for v in result.items
        ],
        "certificate": (
            {
                "authority": form.authority,
                "exporting_party": form.exporting_party,
                "importing_party": form.importing_party,
                "issue_date": form.issue_date.isoformat(),
            }
            if form is not None
            else None
        ),
    }
