"""``cafta demo``: a tour of the tariff engine on real China-ASEAN cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cafta import bootstrap
from cafta.cli.output import console
from cafta.cli.tariff import print_assessment
from cafta.core.money import Money
from cafta.tariff.duty import DutyRequest, Incoterm, assess
from cafta.tariff.measure import Proof
from cafta.tariff.quantity import Quantity

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


def run() -> None:
    services = bootstrap.build()
    on = services.clock.today()
    console.rule("[bold]CAFTA Smart Port: tariff and duty demo")
    console.print(
        "Rates marked ILLUSTRATIVE are not confirmed against an official text; see "
        "docs/data-sources.md. Try 'cafta --help' for every command.\n"
    )
    for title, request in cases(on):
        console.rule(title)
        print_assessment(assess(request, services.schedule, services.rates))
        console.print()
