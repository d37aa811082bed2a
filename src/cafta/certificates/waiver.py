"""The low-value waiver: no Form E is needed for a small originating consignment.

No Form E is required for originating consignments whose FOB value is at most US$200; a
simplified declaration by the exporter is accepted instead (domain brief acfta-rules.md §1.13,
after https://gvlawyers.com.vn/regulations-on-the-rule-of-origin/) [C]. The waiver is refused
where shipments appear split to avoid the Form E; that judgement needs the importer's history
and is not made here.

A declaration states customs values, usually CIF (or CFR, or FOB); each is at least the FOB
value, so a declared total at most US$200 proves the FOB total is too. A total above US$200 on
CIF or CFR terms does not prove the FOB value is above: the waiver is then not established and
the reason says so. Values in other currencies are converted at the rate for the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cafta.certificates.declaration import Declaration
from cafta.certificates.policy import VerificationPolicy
from cafta.core.errors import NotFound
from cafta.core.money import Money
from cafta.refdata.exchange_rates import RateProvider
from cafta.tariff.duty import Incoterm

__all__ = ["Waiver", "low_value_waiver", "waiver_applies"]


@dataclass(frozen=True, slots=True)
class Waiver:
    """Whether the waiver applies, why, and the total it was judged on (in the limit's
    currency) when it could be computed."""

    applies: bool
    reason: str
    total: Money | None = None


def low_value_waiver(
    declaration: Declaration,
    rates: RateProvider | None,
    on: date,
    policy: VerificationPolicy | None = None,
) -> Waiver:
    """Judge the waiver on the items that claim ACFTA preference."""
    limit = (policy or VerificationPolicy()).low_value_waiver
    claims = [d for d in declaration.items if d.claims_acfta]
    if not claims:
        return Waiver(False, "no declaration item claims ACFTA preference")
    total = Money.zero(limit.currency)
    all_fob = True
    for item in claims:
        value = item.value
        if value is None:
            return Waiver(
                False,
                f"declaration item {item.number} states no value, so the FOB total is unknown",
            )
        all_fob = all_fob and item.incoterm is Incoterm.FOB
        if value.currency != limit.currency:
            if rates is None:
                return Waiver(
                    False, f"no exchange rates were given to convert {value.currency} to "
                    f"{limit.currency}",
                )  # fmt: skip
            try:
                value = rates.rate(value.currency, limit.currency, on).convert(value)
            except NotFound as error:
                return Waiver(False, f"the value cannot be converted: {error.message}")
        total = total + value
    shown = total.rounded().format()
    if total <= limit:
        return Waiver(
            True,
            f"the consignment's declared value, {shown}, is at most {limit.format()}, so its "
            "FOB value is too: no Form E is needed",
            total,
        )
    if all_fob:
        return Waiver(False, f"the FOB value, {shown}, is above {limit.format()}", total)
    return Waiver(
        False,
        f"the declared value, {shown}, is above {limit.format()}; the FOB value is not declared "
        "and is not shown to be within the waiver",
        total,
    )


def waiver_applies(
    declaration: Declaration,
    rates: RateProvider | None,
    on: date,
    policy: VerificationPolicy | None = None,
) -> bool:
    return low_value_waiver(declaration, rates, on, policy).applies
