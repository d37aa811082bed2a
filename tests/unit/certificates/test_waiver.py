"""The low-value waiver, and claims checked with or without a certificate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.issuance import issue
from cafta.certificates.policy import VerificationPolicy
from cafta.certificates.trust import TrustList
from cafta.certificates.verdict import Outcome, Severity
from cafta.certificates.verification import check_claim
from cafta.certificates.waiver import low_value_waiver, waiver_applies
from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.money import Money
from cafta.core.provenance import Status
from cafta.refdata.exchange_rates import ManualRate, ManualRates, default_rate_provider

ON = date(2026, 3, 10)
Declare = Callable[..., dict[str, Any]]

# A fixed, made-up rate so the arithmetic is known: 1 CNY = 0.14 USD.
RATES = ManualRates(
    [ManualRate("CNY", "USD", Decimal("0.14"), Validity(date(2026, 1, 1)), "test rate",
                Status.ILLUSTRATIVE)]
)  # fmt: skip


def small(declaration_data: Declare, amount: str, currency: str = "CNY", **item: Any) -> Any:
    data = declaration_data(None, value={"amount": amount, "currency": currency}, **item)
    return parse_declaration(data)


@pytest.mark.parametrize(
    ("amount", "currency", "applies"),
    [
        ("1428.57", "CNY", True),  # 199.9998 USD
        ("1428.58", "CNY", False),  # 200.0012 USD
        ("200.00", "USD", True),
        ("200.01", "USD", False),
    ],
)
def test_the_waiver_is_200_usd(
    declaration_data: Declare, amount: str, currency: str, applies: bool
) -> None:
    declaration = small(declaration_data, amount, currency)
    assert waiver_applies(declaration, RATES, ON) is applies
    waiver = low_value_waiver(declaration, RATES, ON)
    assert waiver.total is not None and waiver.total.currency == "USD"


def test_the_limit_is_a_policy_setting(declaration_data: Declare) -> None:
    declaration = small(declaration_data, "300.00", "USD")
    assert not waiver_applies(declaration, None, ON)
    higher = VerificationPolicy(low_value_waiver=Money.of("500", "USD"))
    assert waiver_applies(declaration, None, ON, higher)


def test_the_waiver_says_why_it_cannot_be_judged(declaration_data: Declare) -> None:
    no_rates = low_value_waiver(small(declaration_data, "100.00"), None, ON)
    assert not no_rates.applies and "exchange rates" in no_rates.reason
    data = declaration_data(None)
    del data["items"][0]["value"]
    no_value = low_value_waiver(parse_declaration(data), RATES, ON)
    assert not no_value.applies and "states no value" in no_value.reason
    unknown = low_value_waiver(small(declaration_data, "100", "MMK"), RATES, ON)
    assert not unknown.applies and "cannot be converted" in unknown.reason
    cif = low_value_waiver(small(declaration_data, "250.00", "USD"), None, ON)
    assert "FOB value is not declared" in cif.reason
    fob = low_value_waiver(small(declaration_data, "250.00", "USD", incoterm="FOB"), None, ON)
    assert "the FOB value, 250.00 USD, is above" in fob.reason


def test_the_waiver_with_the_real_rate_provider(declaration_data: Declare) -> None:
    rates = default_rate_provider()
    assert waiver_applies(small(declaration_data, "1000.00"), rates, date(2025, 6, 2))
    assert not waiver_applies(small(declaration_data, "171000.00"), rates, date(2025, 6, 2))


def test_no_certificate_is_accepted_for_a_small_consignment(
    declaration_data: Declare, trust: TrustList
) -> None:
    declaration = small(declaration_data, "1000.00")
    result = check_claim(declaration, None, trust, Ed25519Verifier(), on=ON, rates=RATES)
    assert result.status is Outcome.ACCEPTED
    assert [(f.code, f.severity) for f in result.findings] == [("waiver.low_value", Severity.INFO)]
    assert [v.declaration_item for v in result.accepted_items] == [1]


def test_no_certificate_is_rejected_for_a_large_consignment(
    declaration_data: Declare, trust: TrustList
) -> None:
    declaration = small(declaration_data, "171000.00")
    result = check_claim(declaration, None, trust, Ed25519Verifier(), on=ON, rates=RATES)
    assert result.status is Outcome.REJECTED
    assert result.codes() == ("certificate.missing",)
    assert "23,940.00 USD" in result.findings[0].message


def test_a_presented_certificate_is_verified(
    request_data: dict[str, Any], signer: Ed25519Signer, trust: TrustList, declaration_data: Declare
) -> None:
    form, envelope = issue(request_data, signer)
    declaration = parse_declaration(declaration_data(form.reference, line="0713.31.10"))
    verifier = Ed25519Verifier()
    given = check_claim(declaration, envelope, trust, verifier, on=ON)
    assert given.status is Outcome.ACCEPTED and given.reference == form.reference
    embedded = parse_declaration(declaration_data(envelope, line="0713.31.10"))
    assert check_claim(embedded, None, trust, verifier, on=ON).status is Outcome.ACCEPTED


def test_a_declaration_without_an_acfta_claim(declaration_data: Declare, trust: TrustList) -> None:
    data = declaration_data(None)
    data["items"][0]["preference"] = {"scheme": "RCEP"}
    declaration = parse_declaration(data)
    result = check_claim(declaration, None, trust, Ed25519Verifier(), on=ON, rates=RATES)
    assert result.codes() == ("certificate.not_claimed",)
    assert not low_value_waiver(declaration, RATES, ON).applies


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"importer": None}, "importer"),
        ({"items": [{"line": "0713.31.90", "description": "x"}]}, "items[0].quantity"),
        ({"items": [{"line": "0713.31.90", "description": "x", "incoterm": "EXW",
                     "quantity": {"amount": "1", "unit": "kg"}}]}, "items[0].incoterm"),
        ({"items": [{"line": "0713.31.90", "description": "x",
                     "quantity": {"amount": "1", "unit": "kg"},
                     "preference": {"scheme": "ACFTA", "certificate_item": 0}}]},
         "items[0].preference.certificate_item"),
    ],
)  # fmt: skip
def test_a_bad_declaration_names_the_field(
    declaration_data: Declare, change: dict[str, Any], field: str
) -> None:
    data = {**declaration_data(None), **change}
    with pytest.raises(InvalidInput) as error:
        parse_declaration(data)
    assert error.value.message.startswith(field), error.value.message
    assert error.value.code.startswith(("declaration.", "duty."))
