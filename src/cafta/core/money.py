"""Money: an exact ``Decimal`` amount in an ISO 4217 currency, rounded only when asked.

Amounts are never floats. Arithmetic keeps full precision; :meth:`Money.rounded` quantizes to the
currency's minor unit (ISO 4217 exponent) with an explicit rounding mode, which is how customs
rounds an assessed amount (China rounds duty-paid value and taxes to the fen, i.e. 2 places).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init

# ISO 4217 exponents that differ from the usual 2. Source: ISO 4217 list one (SIX Group).
_EXPONENTS: dict[str, int] = {
    "BHD": 3,
    "CLP": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
}
_CODE = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal(10) ** 15
"""Amounts (and quantities) must stay below this: no consignment is worth 10^15 of anything,
and a bound keeps every quantization within Decimal's precision."""


def minor_unit(currency: str) -> int:
    """Decimal places of the currency's minor unit (2 unless ISO 4217 says otherwise)."""
    return _EXPONENTS.get(currency, 2)


_QUANTA: dict[str, Decimal] = {}


def quantum(currency: str) -> Decimal:
    """The currency's smallest unit as a ``Decimal`` exponent (``0.01`` for CNY, ``1`` for VND)."""
    q = _QUANTA.get(currency)
    if q is None:
        q = _QUANTA[currency] = Decimal(1).scaleb(-minor_unit(currency))
    return q


def check_currency_code(currency: str) -> str:
    """Return the code upper-cased, or raise if it is not three letters."""
    code = currency.strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(
            f"'{currency}' is not a currency code",
            code="money.invalid_currency",
            hint="Use a three-letter ISO 4217 code such as CNY, USD or VND.",
        )
    return code


def to_decimal(value: object, what: str = "amount") -> Decimal:
    """Convert an int, a ``Decimal`` or a decimal string to ``Decimal``; floats are refused."""
    if type(value) is str:  # what documents hold, checked first: the answer is the same
        return _bounded(_from_text(value, what), value, what)
    if isinstance(value, bool | float):
        raise InvalidInput(
            f"{what} must be given exactly (a decimal string or an integer), not {value!r}",
            code="money.inexact",
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        result = _from_text(value, what)
    else:
        raise InvalidInput(f"{what} {value!r} is not a number", code="money.invalid_amount")
    return _bounded(result, value, what)


_PLAIN = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)?(?:\.[0-9]+)?")
"""A number as text: digits, a dot before the decimals, commas only between groups of three
digits before the dot (``612000.50``, ``612,000.50``, ``.5``)."""
_HOW = 'Write it with a dot before the decimals and no other separators, e.g. "612000.50"'


def _from_text(value: str, what: str) -> Decimal:
    """The number ``value`` writes, refusing every form that could be misread.

    ``612.000,50`` (how Viet Nam and Indonesia write six hundred and twelve thousand) or
    ``1,5`` would otherwise lose their commas and be read as 612.00050 and 15; an exponent
    (``1e6``) is not how a document writes an amount. Each is refused with how to write it.
    """
    text = value.strip()
    if text and text[-1:].isdigit() and _PLAIN.fullmatch(text) is not None:
        result = Decimal(text.replace(",", "") if "," in text else text)
        # "-0" and "-0.00" are zero: stored and shown without the sign.
        return result.copy_abs() if result.is_zero() else result
    try:
        parsed: Decimal | None = Decimal(text)
    except InvalidOperation:
        parsed = None
    if parsed is not None and not parsed.is_finite():
        raise InvalidInput(f"{what} '{value}' is not a finite number", code="money.invalid_amount")
    if parsed is None and "," not in text:
        raise InvalidInput(
            f"{what} '{value}' is not a number", code="money.invalid_amount", hint=f"{_HOW}."
        )
    raise InvalidInput(
        f"{what} '{value}' is not written as a plain decimal",
        code="money.invalid_amount",
        hint=f"So that it cannot be misread: {_HOW[0].lower()}{_HOW[1:]}; commas are allowed "
        "only between groups of three digits before the dot (612,000.50).",
    )


