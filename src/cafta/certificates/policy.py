"""The settings of a verification, and the view of origin rules it needs.

Each setting carries its confidence tag from the domain brief (acfta-rules.md §1.13, §1.14, §7):
[C] stated by a legal text or official body, [U] not confirmed, so configurable and never
hard-coded elsewhere. The similarity thresholds are this package's own heuristics.

:class:`OriginRuleView` is the port to the origin engine: for a tariff line on a day, which
origin rule applies and at how many HS digits it is written. An HS difference between the
certificate and the declaration is minor only when both codes agree down to the rule's level
(and at least ``hs_floor_digits``) and fall under the same rule (Circular 62/2019/TT-BTC: an HS
difference is accepted only if the goods still meet the origin criteria) [C].
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from cafta.core.errors import InvalidInput
from cafta.core.money import Money

__all__ = ["HeadingRules", "OriginRuleView", "VerificationPolicy", "months_after"]

_TWO_HUNDRED_USD = Money(Decimal(200), "USD")
_HS_LEVELS = (2, 4, 6)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    """How strictly a certificate is checked. Defaults follow the domain brief."""

    validity_months: int = 12
    """[U] Form E validity from issue (2010 OCP, text not retrieved)."""
    quantity_tolerance: Decimal = field(default=Decimal("0.05"))
    """[U] the customary tolerance between certified and declared quantity (a fraction)."""
    low_value_waiver: Money = field(default=_TWO_HUNDRED_USD)
    """[C] no Form E is needed for an originating consignment of FOB at most this."""
    hs_floor_digits: int = 4
    """[U] the fewest HS digits that must agree for an HS difference to be minor."""
    rvc_threshold: Decimal = field(default=Decimal(40))
    """[C] the general rule's RVC threshold (percent of FOB)."""
    shipment_grace_days: int = 3
    """[C] days after shipment within which a Form E is issued normally."""
    retroactive_months: int = 12
    """[C] months after shipment within which a Form E may be issued retroactively."""
    name_similarity: float = 0.85
    """Heuristic: the similarity (0 to 1) above which two different names are a typo."""
    description_overlap: float = 0.75
    """Heuristic: the share of key words that must agree for a wording difference to be minor."""

    def __post_init__(self) -> None:
        problems = []
        if self.validity_months < 1 or self.retroactive_months < 1:
            problems.append("validity and retroactive periods must be at least one month")
        if not Decimal(0) <= self.quantity_tolerance < Decimal(1):
            problems.append("quantity_tolerance must be a fraction from 0 up to 1")
        if self.hs_floor_digits not in _HS_LEVELS:
            problems.append("hs_floor_digits must be 2, 4 or 6")
        if self.shipment_grace_days < 0:
            problems.append("shipment_grace_days must not be negative")
        if not (0 < self.name_similarity <= 1 and 0 < self.description_overlap <= 1):
            problems.append("similarity thresholds must be above 0 and at most 1")
        if problems:
            raise InvalidInput("; ".join(problems), code="certificate.invalid_policy")


class OriginRuleView(Protocol):
    """The origin rules, as far as verification needs them."""

    def rule_for(self, line: str, on: date) -> tuple[str, int]:
        """(an id of the rule that applies to ``line`` on ``on``, the HS digits it is written
        at: 2, 4 or 6)."""
        ...


@dataclass(frozen=True, slots=True)
class HeadingRules:
    """A stand-in for the origin engine: one general rule, written at heading level."""

    rule: str = "general"
    digits: int = 4

    def rule_for(self, line: str, on: date) -> tuple[str, int]:
        return self.rule, self.digits
