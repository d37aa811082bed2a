"""Quantities and the units specific duties are expressed in.

Specific duties are charged per unit of quantity (CNY per kg, per tonne, per litre, per item);
a declared quantity is converted to the duty's unit within one dimension (mass, volume, count),
never across dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init

# unit -> (dimension, size in the dimension's base unit)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "g": ("mass", Decimal("0.001")),
    "kg": ("mass", Decimal(1)),
    "t": ("mass", Decimal(1000)),
    "l": ("volume", Decimal(1)),
    "m3": ("volume", Decimal(1000)),
    "u": ("count", Decimal(1)),
    "1000u": ("count", Decimal(1000)),
}
_ALIASES = {
    "kgs": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "mt": "t",
    "litre": "l",
    "liter": "l",
    "litres": "l",
    "liters": "l",
    "unit": "u",
    "units": "u",
    "pcs": "u",
    "piece": "u",
    "pieces": "u",
    "item": "u",
    "items": "u",
    "each": "u",
}


# Every name and alias as written here, to its canonical unit: most documents write ``kg``.
_NAMES: dict[str, str] = {**{name: name for name in _UNITS}, **_ALIASES}


def unit(text: str) -> str:
    """The canonical name of a unit (``kg``, ``t``, ``l``, ``u``, ...)."""
    known = _NAMES.get(text) if type(text) is str else None
    if known is not None:
        return known
    key = text.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _UNITS:
        raise InvalidInput(
            f"unknown unit '{text}'",
            code="quantity.unknown_unit",
            hint=f"Use one of: {', '.join(_UNITS)}.",
        )
    return key


@direct_init  # a faster constructor (cafta.core.frozen): a few quantities per item
@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount of goods in a unit; ``amount`` is exact and not negative."""

    amount: Decimal
    unit: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Quantity.amount must be a Decimal")
        if self.amount < 0:
            raise InvalidInput(
                f"quantity {self.amount} {self.unit} is negative", code="quantity.negative"
            )
        if self.unit not in _UNITS:
            raise InvalidInput(f"unknown unit '{self.unit}'", code="quantity.unknown_unit")

    @classmethod
    def _trusted(cls, amount: Decimal, unit_name: str) -> Quantity:
        """Build from parts already checked (a valid quantity converted to a known unit, which
        cannot turn negative): skips the checks of ``__post_init__``, which they would pass."""
        quantity = object.__new__(cls)
        object.__setattr__(quantity, "amount", amount)
        object.__setattr__(quantity, "unit", unit_name)
        return quantity

    @classmethod
    def of(cls, amount: Decimal, unit_name: str) -> Quantity:
        return cls(amount, unit(unit_name))

    def to(self, target: str) -> Quantity:
        """The same quantity in another unit of the same dimension."""
        target = unit(target)
        dim, size = _UNITS[self.unit]
        target_dim, target_size = _UNITS[target]
        if dim != target_dim:
            raise InvalidInput(
                f"a quantity in {self.unit} ({dim}) cannot be expressed in {target} ({target_dim})",
                code="quantity.incompatible_unit",
                hint=f"Declare the quantity in {target}.",
            )
        return Quantity._trusted(self.amount * size / target_size, target)

    def __str__(self) -> str:
        return f"{self.amount.normalize():f} {self.unit}"
