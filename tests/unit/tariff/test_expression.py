from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cafta.core.errors import InvalidInput
from cafta.core.quantity import Quantity
from cafta.core.remembered import RememberedByIdentity
from cafta.tariff import expression
from cafta.tariff.expression import (
    AdValorem,
    Banded,
    Basis,
    Compound,
    HigherOf,
    LowerOf,
    Specific,
    ad_valorem_rate,
    parse,
)

KG = Quantity(Decimal(1000), "kg")


def basis(value: str, qty: Quantity | None = KG) -> Basis:
    return Basis(Decimal(value), "CNY", qty)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20%", AdValorem(Decimal(20))),
        ("0%", AdValorem(Decimal(0))),
        ("12% * 11/12", AdValorem(Decimal(12), (11, 12))),
        ("1.5 CNY/kg", Specific(Decimal("1.5"), "CNY", "kg")),
        ("2600 cny/tonne", Specific(Decimal(2600), "CNY", "t")),
        (
            "10% + 0.9 CNY/kg",
            Compound((AdValorem(Decimal(10)), Specific(Decimal("0.9"), "CNY", "kg"))),
        ),
        (
            "min(20%, 2600 CNY/t)",
            LowerOf((AdValorem(Decimal(20)), Specific(Decimal(2600), "CNY", "t"))),
        ),
        ("max(5%, 1 CNY/u)", HigherOf((AdValorem(Decimal(5)), Specific(Decimal(1), "CNY", "u")))),
        (
            "20% if value <= 7.5 CNY/kg else 0% + 1.5 CNY/kg",
            Banded(
                Decimal("7.5"), "CNY", "kg", AdValorem(Decimal(20)),
                Compound((AdValorem(Decimal(0)), Specific(Decimal("1.5"), "CNY", "kg"))),
            ),
        ),
    ],
)  # fmt: skip
def test_parse_and_write_back(text: str, expected: object) -> None:
    parsed = parse(text)
    assert parsed == expected
    assert parse(str(parsed)) == parsed