def _bounded(result: Decimal, value: object, what: str) -> Decimal:
    """``result`` if it is finite and below 10^15, else the error naming ``value``."""
    if not result.is_finite():
        raise InvalidInput(f"{what} '{value}' is not a finite number", code="money.invalid_amount")
    if abs(result) >= MAX_AMOUNT:
        raise InvalidInput(
            f"{what} '{value}' is too large",
            code="money.too_large",
            hint="Check the figure: amounts must be below 10^15.",
        )
    if result.is_signed() and result.is_zero():  # -0 is zero, shown without its sign
        return result.copy_abs()
    return result


@direct_init
@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency. Comparisons and sums need the same currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money.amount must be a Decimal, not {type(self.amount).__name__}")
        if not _CODE.match(self.currency):
            raise InvalidInput(
                f"'{self.currency}' is not a currency code", code="money.invalid_currency"
            )
        if not self.amount.is_finite() or abs(self.amount) >= MAX_AMOUNT:
            raise _too_large(self.amount, self.currency)

    @classmethod
    def of(cls, amount: object, currency: str) -> Money:
        """Build from a string, int or Decimal amount and a currency code in any case."""
        return cls(to_decimal(amount), check_currency_code(currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def computed(cls, amount: Decimal, currency: str) -> Money:
        """An amount computed from valid Money, in that Money's currency code.

        Checks only what the computation can break, that the amount is finite and below
        10^15 (raising as ``Money(amount, currency)`` would): the currency code and the
        ``Decimal`` type are the caller's to guarantee. The tariff engine builds a few of these
        per regime of every item, where the full check showed up in profiles.
        """
        if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
            raise _too_large(amount, currency)
        return _build(amount, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise _mismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return _build(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return _build(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply Money by a Decimal, not a float")
        return _build(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def rounded(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Quantize to the currency's minor unit with the given ``decimal`` rounding mode."""
        currency = self.currency
        # The rounding mode is passed by position: Decimal.quantize parses keywords slowly,
        # and this runs for every amount of every assessment.
        return _build(self.amount.quantize(quantum(currency), rounding), currency)

    def format(self) -> str:
        """``'30,800.00 CNY'``: grouped, at the currency's minor unit (rounded half up)."""
        currency = self.currency
        amount = self.amount.quantize(quantum(currency), ROUND_HALF_UP)
        places = minor_unit(currency)
        if places == 2:  # most currencies: a constant format spec is read faster
            return f"{amount:,.2f} {currency}"
        return f"{amount:,.{places}f} {currency}"

    def __str__(self) -> str:
        return self.format()


# Money is a frozen dataclass, so its own __setattr__ refuses to set a field. Results of
# arithmetic on valid Money are valid already; they are built by writing the two slots directly
# (their descriptors), which is what a pricing run does over a hundred times per declaration and
# costs a fraction of the dataclass __init__ with its checks.
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__


def _build(amount: Decimal, currency: str) -> Money:
    money: Money = object.__new__(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


def summed(currency: str, amounts: Iterable[Money]) -> Money:
    """The sum of ``amounts`` in ``currency``: what adding them one by one to
    ``Money.zero(currency)`` gives, the same errors included (a code that is not one, then the
    first amount in another currency), without building a ``Money`` at every step."""
    running = Money.zero(currency).amount
    for money in amounts:
        if money.currency != currency:
            raise _mismatch(currency, money.currency)
        running = running + money.amount
    return _build(running, currency)


def _mismatch(currency: str, other: str) -> InvalidInput:
    return InvalidInput(
        f"cannot combine {currency} and {other} without a rate", code="money.currency_mismatch"
    )


def _too_large(amount: Decimal, currency: str) -> InvalidInput:
    return InvalidInput(
        f"amount {amount} {currency} is not a finite amount below 10^15", code="money.too_large"
    )
