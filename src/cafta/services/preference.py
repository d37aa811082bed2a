"""Checking a declaration's ACFTA claims: the certificates it cites, item by item.

Each certificate cited (embedded in the claim as a signed Form E, or named by its reference
number and found among the certificates the node has received) is verified against the whole
declaration with :func:`cafta.certificates.verification.check_claim`; items that claim ACFTA
without any certificate fall under the low-value waiver or are refused. The result says, for
each declared item, whether the preference stands (accepted, or accepted with minor
discrepancies, which are noted) or falls (the reason is recorded and MFN is charged).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from cafta.certificates.authenticated import AuthenticatedCertificates
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.envelope import SignatureVerifier
from cafta.certificates.policy import OriginRuleView, VerificationPolicy
from cafta.certificates.trust import TrustList
from cafta.certificates.verdict import Finding, Outcome, Severity, Verification
from cafta.certificates.verification import check_claim
from cafta.clearance.declaration import PreferenceCheck
from cafta.clearance.goods import Goods
from cafta.refdata.exchange_rates import RateProvider

__all__ = ["ClaimVerdicts", "PreferenceChecker"]

_GRANTED = {Outcome.ACCEPTED: "granted",
            Outcome.ACCEPTED_WITH_DISCREPANCIES: "granted with discrepancies"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClaimVerdicts:
    """Per declared item (1-based): the preference text; and the check for the record."""

    preference: dict[int, str]
    granted: frozenset[int]
    check: PreferenceCheck | None
    held: frozenset[str] = frozenset()
    """The references of the certificates the preference was granted on: the declaration
    holds them (:class:`~cafta.services.ports.CertificateClaims`)."""


@dataclass
class PreferenceChecker:
    trust: Callable[[], TrustList]
    verifier: SignatureVerifier
    policy: VerificationPolicy
    rules: OriginRuleView
    rates: RateProvider | None = None
    received: Callable[[str], str | None] = field(default=lambda reference: None)
    """The signed Form E the node has received under a reference number, if any."""
    authenticated: AuthenticatedCertificates = field(default_factory=AuthenticatedCertificates)
    holders: Callable[[str], Sequence[str]] = field(default=lambda reference: ())
    """The declarations holding a certificate (granted the preference on it, not cancelled or
    rejected): a Form E covers one consignment, so another declaration may not use it."""

    def check(self, goods: Goods, on: date, declaration_id: str | None = None) -> ClaimVerdicts:
        """The verdict on each claim of ``goods`` (the declaration ``declaration_id``, which
        may hold its own certificates already: an amended one)."""
        claims = [i for i in goods.items if i.preference is not None]
        preference = {i.number: "not claimed" for i in goods.items}
        if not claims:
            return ClaimVerdicts(preference, frozenset(), None)
        declaration = parse_declaration(goods.source)
        cited: dict[str | None, str | None] = {}
        citing: dict[str | None, list[int]] = {}
        for item in claims:
            claim = item.preference
            assert claim is not None
            text = claim.certificate
            citing.setdefault(text, []).append(item.number)
            if text is None or claim.embedded:
                cited[text] = text
            else:  # references are upper case; one typed otherwise is the same certificate
                cited[text] = self.received(text) or self.received(text.strip().upper())
        verdicts: list[Verification] = []
        trust = self.trust()
        for citation, envelope in cited.items():
            if citation is not None and envelope is None:
                verdict = _not_received(citation, on)
            else:
                verdict = check_claim(
                    declaration, envelope, trust, self.verifier, on=on, rates=self.rates,
                    policy=self.policy, rules=self.rules, authenticated=self.authenticated,
                )  # fmt: skip
                verdict = self._not_held_elsewhere(verdict, declaration_id, on)
            verdicts.append(verdict)
            if not verdict.items:  # refused as a whole: every item citing it falls
                why = "; ".join(f.message for f in verdict.findings) or verdict.status.value
                for number in citing[citation]:
                    preference[number] = f"denied: {why}"
        granted: set[int] = set()
        findings = []
        for verdict in verdicts:
            general = [f for f in verdict.findings if f.declaration_item is None]
            for item_verdict in verdict.items:
                if item_verdict.declaration_item is None:
                    continue
                declared: int = item_verdict.declaration_item
                if item_verdict.status in _GRANTED and verdict.status is not Outcome.REJECTED:
                    granted.add(declared)
                    minor = Outcome.ACCEPTED_WITH_DISCREPANCIES in (
                        verdict.status,
                        item_verdict.status,
                    )
                    preference[declared] = _GRANTED[
                        Outcome.ACCEPTED_WITH_DISCREPANCIES if minor else Outcome.ACCEPTED
                    ]
                else:
                    reasons = [f.message for f in (*general, *item_verdict.findings)
                               if f.severity.value == "substantive"]  # fmt: skip
                    denied = "; ".join(reasons) or verdict.status.value
                    preference[declared] = f"denied: {denied}"
            for f in verdict.findings:
                findings.append({"code": f.code, "severity": f.severity.value,
                                 "message": f.message, "item": f.item,
                                 "declaration_item": f.declaration_item})  # fmt: skip
        for item in claims:  # a claim no verdict covered: its certificate never named it
            if item.number not in granted and preference[item.number] == "not claimed":
                preference[item.number] = "denied: the certificate does not cover this item"
        outcome = _overall(verdicts, granted, len(claims))
        references = sorted({v.reference for v in verdicts if v.reference})
        check = PreferenceCheck(outcome, ", ".join(references) or None, tuple(findings))
        held = frozenset(
            v.reference
            for v in verdicts
            if v.reference and v.status is not Outcome.REJECTED
            and any(i.declaration_item in granted for i in v.items)
        )  # fmt: skip
        return ClaimVerdicts(preference, frozenset(granted), check, held)

    def _not_held_elsewhere(
        self, verdict: Verification, declaration_id: str | None, on: date
    ) -> Verification:
        """``verdict``, or a refusal when another declaration holds its certificate."""
        reference = verdict.reference
        if not reference or verdict.status is Outcome.REJECTED:
            return verdict
        others = [d for d in self.holders(reference) if d != declaration_id]
        if not others:
            return verdict
        finding = Finding(
            "certificate.already_claimed", Severity.SUBSTANTIVE,
            f"Form E {reference} was already used for another declaration: a Form E covers one "
            "consignment, so these goods need a certificate of their own (a part of a "
            "consignment, a back-to-back certificate)",
        )  # fmt: skip
        return Verification(Outcome.REJECTED, on, reference, (finding,))


def _not_received(reference: str, on: date) -> Verification:
    finding = Finding(
        "certificate.not_received", Severity.SUBSTANTIVE,
        f"no Form E with reference {reference} has been received: present the signed "
        "certificate itself in the claim, or have the issuing authority send it",
    )  # fmt: skip
    return Verification(Outcome.REJECTED, on, reference, (finding,))


def _overall(verdicts: list[Verification], granted: set[int], claims: int) -> str:
    if any(v.findings and v.findings[0].code == "waiver.low_value" for v in verdicts) and granted:
        return "waived"
    if not granted:
        return "rejected"
    if len(granted) < claims or any(
        v.status is Outcome.ACCEPTED_WITH_DISCREPANCIES for v in verdicts
    ):
        return "accepted_with_discrepancies"
    return "accepted"