@pytest.mark.parametrize(
    "text",
    ["", "  ", "20", "20 %%", "abc", "min(20%)", "1.5 CN/kg", "1.5 CNY/parsec", "20% if value",
     "20% if value <= 7 CNY/kg", "12% * 11/0", "12% * 1.5/2", "20% 30%", "(20%", "20%)"],
)  # fmt: skip
def test_unreadable_expressions_say_so(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse(text)
    assert error.value.code in ("tariff.invalid_expression", "quantity.unknown_unit")


def test_parentheses_group_a_nested_band() -> None:
    text = "5% + (1% if value <= 2 CNY/kg else 0%)"
    expr = parse(text)
    assert isinstance(expr, Compound) and isinstance(expr.parts[1], Banded)
    assert str(expr) == text
    assert parse("(20%)") == AdValorem(Decimal(20))


def test_ad_valorem_amount_and_base_fraction() -> None:
    assert parse("20%").amount(basis("100000")) == Decimal(20000)
    assert parse("12% * 11/12").amount(basis("1200")) == Decimal(132)


def test_specific_converts_units() -> None:
    assert parse("2600 CNY/t").amount(basis("1")) == Decimal(2600)  # 1000 kg = 1 t
    assert parse("1.5 CNY/kg").amount(basis("1", Quantity(Decimal(2), "t"))) == Decimal(3000)


def test_specific_needs_a_quantity_of_the_same_dimension() -> None:
    with pytest.raises(InvalidInput) as missing:
        parse("1.5 CNY/kg").amount(basis("100", None))
    assert missing.value.code == "duty.quantity_required"
    with pytest.raises(InvalidInput) as wrong:
        parse("1.5 CNY/kg").amount(basis("100", Quantity(Decimal(5), "l")))
    assert wrong.value.code == "quantity.incompatible_unit"


def test_band_boundary_is_inclusive() -> None:
    rubber = parse("20% if value <= 7.5 CNY/kg else 1.5 CNY/kg")
    assert rubber.amount(basis("7500")) == Decimal(1500)  # 7.5/kg: 20%
    assert rubber.amount(basis("7500.01")) == Decimal(1500)  # above: 1.5 x 1000
    assert rubber.amount(basis("9000")) == Decimal(1500)
    assert rubber.amount(basis("7000")) == Decimal(1400)
    strict = parse("20% if value < 7.5 CNY/kg else 1.5 CNY/kg")
    assert strict.amount(basis("7500")) == Decimal(1500)
    assert "1.5 CNY/kg" in strict.working(basis("7500"))


def test_lower_and_higher_of_pick_the_right_option() -> None:
    assert parse("min(20%, 2600 CNY/t)").amount(basis("10000")) == Decimal(2000)
    assert parse("min(20%, 2600 CNY/t)").amount(basis("20000")) == Decimal(2600)
    assert parse("max(20%, 2600 CNY/t)").amount(basis("10000")) == Decimal(2600)


def test_working_names_the_numbers() -> None:
    text = parse("20% if value <= 7.5 CNY/kg else 1.5 CNY/kg").working(basis("8000"))
    assert "8 CNY/kg" in text and "1.5 CNY/kg" in text


def test_helpers() -> None:
    assert ad_valorem_rate(parse("9%")) == Decimal("0.09")
    assert ad_valorem_rate(parse("1 CNY/kg")) is None


percents = st.decimals(min_value=0, max_value=200, places=2)
amounts = st.decimals(min_value=0, max_value=10_000, places=3)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 2) -> object:
    leaf = st.one_of(
        percents.map(AdValorem),
        amounts.map(lambda a: Specific(a, "CNY", "kg")),
    )
    if depth == 0:
        return draw(leaf)
    sub = expressions(depth - 1)
    return draw(
        st.one_of(
            leaf,
            st.lists(sub, min_size=2, max_size=3).map(lambda p: Compound(tuple(p))),
            st.lists(sub, min_size=2, max_size=3).map(lambda p: LowerOf(tuple(p))),
            st.lists(sub, min_size=2, max_size=3).map(lambda p: HigherOf(tuple(p))),
            st.tuples(amounts, sub, sub).map(lambda t: Banded(t[0], "CNY", "kg", t[1], t[2])),
        )
    )


@given(expressions(), st.decimals(min_value=0, max_value=10**9, places=2),
       st.decimals(min_value="0.001", max_value=10**6, places=3))  # fmt: skip
def test_any_expression_round_trips_and_is_never_negative(
    expr: object, value: Decimal, qty: Decimal
) -> None:
    again = parse(str(expr))
    assert str(again) == str(expr)  # a sum inside a sum reads back flattened: same text
    b = Basis(value, "CNY", Quantity(qty, "kg"))
    first = expr.amount(b)  # type: ignore[attr-defined]
    assert first >= 0
    assert again.amount(b) == first
    assert expr.amount(b) == first  # type: ignore[attr-defined]


def test_text_is_kept_per_expression_not_per_equal_value() -> None:
    # Equal numbers can be written differently: each expression keeps its own text.
    zero, minus_zero = AdValorem(Decimal("0")), AdValorem(Decimal("-0"))
    assert zero == minus_zero
    for _ in range(2):  # the second time from the cache
        assert (str(zero), str(minus_zero)) == ("0%", "-0%")
    band = parse("5% + (1% if value < 2 CNY/kg else 0%)")
    assert str(band) == str(band) == band.render() == "5% + (1% if value < 2 CNY/kg else 0%)"


def test_text_cache_is_emptied_when_full_and_still_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(expression, "_text", RememberedByIdentity(expression._render, size=3))
    made = [AdValorem(Decimal(n)) for n in range(10)]
    for _ in range(2):
        assert [str(e) for e in made] == [f"{n}%" for n in range(10)]
