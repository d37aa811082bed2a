"""Verifying an electronic Form E at import: signature, trust, dates, parties, then items.

:func:`verify` checks, in order, and stops at the first failure of the first three:

1. the envelope is well formed (``certificate.malformed``);
2. its key is in the importing party's trust list (``certificate.untrusted_key``);
3. the signature is valid (``certificate.bad_signature``), and the payload is a readable
   certificate in canonical form (``certificate.malformed``);
4. certificate-level rules: the signing authority is the one named and belongs to the exporting
   party [C]; its key was valid on the issue date; the list is the certificate's importing
   party's; both parties are ACFTA parties and differ; the certificate is issued and not expired
   (validity [U]); and the retroactive-issue rules: issued more than 3 days after shipment needs
   the "ISSUED RETROACTIVELY" mark, and a retroactive certificate must be issued within 12
   months of shipment [C] (domain brief acfta-rules.md §1.13);
5. against a declaration: the exporter and the consignee (the declared importer) by name,
   then each declared item that claims the certificate (:mod:`.matching`).

Every failure is a :class:`~cafta.certificates.verdict.Finding` in the returned
:class:`~cafta.certificates.verdict.Verification`, never an exception: a rejected certificate is
a verdict. :func:`check_claim` adds the case of a declaration with no certificate, which is
accepted only under the low-value waiver (:mod:`.waiver`).
"""

from __future__ import annotations

from datetime import date, timedelta

from cafta.certificates.authenticated import AuthenticatedCertificates
from cafta.certificates.declaration import Declaration, Trader
from cafta.certificates.discrepancy import compare_names
from cafta.certificates.envelope import SignatureVerifier, open_envelope, read_certificate
from cafta.certificates.form_e import FormE, Party
from cafta.certificates.matching import claiming_items, judge_items
from cafta.certificates.policy import (
    HeadingRules,
    OriginRuleView,
    VerificationPolicy,
    months_after,
)
from cafta.certificates.trust import TrustedKey, TrustList
from cafta.certificates.verdict import (
    Finding,
    ItemVerdict,
    Outcome,
    Severity,
    Verification,
    decide,
)
from cafta.certificates.waiver import low_value_waiver
from cafta.core.errors import InvalidInput
from cafta.refdata.countries import area_contains
from cafta.refdata.exchange_rates import RateProvider

__all__ = ["check_claim", "verify"]

DEFAULT_POLICY = VerificationPolicy()
DEFAULT_RULES = HeadingRules()
_SUBSTANTIVE = Severity.SUBSTANTIVE


def _rejected(on: date, code: str, message: str, reference: str | None = None) -> Verification:
    finding = Finding(code, _SUBSTANTIVE, message)
    return Verification(Outcome.REJECTED, on, reference, (finding,))


def _trust_findings(form: FormE, key: TrustedKey, trust: TrustList) -> list[Finding]:
    found = []
    authority = key.authority
    if authority.id != form.authority:
        found.append(Finding(
            "certificate.authority_mismatch", _SUBSTANTIVE,
            f"the certificate names issuing authority {form.authority} but is signed with a key "
            f"of {authority.id}",
        ))  # fmt: skip
    if authority.country != form.exporting_party:
        found.append(Finding(
            "certificate.authority_country", _SUBSTANTIVE,
            f"issuing authority {authority.id} is trusted for {authority.country}, not for the "
            f"exporting party {form.exporting_party}",
        ))  # fmt: skip
    if not key.valid_on(form.issue_date):
        found.append(Finding(
            "certificate.key_not_valid", _SUBSTANTIVE,
            f"the key of {authority.id} was not valid on the issue date {form.issue_date}",
        ))  # fmt: skip
    if trust.party is not None and trust.party != form.importing_party:
        found.append(Finding(
            "certificate.wrong_importing_party", _SUBSTANTIVE,
            f"the certificate is for imports into {form.importing_party}; this trust list is "
            f"{trust.party}'s",
        ))  # fmt: skip
    return found


def _party_findings(form: FormE) -> list[Finding]:
    found = []
    for role, party in (("exporting", form.exporting_party), ("importing", form.importing_party)):
        if not area_contains("ACFTA", party, form.issue_date):
            found.append(Finding(
                "certificate.not_acfta_party", _SUBSTANTIVE,
                f"the {role} party {party} was not an ACFTA party on {form.issue_date}",
            ))  # fmt: skip
    if form.exporting_party == form.importing_party:
        found.append(Finding(
            "certificate.not_acfta_party", _SUBSTANTIVE,
            f"the exporting and importing parties are both {form.exporting_party}",
        ))  # fmt: skip
    return found


