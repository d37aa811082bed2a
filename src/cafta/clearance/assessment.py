"""What a declaration owes: each item's duty and taxes with the working, and the totals.

Built from the tariff engine's :class:`~cafta.tariff.duty.Assessment` of each item and the
verdict on the preference claim. The values keep their working as plain text rows (label,
basis, rate, amount, reference, status) so a stored declaration shows how its amounts were
found even after the rates change. Amounts are exact; the document form writes them as decimal
strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cafta.core.frozen import direct_init
from cafta.core.money import Money, quantum, summed
from cafta.core.provenance import Status, combine
from cafta.tariff.duty import Assessment

__all__ = ["DeclarationAssessment", "ItemAssessment", "item_assessment"]


def _amount_text(m: Money) -> str:
    """``m.rounded().amount`` as a plain decimal string, without building the rounded Money."""
    return f"{m.amount.quantize(quantum(m.currency), ROUND_HALF_UP):f}"


def _money(m: Money) -> dict[str, str]:
    return {"amount": _amount_text(m), "currency": m.currency}


def _read_money(doc: Mapping[str, Any]) -> Money:
    return Money(Decimal(doc["amount"]), doc["currency"])


@direct_init
@dataclass(frozen=True, slots=True)
class ItemAssessment:
    item: int
    line: str
    regime: str
    customs_value: Money
    duty: Money
    consumption_tax: Money
    vat: Money
    total: Money
    preference: str
    """``granted``, ``granted with discrepancies``, ``denied: <reason>``, or ``not claimed``."""
    working: tuple[Mapping[str, str], ...]
    notes: tuple[str, ...]
    status: Status

    def to_document(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "line": self.line,
            "regime": self.regime,
            "customs_value": _money(self.customs_value),
            "duty": _money(self.duty),
            "consumption_tax": _money(self.consumption_tax),
            "vat": _money(self.vat),
            "total": _money(self.total),
            "preference": self.preference,
            "working": [dict(step) for step in self.working],
            "notes": list(self.notes),
            "status": self.status.value,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ItemAssessment:
        return cls(
            item=int(doc["item"]),
            line=doc["line"],
            regime=doc["regime"],
            customs_value=_read_money(doc["customs_value"]),
            duty=_read_money(doc["duty"]),
            consumption_tax=_read_money(doc["consumption_tax"]),
            vat=_read_money(doc["vat"]),
            total=_read_money(doc["total"]),
            preference=doc["preference"],
            working=tuple(doc["working"]),
            notes=tuple(doc["notes"]),
            status=Status(doc["status"]),
        )


def item_assessment(number: int, assessed: Assessment, preference: str) -> ItemAssessment:
    """An item's assessment from the tariff engine's, rounded to the currency's minor unit."""
    working = tuple(
        {
            "step": s.key,
            "label": s.label,
            "basis": s.basis,
            "rate": s.rate,
            "amount": _amount_text(s.amount),
            "currency": s.amount.currency,
            "reference": s.reference,
            "status": s.status.value,
        }
        for s in assessed.steps
    )
    return ItemAssessment(
        item=number,
        line=assessed.request.line,
        regime=assessed.regime.value,
        customs_value=assessed.customs_value.rounded(),
        duty=assessed.duty.rounded(),
        consumption_tax=assessed.consumption.rounded(),
        vat=assessed.vat.rounded(),
        total=assessed.total.rounded(),
        preference=preference,
        working=working,
        notes=assessed.notes,
        status=assessed.status,
    )


@dataclass(frozen=True, slots=True)
class DeclarationAssessment:
    """Every item's assessment and the totals, in the importing country's currency."""

    currency: str
    items: tuple[ItemAssessment, ...]
    _totals: dict[str, Money] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Each total once found: lodging reads them for the ``DutyAssessed`` event, the stored
    document and the answer. The assessment never changes, so neither do they; a total that
    cannot be found (items in another currency) is not kept and raises again."""

    def _sum(self, name: str) -> Money:
        found = self._totals.get(name)
        if found is None:
            found = self._totals[name] = summed(
                self.currency, [getattr(item, name) for item in self.items]
            )
        return found

    @property
    def duty(self) -> Money:
        return self._sum("duty")

    @property
    def consumption_tax(self) -> Money:
        return self._sum("consumption_tax")

    @property
    def vat(self) -> Money:
        return self._sum("vat")

    @property
    def total(self) -> Money:
        return self._sum("total")

    @property
    def customs_value(self) -> Money:
        return self._sum("customs_value")

    @property
    def status(self) -> Status:
        return combine(i.status for i in self.items)

    def to_document(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "customs_value": _money(self.customs_value),
            "duty": _money(self.duty),
            "consumption_tax": _money(self.consumption_tax),
            "vat": _money(self.vat),
            "total": _money(self.total),
            "status": self.status.value,
            "items": [i.to_document() for i in self.items],
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> DeclarationAssessment:
        items: Sequence[Mapping[str, Any]] = doc["items"]
        return cls(doc["currency"], tuple(ItemAssessment.from_document(i) for i in items))
