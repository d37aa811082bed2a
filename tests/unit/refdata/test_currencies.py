"""ISO 4217 currencies from pycountry, with minor units from cafta.core.money."""

from __future__ import annotations

import dataclasses

import pytest

from cafta.core.errors import InvalidInput, NotFound
from cafta.refdata.currencies import Currency, currency, is_currency


def test_currency_is_found_in_any_case_with_name_and_minor_unit() -> None:
    assert currency(" cny ") == Currency("CNY", "Yuan Renminbi", 2)


@pytest.mark.parametrize(
    ("code", "minor_unit"),
    [("VND", 0), ("JPY", 0), ("KHR", 2), ("LAK", 2), ("MMK", 2), ("BND", 2), ("KWD", 3)],
)
def test_minor_unit_follows_iso_4217(code: str, minor_unit: int) -> None:
    assert currency(code).minor_unit == minor_unit


def test_every_acfta_currency_is_known() -> None:
    for code in ("CNY", "BND", "KHR", "IDR", "LAK", "MYR", "MMK", "PHP", "SGD", "THB", "VND"):
        assert currency(code).code == code


def test_unknown_code_is_not_found_with_a_stable_code_and_examples() -> None:
    with pytest.raises(NotFound) as caught:
        currency("XYZ")
    assert caught.value.code == "currency.unknown"
    assert caught.value.hint is not None
    assert "CNY" in caught.value.hint
    assert "USD" in caught.value.hint


def test_malformed_code_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        currency("US")
    assert caught.value.code == "money.invalid_currency"


def test_is_currency() -> None:
    assert is_currency("vnd")
    assert not is_currency("VNX")
    assert not is_currency("??")


def test_currency_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        currency("USD").code = "EUR"  # type: ignore[misc]
    assert str(currency("VND")) == "VND (Dong)"