def _date_findings(form: FormE, on: date, policy: VerificationPolicy) -> list[Finding]:
    found = []
    if form.issue_date > on:
        found.append(Finding(
            "certificate.not_yet_issued", _SUBSTANTIVE,
            f"the certificate is dated {form.issue_date}, after {on}",
        ))  # fmt: skip
    expiry = months_after(form.issue_date, policy.validity_months)
    if on > expiry:
        found.append(Finding(
            "certificate.expired", _SUBSTANTIVE,
            f"the certificate was valid to {expiry} ({policy.validity_months} months from its "
            f"issue on {form.issue_date})",
        ))  # fmt: skip
    departure = form.transport.departure_date if form.transport else None
    retroactive = form.flags.issued_retroactively
    if departure is None:
        if retroactive:
            found.append(Finding(
                "certificate.retroactive_unchecked", Severity.INFO,
                "marked ISSUED RETROACTIVELY, but Box 3 gives no departure date to check it by",
            ))  # fmt: skip
        return found
    late = form.issue_date > departure + timedelta(days=policy.shipment_grace_days)
    days = (form.issue_date - departure).days
    if late and not retroactive:
        found.append(Finding(
            "certificate.late_issue", _SUBSTANTIVE,
            f"issued {days} days after shipment on {departure} without the mark ISSUED "
            f"RETROACTIVELY (Box 13)",
        ))  # fmt: skip
    if retroactive and form.issue_date > months_after(departure, policy.retroactive_months):
        found.append(Finding(
            "certificate.retroactive_too_late", _SUBSTANTIVE,
            f"issued retroactively {days} days after shipment on {departure}, beyond "
            f"{policy.retroactive_months} months",
        ))  # fmt: skip
    if retroactive and not late:
        found.append(Finding(
            "certificate.retroactive_unneeded", Severity.INFO,
            f"marked ISSUED RETROACTIVELY although issued within {policy.shipment_grace_days} "
            "days of shipment",
        ))  # fmt: skip
    return found


def _compare_party(
    role: str, certified: Party, declared: Trader, policy: VerificationPolicy
) -> Finding | None:
    comparison = compare_names(certified.name, declared.name, policy.name_similarity)
    if comparison.severity is Severity.MINOR:
        return Finding(
            f"certificate.{role}_name_typo", Severity.MINOR, f"{role} name: {comparison.detail}"
        )
    if comparison.severity is _SUBSTANTIVE:
        return Finding(f"certificate.{role}_mismatch", _SUBSTANTIVE, f"{role}: {comparison.detail}")
    if declared.country is not None and declared.country != certified.country:
        return Finding(
            f"certificate.{role}_mismatch", _SUBSTANTIVE,
            f"{role} {certified.name} is in {certified.country} on the certificate, in "
            f"{declared.country} on the declaration",
        )  # fmt: skip
    return None


def _declaration_parties(
    form: FormE, declaration: Declaration, policy: VerificationPolicy
) -> list[Finding]:
    found = []
    if declaration.exporter is not None:
        finding = _compare_party("exporter", form.exporter, declaration.exporter, policy)
        third = form.flags.third_party
        if finding is not None and finding.severity is _SUBSTANTIVE and third is not None:
            # Under third-party invoicing the seller declared may be the invoicing third party.
            as_third = _compare_party("exporter", third, declaration.exporter, policy)
            if as_third is None or as_third.severity is not _SUBSTANTIVE:
                finding = Finding(
                    "certificate.third_party_seller", Severity.INFO,
                    f"the declared exporter is the invoicing third party {third.name} "
                    f"({third.country}) shown on the certificate",
                )  # fmt: skip
        if finding is not None:
            found.append(finding)
    consignee = _compare_party("consignee", form.consignee, declaration.importer, policy)
    if consignee is not None:
        found.append(consignee)
    return found


