"""Verifying a signed Form E: trust, dates, parties, and the declaration item by item."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.criterion import CriterionKind, OriginCriterion
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.envelope import sign
from cafta.certificates.form_e import Flags, FormE, Party, Transport
from cafta.certificates.issuance import issue, parse_request
from cafta.certificates.policy import HeadingRules, VerificationPolicy, months_after
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.certificates.verdict import Outcome, Severity, Verification
from cafta.certificates.verification import verify
from cafta.core.errors import InvalidInput

CHECKED = date(2026, 3, 10)
Declare = Callable[..., dict[str, Any]]


@pytest.fixture
def issued(request_data: dict[str, Any], signer: Ed25519Signer) -> tuple[FormE, str]:
    return issue(request_data, signer)


def check(
    envelope: str,
    trust: TrustList,
    on: date = CHECKED,
    declaration: dict[str, Any] | None = None,
    **options: Any,
) -> Verification:
    parsed = parse_declaration(declaration) if declaration is not None else None
    return verify(envelope, trust, Ed25519Verifier(), on=on, declaration=parsed, **options)


def codes(result: Verification, severity: Severity | None = None) -> set[str]:
    return {f.code for f in result.findings if severity is None or f.severity is severity}


# --- the signature and the issuer ---------------------------------------------------------------


def test_an_issued_certificate_verifies(issued: tuple[FormE, str], trust: TrustList) -> None:
    form, envelope = issued
    result = check(envelope, trust)
    assert result.status is Outcome.ACCEPTED
    assert result.findings == () and result.reference == form.reference
    assert result.certificate == form
    assert [(v.certificate_item, v.status) for v in result.items] == [(1, Outcome.ACCEPTED)]
    assert result.official_use == "Preferential treatment given"


def test_one_changed_character_anywhere_rejects_the_certificate(
    issued: tuple[FormE, str], trust: TrustList
) -> None:
    _, envelope = issued
    verifier = Ed25519Verifier()
    allowed = {"certificate.bad_signature", "certificate.malformed", "certificate.untrusted_key"}
    for position, char in enumerate(envelope):
        changed = envelope[:position] + ("A" if char != "A" else "B") + envelope[position + 1 :]
        result = verify(changed, trust, verifier, on=CHECKED)
        assert result.status is Outcome.REJECTED, position
        assert codes(result) <= allowed and len(result.findings) == 1, (position, codes(result))
        assert result.certificate is None


def test_every_part_of_the_envelope_is_covered(issued: tuple[FormE, str], trust: TrustList) -> None:
    _, envelope = issued
    header, payload, signature = envelope.split(".")
    flipped = {"A": "B", "B": "A"}
    # The first character of each part carries six significant bits: changing it always changes
    # the bytes, so these are rejected by the signature, not by a decoding accident.
    tampered_payload = f"{header}.{flipped.get(payload[0], 'A')}{payload[1:]}.{signature}"
    assert codes(check(tampered_payload, trust)) == {"certificate.bad_signature"}
    tampered_signature = f"{header}.{payload}.{flipped.get(signature[0], 'A')}{signature[1:]}"
    assert codes(check(tampered_signature, trust)) == {"certificate.bad_signature"}
    assert codes(check(envelope + "x", trust)) == {"certificate.malformed"}
    assert codes(check("not a certificate", trust)) == {"certificate.malformed"}


def test_an_untrusted_issuer_is_rejected(request_data: dict[str, Any], trust: TrustList) -> None:
    _, forged = issue(request_data, Ed25519Signer.generate())
    result = check(forged, trust)
    assert result.status is Outcome.REJECTED
    assert codes(result) == {"certificate.untrusted_key"}
    assert "not a trusted issuing authority" in result.findings[0].message


def test_the_authority_must_belong_to_the_exporting_party(
    issued: tuple[FormE, str], signer: Ed25519Signer
) -> None:
    _, envelope = issued
    thai = IssuingAuthority("MM-MOC", "TH")
    trust = TrustList((thai,), (TrustedKey(thai, signer.public_key),))
    result = check(envelope, trust)
    assert result.status is Outcome.REJECTED
    assert codes(result) == {"certificate.authority_country"}
    other = IssuingAuthority("TH-DFT", "TH")
    trust = TrustList((other,), (TrustedKey(other, signer.public_key),))
    assert codes(check(envelope, trust)) == {
        "certificate.authority_mismatch",
        "certificate.authority_country",
    }


def test_the_key_must_be_valid_on_the_issue_date(
    issued: tuple[FormE, str], authority: IssuingAuthority, signer: Ed25519Signer
) -> None:
    _, envelope = issued
    later = TrustedKey(authority, signer.public_key, valid_from=date(2026, 3, 3))
    result = check(envelope, TrustList((authority,), (later,)))
    assert codes(result) == {"certificate.key_not_valid"}
    retired = TrustedKey(authority, signer.public_key, valid_to=date(2026, 3, 2))
    assert check(envelope, TrustList((authority,), (retired,))).status is Outcome.ACCEPTED


def test_a_trust_list_serves_its_own_importing_party(
    issued: tuple[FormE, str], authority: IssuingAuthority, signer: Ed25519Signer
) -> None:
    _, envelope = issued
    key = TrustedKey(authority, signer.public_key)
    assert codes(check(envelope, TrustList((authority,), (key,), "VN"))) == {
        "certificate.wrong_importing_party"
    }
    assert check(envelope, TrustList((authority,), (key,), None)).status is Outcome.ACCEPTED


# --- dates --------------------------------------------------------------------------------------


def test_validity_is_12_months_by_default_and_configurable(
    issued: tuple[FormE, str], trust: TrustList
) -> None:
    _, envelope = issued
    assert months_after(date(2026, 3, 2), 12) == date(2027, 3, 2)
    assert check(envelope, trust, on=date(2027, 3, 2)).status is Outcome.ACCEPTED
    expired = check(envelope, trust, on=date(2027, 3, 3))
    assert expired.status is Outcome.REJECTED
    assert codes(expired) == {"certificate.expired"}
    longer = VerificationPolicy(validity_months=24)
    assert check(envelope, trust, on=date(2027, 3, 3), policy=longer).status is Outcome.ACCEPTED


def test_a_certificate_dated_after_the_check_is_rejected(
    issued: tuple[FormE, str], trust: TrustList
) -> None:
    _, envelope = issued
    result = check(envelope, trust, on=date(2026, 3, 1))
    assert result.status is Outcome.REJECTED
    assert codes(result) == {"certificate.not_yet_issued"}


def test_month_arithmetic_keeps_to_the_end_of_short_months() -> None:
    assert months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_after(date(2027, 2, 28), 12) == date(2028, 2, 28)
    assert months_after(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("departure", "retroactive", "expected"),
    [
        (date(2026, 2, 27), False, set()),  # 3 days: normal issue
        (date(2026, 2, 26), False, {"certificate.late_issue"}),
        (date(2026, 2, 26), True, set()),
        (date(2025, 3, 1), True, {"certificate.retroactive_too_late"}),
        (date(2026, 3, 1), True, {"certificate.retroactive_unneeded"}),
        (None, True, {"certificate.retroactive_unchecked"}),
    ],
)
def test_retroactive_issue_rules(
    request_data: dict[str, Any],
    signer: Ed25519Signer,
    trust: TrustList,
    departure: date | None,
    retroactive: bool,
    expected: set[str],
) -> None:
    form = replace(
        parse_request(request_data),
        transport=Transport(departure_date=departure),
        flags=Flags(issued_retroactively=retroactive),
    )
    result = check(sign(form, signer), trust)
    assert codes(result) == expected
    substantive = any(f.severity is Severity.SUBSTANTIVE for f in result.findings)
    assert (result.status is Outcome.REJECTED) == substantive


# --- the bean importer's case (acfta-rules.md §4(b)) ------------------------------------------


def test_the_bean_importers_typo_and_national_line_are_minor(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issued
    assert form.items[0].line == "07133110"
    declaration = declaration_data(form.reference, description="Black gram, dried")
    declaration["importer"]["name"] = "Qingdao Harvest Food Co., Ltd"
    result = check(envelope, trust, declaration=declaration)
    assert result.status is Outcome.ACCEPTED_WITH_DISCREPANCIES
    assert codes(result, Severity.MINOR) == {"certificate.consignee_name_typo", "item.hs_detail"}
    assert codes(result, Severity.SUBSTANTIVE) == set()
    hs_finding = next(f for f in result.findings if f.code == "item.hs_detail")
    assert (hs_finding.item, hs_finding.declaration_item) == (1, 1)
    assert "0713.31.10" in hs_finding.message and "0713.31.90" in hs_finding.message
    assert result.official_use == "Preferential treatment given (minor discrepancies noted)"


def test_a_six_digit_certificate_code_prefixing_the_national_line_is_no_discrepancy(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList, declaration_data: Declare
) -> None:
    request_data["items"][0]["line"] = "0713.31"
    form, envelope = issue(request_data, signer)
    result = check(envelope, trust, declaration=declaration_data(form.reference))
    assert result.status is Outcome.ACCEPTED and result.findings == ()


def test_goods_of_another_chapter_are_rejected_alone(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList, declaration_data: Declare
) -> None:
    request_data["items"].append(
        {**copy.deepcopy(request_data["items"][0]), "line": "0713.31.90",
         "description": "Mung beans (Vigna radiata), dried",
         "quantity": {"amount": "10000", "unit": "kg"}}
    )  # fmt: skip
    form, envelope = issue(request_data, signer)
    declaration = declaration_data(form.reference, line="0713.31.10")
    batteries = copy.deepcopy(declaration["items"][0])
    batteries.update(
        line="8507.60", description="Lithium-ion accumulators",
        quantity={"amount": "400", "unit": "u"},
    )  # fmt: skip
    declaration["items"].append(batteries)
    result = check(envelope, trust, declaration=declaration)
    assert result.status is Outcome.ACCEPTED_WITH_DISCREPANCIES
    first, second = result.items
    assert (first.certificate_item, first.declaration_item, first.status) == (
        1, 1, Outcome.ACCEPTED,
    )  # fmt: skip
    assert (second.declaration_item, second.status) == (2, Outcome.REJECTED)
    assert {f.code for f in second.findings} == {"item.unmatched"}
    assert [v.declaration_item for v in result.accepted_items] == [1]
    assert "except for declaration item 2" in result.official_use
    # Pointed at certificate item 2 explicitly, the batteries differ in HS and description.
    batteries["preference"]["certificate_item"] = 2
    pointed = check(envelope, trust, declaration=declaration)
    assert {f.code for f in pointed.items[1].findings} == {
        "item.hs_mismatch", "item.description_mismatch", "item.quantity_incomparable",
    }  # fmt: skip
    assert pointed.items[0].status is Outcome.ACCEPTED
    batteries["preference"]["certificate_item"] = 3
    assert "has no item 3" in check(envelope, trust, declaration=declaration).findings[0].message


def test_each_declared_item_finds_its_own_certificate_item(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList, declaration_data: Declare
) -> None:
    mung = {**copy.deepcopy(request_data["items"][0]), "line": "0713.31.90",
            "description": "Mung beans (Vigna radiata), dried"}  # fmt: skip
    request_data["items"].insert(0, mung)
    form, envelope = issue(request_data, signer)
    declaration = declaration_data(form.reference)  # black gram, declared under 0713.31.90
    result = check(envelope, trust, declaration=declaration)
    # Matched by description to the black gram (item 2), not by HS to the mung beans (item 1).
    assert result.items[0].certificate_item == 2
    assert codes(result) == {"item.hs_detail"}


@pytest.mark.parametrize(
    ("quantity", "code", "status"),
    [
        ({"amount": "25000", "unit": "kg"}, None, Outcome.ACCEPTED),
        ({"amount": "25", "unit": "t"}, None, Outcome.ACCEPTED),
        ({"amount": "25500", "unit": "kg"}, "item.quantity_within_tolerance",
         Outcome.ACCEPTED_WITH_DISCREPANCIES),
        ({"amount": "23750", "unit": "kg"}, "item.quantity_within_tolerance",
         Outcome.ACCEPTED_WITH_DISCREPANCIES),
        ({"amount": "26300", "unit": "kg"}, "item.quantity_mismatch", Outcome.REJECTED),
        ({"amount": "500", "unit": "u"}, "item.quantity_incomparable",
         Outcome.ACCEPTED_WITH_DISCREPANCIES),
    ],
)  # fmt: skip
def test_quantities_within_and_beyond_tolerance(
    issued: tuple[FormE, str],
    trust: TrustList,
    declaration_data: Declare,
    quantity: dict[str, str],
    code: str | None,
    status: Outcome,
) -> None:
    form, envelope = issued
    declaration = declaration_data(form.reference, line="0713.31.10", quantity=quantity)
    result = check(envelope, trust, declaration=declaration)
    assert codes(result) == ({code} if code else set())
    assert result.status is status


def test_the_tolerance_is_a_policy_setting(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issued
    quantity = {"amount": "26300", "unit": "kg"}  # 5.2% more
    declaration = declaration_data(form.reference, line="0713.31.10", quantity=quantity)
    wider = VerificationPolicy(quantity_tolerance=Decimal("0.10"))
    result = check(envelope, trust, declaration=declaration, policy=wider)
    assert codes(result) == {"item.quantity_within_tolerance"}


def test_split_declared_items_are_added_up(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issued
    half = {"amount": "12500", "unit": "kg"}
    declaration = declaration_data(form.reference, line="0713.31.10", quantity=half)
    declaration["items"].append(copy.deepcopy(declaration["items"][0]))
    result = check(envelope, trust, declaration=declaration)
    assert result.status is Outcome.ACCEPTED, result.findings
    declaration["items"][1]["quantity"] = {"amount": "15000", "unit": "kg"}
    over = check(envelope, trust, declaration=declaration)
    assert codes(over) == {"item.quantity_mismatch"}
    assert "declaration items 1, 2 together" in over.findings[0].message


def test_different_goods_under_the_same_line_are_substantive(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issued
    declaration = declaration_data(form.reference, description="Green peas, dried")
    result = check(envelope, trust, declaration=declaration)
    assert "item.description_mismatch" in codes(result, Severity.SUBSTANTIVE)
    assert result.status is Outcome.REJECTED  # its only item is rejected


def test_an_hs_difference_at_the_rule_level_is_substantive(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issued
    declaration = declaration_data(form.reference, line="0713.39.90")
    assert codes(check(envelope, trust, declaration=declaration)) == {"item.hs_detail"}
    subheading_rules = HeadingRules(digits=6)
    strict = check(envelope, trust, declaration=declaration, rules=subheading_rules)
    assert codes(strict) == {"item.hs_mismatch"}
    floor = VerificationPolicy(hs_floor_digits=6)
    assert codes(check(envelope, trust, declaration=declaration, policy=floor)) == {
        "item.hs_mismatch"
    }

    class ByHeading:
        def rule_for(self, line: str, on: date) -> tuple[str, int]:
            return f"rule-{line[:6]}", 4

    different_rule = check(envelope, trust, declaration=declaration, rules=ByHeading())
    assert codes(different_rule) == {"item.hs_mismatch"}
    assert "different origin rules" in different_rule.findings[0].message


# --- the criterion ----------------------------------------------------------------------------


def _rvc(form: FormE, percent: str, fob: bool) -> FormE:
    item = replace(
        form.items[0],
        criterion=OriginCriterion(CriterionKind.RVC, Decimal(percent)),
        fob=form.items[0].fob if fob else None,
    )
    return replace(form, items=(item,))


@pytest.mark.parametrize(
    ("percent", "fob", "expected"),
    [
        ("45", True, set()),
        ("40", True, set()),
        ("45", False, {"item.rvc_without_fob"}),
        ("35", True, {"item.rvc_below_threshold"}),
    ],
)
def test_an_rvc_criterion_needs_fob_and_the_threshold(
    issued: tuple[FormE, str],
    signer: Ed25519Signer,
    trust: TrustList,
    declaration_data: Declare,
    percent: str,
    fob: bool,
    expected: set[str],
) -> None:
    form = _rvc(issued[0], percent, fob)
    envelope = sign(form, signer)
    alone = check(envelope, trust)
    assert codes(alone) == expected
    assert (alone.status is Outcome.REJECTED) == bool(expected)
    declared = check(envelope, trust, declaration=declaration_data(form.reference, line="071331"))
    assert codes(declared) == expected


# --- parties and claims -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "name", "code", "status"),
    [
        ("exporter", "Golden Lotus Pulse Co", "certificate.exporter_name_typo",
         Outcome.ACCEPTED_WITH_DISCREPANCIES),
        ("exporter", "GOLDEN LOTUS PULSES COMPANY", None, Outcome.ACCEPTED),
        ("exporter", "Mandalay Grain Traders Ltd.", "certificate.exporter_mismatch",
         Outcome.REJECTED),
        ("importer", "Qingdao Harvest Foods Company Limited", None, Outcome.ACCEPTED),
        ("importer", "Shandong Grain Import Co., Ltd.", "certificate.consignee_mismatch",
         Outcome.REJECTED),
    ],
)  # fmt: skip
def test_party_names_are_compared(
    issued: tuple[FormE, str],
    trust: TrustList,
    declaration_data: Declare,
    role: str,
    name: str,
    code: str | None,
    status: Outcome,
) -> None:
    form, envelope = issued
    declaration = declaration_data(form.reference, line="0713.31.10")
    declaration[role]["name"] = name
    result = check(envelope, trust, declaration=declaration)
    assert codes(result) == ({code} if code else set())
    assert result.status is status


def test_the_invoicing_third_party_may_be_the_declared_seller(
    issued: tuple[FormE, str], signer: Ed25519Signer, trust: TrustList, declaration_data: Declare
) -> None:
    third = Party("Lotus Trading Pte. Ltd.", "SG")
    form = replace(issued[0], flags=Flags(third_party_invoicing=True, third_party=third))
    declaration = declaration_data(form.reference, line="0713.31.10")
    declaration["exporter"] = {"name": "Lotus Trading Pte Ltd", "country": "SG"}
    result = check(sign(form, signer), trust, declaration=declaration)
    assert codes(result) == {"certificate.third_party_seller"}
    assert result.status is Outcome.ACCEPTED


def test_a_declared_origin_other_than_the_issuing_party_is_substantive(
    issued: tuple[FormE, str], signer: Ed25519Signer, trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issued
    declaration = declaration_data(form.reference, line="0713.31.10", origin="TH")
    assert codes(check(envelope, trust, declaration=declaration)) == {"item.origin_mismatch"}
    movement = replace(form, flags=Flags(back_to_back=True))
    assert check(sign(movement, signer), trust, declaration=declaration).findings == ()


def test_a_declaration_must_claim_the_certificate(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    _, envelope = issued
    result = check(envelope, trust, declaration=declaration_data("E2026MM-SOMETHINGELSE"))
    assert result.status is Outcome.REJECTED
    assert codes(result) == {"certificate.not_claimed"}
    assert result.items == ()


def test_the_certificate_may_be_embedded_in_the_claim(
    issued: tuple[FormE, str], trust: TrustList, declaration_data: Declare
) -> None:
    _, envelope = issued
    result = check(envelope, trust, declaration=declaration_data(envelope, line="0713.31.10"))
    assert result.status is Outcome.ACCEPTED


def test_a_bad_policy_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        VerificationPolicy(quantity_tolerance=Decimal(2), hs_floor_digits=5)
    assert error.value.code == "certificate.invalid_policy"
    assert "quantity_tolerance" in error.value.message and "hs_floor_digits" in error.value.message
