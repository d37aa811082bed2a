"""Money's internal fast paths give what the checked constructor gives, errors included."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cafta.core.errors import InvalidInput
from cafta.core.money import Money


def test_computed_money_equals_the_checked_one() -> None:
    computed = Money.computed(Decimal("12.345"), "CNY")
    assert computed == Money(Decimal("12.345"), "CNY")
    assert type(computed) is Money
    assert hash(computed) == hash(Money(Decimal("12.345"), "CNY"))


@pytest.mark.parametrize("amount", ["1E+15", "-1E+15", "Infinity", "NaN"])
def test_computed_money_refuses_what_money_refuses_with_the_same_error(amount: str) -> None:
    with pytest.raises(InvalidInput) as checked:
        Money(Decimal(amount), "CNY")
    with pytest.raises(InvalidInput) as computed:
        Money.computed(Decimal(amount), "CNY")
    assert (computed.value.code, computed.value.message) == (
        checked.value.code,
        checked.value.message,
    )


def test_derived_money_is_a_frozen_money() -> None:
    total = Money.of("1.005", "CNY") + Money.of("2", "CNY")
    for derived in (total, total.rounded(), total * 2, total - total):
        assert type(derived) is Money
        with pytest.raises(AttributeError):
            derived.amount = Decimal(1)  # type: ignore[misc]
    assert repr(total.rounded()) == "Money(amount=Decimal('3.01'), currency='CNY')"


@given(
    st.decimals(min_value=-(10**14), max_value=10**14, places=5, allow_nan=False),
    st.sampled_from(["CNY", "VND", "KWD"]),
)
def test_rounding_and_format_match_quantize(amount: Decimal, currency: str) -> None:
    money = Money(amount, currency)
    places = {"CNY": 2, "VND": 0, "KWD": 3}[currency]
    step = Decimal(1).scaleb(-places)
    assert str(money.rounded().amount) == str(amount.quantize(step, rounding="ROUND_HALF_UP"))
    assert money.rounded(ROUND_DOWN).amount == amount.quantize(step, rounding=ROUND_DOWN)
    expected = f"{amount.quantize(step, rounding='ROUND_HALF_UP'):,.{places}f} {currency}"
    assert money.format() == expected
