"""``cafta demo``: a tour of the duty, origin and Form E engines on real China-ASEAN cases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.declaration import parse_declaration
from cafta.certificates.issuance import issue
from cafta.certificates.trust import IssuingAuthority, TrustedKey, TrustList
from cafta.certificates.verification import verify
from cafta.cli.certificates import print_verification
from cafta.cli.origin import print_decision
from cafta.cli.output import console
from cafta.cli.tariff import print_assessment
from cafta.core.money import Money
from cafta.core.quantity import Quantity
from cafta.origin.bom import parse_bom
from cafta.origin.decision import assess as assess_origin
from cafta.tariff.duty import DutyRequest, Incoterm, assess
from cafta.tariff.measure import Proof

_FORM_E = frozenset({Proof.FORM_E})


def cases(on: date) -> list[tuple[str, DutyRequest]]:
    cny = "CNY"
    return [
        (
            "Fresh durian from Thailand, CIF 100,000 CNY, with a Form E",
            DutyRequest("0810.60", "TH", "CN", Money.of("100000", cny), on, proofs=_FORM_E),
        ),
        (
            "The same durian without a Form E",
            DutyRequest("0810.60", "TH", "CN", Money.of("100000", cny), on),
        ),
        (
            "Smoked-sheet rubber from Thailand at 8 CNY/kg: the provisional band above 7.5 CNY/kg",
            DutyRequest(
                "4001.21", "TH", "CN", Money.of("80000", cny), on,
                quantity=Quantity(Decimal(10000), "kg"),
            ),
        ),
        (
            "A passenger car from Thailand: a Form E does not help, there is no ACFTA rate",
            DutyRequest("8703.24.29", "TH", "CN", Money.of("300000", cny), on, proofs=_FORM_E),
        ),
        (
            "EV lithium-ion cells from Viet Nam, FOB 50,000 USD plus freight, converted to CNY",
            DutyRequest(
                "8507.60.00.30", "VN", "CN", Money.of("50000", "USD"), on,
                incoterm=Incoterm.FOB, freight=Money.of("1200", "USD"),
            ),
        ),
    ]  # fmt: skip


def _money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def _material(description: str, line: str, origin: str, amount: str, originating: bool,
              **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"description": description, "line": line, "origin": origin,
            "value": _money(amount), "originating": originating, **extra}  # fmt: skip


def battery_pack() -> dict[str, Any]:
    """A battery pack assembled in Viet Nam from Korean cells and Thai parts (cumulation)."""
    return {
        "scheme": "ACFTA", "exporting_party": "VN", "importing_party": "CN",
        "product": {"line": "8507.60", "description": "Li-ion battery pack for e-bikes",
                    "fob": _money("1000.00"), "processes": ["cell-assembly", "welding", "testing"]},
        "materials": [
            _material("Li-ion cells", "8507.90", "KR", "420.00", False),
            _material("battery management board", "8537.10", "TH", "120.00", True,
                      proof="Form E issued in Thailand"),
            _material("aluminium housing", "7616.99", "CN", "60.00", True),
            _material("cables and connectors", "8544.42", "JP", "35.00", False),
        ],
    }  # fmt: skip


def _form_e(on: date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The black gram consignment of the domain brief: a request and the importer's declaration,
    with the importer's name mistyped and China's national line instead of Myanmar's."""
    shipped = on - timedelta(days=9)
    request = {
        "authority": "MM-MOC", "exporting_party": "MM", "importing_party": "CN",
        "issue_date": (shipped + timedelta(days=1)).isoformat(),
        "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
        "consignee": {"name": "Qingdao Harvest Foods Co., Ltd.", "country": "CN"},
        "transport": {"departure_date": shipped.isoformat(), "means": "MV Ayeyar Star",
                      "port_of_loading": "Yangon", "port_of_discharge": "Qingdao"},
        "invoice": {"number": "GLP-DEMO-031", "date": shipped.isoformat()},
        "items": [{"line": "0713.31.10", "description": "Black gram (Vigna mungo), dried",
                   "quantity": {"amount": "25000", "unit": "kg"}, "criterion": "WO"}],
    }  # fmt: skip
    declaration = {
        "office": "CNQIN",
        "importer": {"name": "Qingdao Harvest Food Co., Ltd", "country": "CN"},
        "exporter": {"name": "Golden Lotus Pulses Co.", "country": "MM"},
        "items": [{"line": "0713.31.90", "description": "Black gram, dried", "origin": "MM",
                   "quantity": {"amount": "25000", "unit": "kg"},
                   "value": _money("171000.00", "CNY"), "incoterm": "CIF",
                   "preference": {"scheme": "ACFTA", "certificate": None}}],
    }  # fmt: skip
    return request, declaration


def run() -> None:
    services = bootstrap.build()
    on = services.clock.today()
    console.rule("[bold]CAFTA Smart Port: duty, origin and Form E demo")
    console.print(
        "Rates and rules marked ILLUSTRATIVE are not confirmed against an official text; see "
        "docs/data-sources.md. Try 'cafta --help' for every command.\n"
    )
    for title, request in cases(on):
        console.rule(title)
        print_assessment(assess(request, services.schedule, services.rates))
        console.print()
    console.rule("Origin: a battery pack from Viet Nam (bill of materials, 4 materials)")
    bom = parse_bom(battery_pack())
    print_decision(assess_origin(bom, on, rulebook=services.rulebook, rates=services.rates))
    console.print()
    console.rule("Form E: black gram from Myanmar, issued, signed and checked at Qingdao")
    signer = Ed25519Signer.generate()  # a throw-away demo key, never written to disk
    authority = IssuingAuthority("MM-MOC", "MM", "Ministry of Commerce (demo key)")
    trust = TrustList((authority,), (TrustedKey(authority, signer.public_key),), party="CN")
    form_request, declared = _form_e(on)
    form, envelope = issue(form_request, signer)
    declared["items"][0]["preference"]["certificate"] = form.reference
    result = verify(envelope, trust, Ed25519Verifier(), on=on,
                    declaration=parse_declaration(declared), policy=services.verification_policy,
                    rules=services.rulebook)  # fmt: skip
    print_verification(result)
