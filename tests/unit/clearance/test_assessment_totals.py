"""A declaration's totals: found once, equal to adding the items' Money one by one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cafta.clearance.assessment import DeclarationAssessment, ItemAssessment
from cafta.core.errors import InvalidInput
from cafta.core.money import Money, summed
from cafta.core.provenance import Status

TOTALS = ("customs_value", "duty", "consumption_tax", "vat", "total")


def _item(number: int, amount: str, currency: str = "CNY") -> ItemAssessment:
    m = Money(Decimal(amount), currency)
    return ItemAssessment(number, "08106000", "MFN", m, m, m, m, m, "not claimed", (), (),
                          Status.OFFICIAL)  # fmt: skip


def _added(currency: str, amounts: list[Money]) -> Money:
    total = Money.zero(currency)
    for m in amounts:
        total = total + m
    return total


def test_totals_are_the_items_added_and_are_kept() -> None:
    items = (_item(1, "0.10"), _item(2, "1E+2"), _item(3, "2.345"))
    assessment = DeclarationAssessment("CNY", items)
    for name in TOTALS:
        found = getattr(assessment, name)
        expected = _added("CNY", [getattr(i, name) for i in items])
        assert repr(found) == repr(expected)  # the same digits and exponent, not only equal
        assert getattr(assessment, name) is found
    assert assessment == DeclarationAssessment("CNY", items)
    assert "_totals" not in repr(assessment)
    assert DeclarationAssessment("CNY", ()).total == Money.zero("CNY")


def test_a_total_that_cannot_be_found_raises_each_time() -> None:
    mixed = DeclarationAssessment("CNY", (_item(1, "1"), _item(2, "2", "VND")))
    for _ in range(2):
        with pytest.raises(InvalidInput, match="cannot combine CNY and VND without a rate"):
            _ = mixed.total
    with pytest.raises(InvalidInput, match="is not a currency code"):
        _ = DeclarationAssessment("cny", ()).duty


def test_summed_adds_as_money_does() -> None:
    amounts = [Money(Decimal(a), "JPY") for a in ("1", "-0.5", "1E+3")]
    assert repr(summed("JPY", amounts)) == repr(_added("JPY", amounts))
    with pytest.raises(InvalidInput, match="cannot combine JPY and USD"):
        summed("JPY", [*amounts, Money(Decimal(1), "USD")])