def _authenticate(
    envelope: str, trust: TrustList, verifier: SignatureVerifier, on: date
) -> tuple[TrustedKey, FormE] | Verification:
    """The trusted key and the certificate of a well-formed, validly signed envelope, or the
    verdict that rejects it."""
    try:
        opened = open_envelope(envelope)
    except InvalidInput as error:
        return _rejected(on, "certificate.malformed", error.message)
    key = trust.key(opened.key_id)
    if key is None:
        return _rejected(
            on, "certificate.untrusted_key",
            f"the certificate is signed with key {opened.key_id}, which the trust list does not "
            "hold: its issuer is not a trusted issuing authority",
        )  # fmt: skip
    if not verifier.verify(key.public_key, opened.signature, opened.signing_input):
        return _rejected(
            on, "certificate.bad_signature",
            f"the signature does not match the certificate's content and the key of "
            f"{key.authority.id}: the certificate was altered or not signed by that key",
        )  # fmt: skip
    try:
        form = read_certificate(opened.payload)
    except InvalidInput as error:
        return _rejected(on, "certificate.malformed", error.message)
    return key, form


def verify(
    envelope: str,
    trust: TrustList,
    verifier: SignatureVerifier,
    *,
    on: date,
    declaration: Declaration | None = None,
    policy: VerificationPolicy = DEFAULT_POLICY,
    rules: OriginRuleView = DEFAULT_RULES,
    authenticated: AuthenticatedCertificates | None = None,
) -> Verification:
    """Check a signed Form E on the day ``on``, against a declaration if one is given.

    With ``authenticated``, an envelope whose signature was already checked with a key the
    trust list still holds is not checked again (see :mod:`.authenticated`).
    """
    known = authenticated.get(envelope) if authenticated is not None else None
    if known is not None:
        key_id, public_key, form = known
        key = trust.key(key_id)
        if key is None or key.public_key != public_key:
            known = None
    if known is None:
        checked = _authenticate(envelope, trust, verifier, on)
        if isinstance(checked, Verification):
            return checked
        key, form = checked
        if authenticated is not None:
            authenticated.put(envelope, key.kid, key.public_key, form)
    assert key is not None
    general = _trust_findings(form, key, trust) + _party_findings(form)
    general += _date_findings(form, on, policy)
    if declaration is None:
        items = judge_items(form, (), rules=rules, on=on, policy=policy)
    else:
        general += _declaration_parties(form, declaration, policy)
        claims = claiming_items(declaration, form.reference, envelope)
        if not claims:
            general.append(Finding(
                "certificate.not_claimed", _SUBSTANTIVE,
                f"no declaration item claims ACFTA preference with certificate {form.reference}",
            ))  # fmt: skip
        items = judge_items(form, claims, rules=rules, on=on, policy=policy) if claims else ()
    findings = tuple(general) + tuple(f for v in items for f in v.findings)
    return Verification(decide(general, items), on, form.reference, findings, items, form)


def _embedded_certificate(declaration: Declaration) -> str | None:
    """A signed certificate given inside the declaration's preference claim, if any."""
    for item in declaration.items:
        text = item.preference.certificate if item.preference and item.claims_acfta else None
        if text is not None and text.count(".") == 2:
            return text
    return None


def check_claim(
    declaration: Declaration,
    certificate: str | None,
    trust: TrustList,
    verifier: SignatureVerifier,
    *,
    on: date,
    rates: RateProvider | None = None,
    policy: VerificationPolicy = DEFAULT_POLICY,
    rules: OriginRuleView = DEFAULT_RULES,
    authenticated: AuthenticatedCertificates | None = None,
) -> Verification:
    """The ACFTA claims of a declaration, with the certificate presented (or embedded in the
    declaration), or with none: then accepted only when the low-value waiver applies."""
    envelope = certificate or _embedded_certificate(declaration)
    if envelope is not None:
        return verify(
            envelope, trust, verifier, on=on, declaration=declaration, policy=policy, rules=rules,
            authenticated=authenticated,
        )  # fmt: skip
    claims = [d for d in declaration.items if d.claims_acfta]
    if not claims:
        return _rejected(
            on, "certificate.not_claimed", "no declaration item claims ACFTA preference"
        )
    waiver = low_value_waiver(declaration, rates, on, policy)
    if not waiver.applies:
        return _rejected(
            on, "certificate.missing",
            f"ACFTA preference is claimed without a Form E, and the low-value waiver does not "
            f"apply: {waiver.reason}",
        )  # fmt: skip
    finding = Finding("waiver.low_value", Severity.INFO, waiver.reason)
    items = tuple(ItemVerdict(None, d.number, Outcome.ACCEPTED) for d in claims)
    return Verification(Outcome.ACCEPTED, on, None, (finding,), items)
