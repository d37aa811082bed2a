"""Currencies: ISO 4217 codes, names and minor units.

A :class:`Currency` is looked up by its three-letter code in ISO 4217 list one as shipped by
``pycountry`` (its ``iso4217`` database, from Debian's iso-codes); the minor unit (number of decimal
places) comes from :func:`cafta.core.money.minor_unit`, so rounding and display agree everywhere.

The ``pycountry`` database is loaded on the first lookup, never at import time.

References: ISO 4217:2015 "Codes for the representation of currencies", list one (maintained by
SIX Group on behalf of ISO); pycountry (the PyPI package).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cafta.core.errors import NotFound
from cafta.core.money import check_currency_code, minor_unit

# Shown in the hint of an unknown code: the currencies of the China-ASEAN Free Trade Area.
_EXAMPLES = ("CNY", "USD", "EUR", "VND", "THB", "MYR", "IDR", "PHP", "SGD")


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency: ``Currency('VND', 'Dong', 0)``."""

    code: str
    name: str
    minor_unit: int

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


@cache
def _iso4217_names() -> dict[str, str]:
    # Imported here: pycountry's import and database load cost tens of milliseconds.
    import pycountry  # noqa: PLC0415

    return {c.alpha_3: c.name for c in pycountry.currencies}


def currency(code: str) -> Currency:
    """The ISO 4217 currency with this code (any case, surrounding blanks ignored).

    >>> currency("cny")
    Currency(code='CNY', name='Yuan Renminbi', minor_unit=2)

    Raises :class:`~cafta.core.errors.InvalidInput` (``money.invalid_currency``) when the code is
    not three letters and :class:`~cafta.core.errors.NotFound` (``currency.unknown``) when ISO 4217
    has no such code.
    """
    normalized = check_currency_code(code)
    name = _iso4217_names().get(normalized)
    if name is None:
        raise NotFound(
            f"'{normalized}' is not an ISO 4217 currency code",
            code="currency.unknown",
            hint=f"Use a current ISO 4217 code, for example {', '.join(_EXAMPLES)}.",
            details={"code": normalized},
        )
    return Currency(normalized, name, minor_unit(normalized))


def is_currency(code: str) -> bool:
    """Whether ``code`` is a current ISO 4217 code (three letters, any case)."""
    return code.strip().upper() in _iso4217_names()
