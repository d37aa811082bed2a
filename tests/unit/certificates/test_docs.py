"""docs/certificates.md, kept honest: its example, its reference, and every finding code."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.certificates.verdict import Outcome
from cafta.certificates.verification import verify

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "certificates.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "docs" / "examples"
SOURCES = ROOT / "src" / "cafta" / "certificates"


def test_the_worked_example_gives_what_the_page_shows() -> None:
    signer = Ed25519Signer.generate()
    request = json.loads((EXAMPLES / "form-e-request.json").read_text(encoding="utf-8"))
    form, envelope = issue(request, signer)
    assert form.reference == "E2026MM-BMR4FEZZNG"
    assert f"Issued Form E {form.reference} (1 item)" in DOC
    declaration = json.loads((EXAMPLES / "form-e-declaration.json").read_text(encoding="utf-8"))
    assert declaration["items"][0]["preference"]["certificate"] == form.reference
    authority = IssuingAuthority("MM-MOC", "MM")
    trust = TrustList((authority,), (TrustedKey(authority, signer.public_key),), "CN")
    result = verify(
        envelope, trust, Ed25519Verifier(), on=date(2026, 3, 10),
        declaration=parse_declaration(declaration),
    )  # fmt: skip
    assert result.status is Outcome.ACCEPTED_WITH_DISCREPANCIES
    for code in result.codes():
        assert code in DOC
    assert result.official_use in DOC


def _finding_codes() -> set[str]:
    found: set[str] = set()
    for name in ("verification.py", "matching.py"):
        text = (SOURCES / name).read_text(encoding="utf-8")
        found |= set(re.findall(r'"((?:certificate|item|waiver)\.[a-z_]+)"', text))
        for template in re.findall(r'f"certificate\.\{role\}(_[a-z_]+)"', text):
            found |= {f"certificate.{role}{template}" for role in ("exporter", "consignee")}
    return found


def test_every_finding_code_is_documented_with_its_severity() -> None:
    codes = _finding_codes()
    assert {
        "certificate.bad_signature",
        "item.hs_detail",
        "certificate.consignee_mismatch",
    } <= codes
    undocumented = [
        code for code in sorted(codes)
        if not re.search(rf"^\| `{re.escape(code)}` \| (info|minor|substantive) \|", DOC, re.M)
    ]  # fmt: skip
    assert not undocumented, undocumented
