"""The options of the portal's drop-down lists, named in the page's language.

Countries are every ISO 3166-1 country, the eleven CAFTA parties first; names come from Babel's
CLDR data for the page's locale. Currencies are the parties' own and the main invoicing
currencies. The lists are built once per language, and their ``<option>`` markup too: a page
only marks the chosen one (a list of 250 countries rendered option by option would be most of a
page's time).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale
from markupsafe import Markup, escape

from cafta.refdata.countries import CAFTA_PARTIES
from cafta.web.i18n import Language

__all__ = ["CURRENCIES", "Choice", "Choices", "choices", "option_markup", "options"]

CURRENCIES: tuple[str, ...] = (
    "CNY", "USD", "EUR", "JPY", "KRW", "HKD", "BND", "KHR", "IDR", "LAK", "MYR", "MMK", "PHP",
    "SGD", "THB", "VND",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Choices:
    """The lists for one language."""

    parties: tuple[Choice, ...]
    """The CAFTA parties, China first."""
    others: tuple[Choice, ...]
    """Every other country, by name."""
    currencies: tuple[Choice, ...]


@cache
def choices(language: Language) -> Choices:
    """The lists in ``language``."""
    locale = Locale.parse(language.locale)

    def country(code: str) -> Choice:
        return Choice(code, f"{locale.territories.get(code, code)} ({code})")

    codes = sorted(str(record.alpha_2) for record in pycountry.countries)
    others = sorted(
        (country(code) for code in codes if code not in CAFTA_PARTIES),
        key=lambda choice: choice.label.casefold(),
    )
    currencies = tuple(
        Choice(code, f"{code} — {locale.currencies.get(code, code)}") for code in CURRENCIES
    )
    return Choices(
        parties=tuple(country(code) for code in CAFTA_PARTIES),
        others=tuple(others),
        currencies=currencies,
    )


@cache
def option_markup(language: Language, kind: str) -> str:
    """The ``<option>`` elements of one list (``parties``, ``others``, ``currencies``), none
    selected, as HTML."""
    found: tuple[Choice, ...] = getattr(choices(language), kind)
    return "".join(f'<option value="{escape(c.value)}">{escape(c.label)}</option>\n' for c in found)


def options(language: Language, kind: str, selected: str = "") -> Markup:
    """The options of a list with ``selected`` (if among them) marked as chosen."""
    markup = option_markup(language, kind)
    if selected:
        chosen = f'<option value="{escape(selected)}">'
        markup = markup.replace(chosen, chosen[:-1] + " selected>", 1)
    return Markup(markup)  # built from escaped values only
