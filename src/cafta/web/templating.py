"""Jinja2 templates, one environment per language.

Each language has its own :class:`jinja2.Environment` with the i18n extension and that
language's catalog installed (``install_gettext_translations``, new-style ``_()`` calls that
escape their arguments), so a template is compiled once per language and rendering needs no
per-request set-up. Autoescaping is on for every template, and an undefined variable is an
error (``StrictUndefined``), so a mistake shows in the tests rather than as an empty cell.

Filters format for the page's language with Babel: ``amount`` (``"21800.00"`` → ``21,800.00``,
``21.800,00`` in Vietnamese; the digits given are kept, and with a currency,
``amount("CNY")``, at least that currency's decimals: ``"612000"`` → ``612,000.00``),
``figures`` (the numbers among a message's values, written the page's way: ``20,000``,
``20.000``), ``working`` (an engine's working, in English, its numbers written the page's way:
``76,700.00 CNY × 0%`` → ``76.700,00 CNY × 0%``; dates, codes and fractions as they are),
``country`` (``TH`` → Thailand, 泰国,
Thái Lan), ``currency_name``, ``day`` (an ISO date in the locale's medium form), ``moment`` (an
ISO date and time in the locale's medium form, in the time zone given: the node's).
``sentence`` ends an engine's message with a full stop when it has none, so the hint after it
reads as a sentence of its own, and ``capital`` starts that hint with a capital letter. Globals:
``options(kind, selected)`` (the options of a drop-down list, :mod:`cafta.web.choices`), and the
names of the engines' codes (:mod:`cafta.web.labels`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern
from jinja2 import Environment, PackageLoader, StrictUndefined

from cafta.core.money import minor_unit
from cafta.identifiers import hs
from cafta.web import labels
from cafta.web.choices import options
from cafta.web.i18n import LANGUAGES, Language, translations

__all__ = ["Templates"]


@lru_cache(maxsize=16)
def _pattern(places: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * places if places else ""))


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _amount(locale: Locale) -> Any:
    def amount(text: object, currency: object = None) -> str:
        """``text`` with its places; with a ``currency``, with at least that currency's
        decimals (an amount filed with more keeps them: nothing is rounded away)."""
        try:
            number = Decimal(str(text))
        except InvalidOperation:
            return str(text)
        if not number.is_finite():
            return str(text)
        places = _places(number)
        if isinstance(currency, str) and len(currency) == 3:
            places = max(minor_unit(currency.upper()), _places(number.normalize()))
        return str(_pattern(places).apply(number, locale))

    return amount


_NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w/-]|[.,]\d)")
"""A number as the engines write it in English (``76,700.00``, ``7.1234``, ``25``), standing
alone: not part of a date (``2026-05-01``), a name (``W1``) or a fraction (``11/12``). Only the
working's basis and rate are rewritten: they hold amounts, rates and quantities, never an HS
code (``0810.60`` would read as a number; the notes, which name codes, are left as written)."""


def _working(locale: Locale) -> Any:
    amount = _amount(locale)

    def working(text: object) -> str:
        """``text`` (an engine's working) with its numbers written the page's way, their
        digits kept."""

        def one(found: re.Match[str]) -> str:
            return str(amount(found.group(1).replace(",", "") + (found.group(2) or "")))

        return _NUMBER.sub(one, str(text))

    return working


def _figures(locale: Locale) -> Any:
    def figures(values: Mapping[str, object]) -> dict[str, object]:
        """A message's values with its numbers written the page's way (text as it is)."""
        return {
            name: _pattern(0).apply(value, locale)
            if isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in values.items()
        }

    return figures


def _country(babel_locale: Locale) -> Any:
    def country(code: object) -> str:
        text = str(code or "")
        return str(babel_locale.territories.get(text.upper(), text))

    return country


def _currency_name(babel_locale: Locale) -> Any:
    def currency_name(code: object) -> str:
        text = str(code or "")
        return str(babel_locale.currencies.get(text.upper(), text))

    return currency_name


def _day(locale: Locale) -> Any:
    def day(value: object) -> str:
        if isinstance(value, dt.date):
            return format_date(value, "medium", locale=locale)
        try:
            return format_date(dt.date.fromisoformat(str(value)), "medium", locale=locale)
        except ValueError:
            return str(value)

    return day


def _moment(locale: Locale) -> Any:
    def moment(value: object, zone: dt.tzinfo | None = None) -> str:
        try:
            when = (
                value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
            )
        except ValueError:
            return str(value)
        if when.tzinfo is not None and zone is not None:
            when = when.astimezone(zone)
        return str(format_datetime(when, "medium", tzinfo=when.tzinfo, locale=locale))

    return moment


def _sentence(text: object) -> str:
    found = str(text).rstrip()
    return found if not found or found[-1] in ".!?…。" else found + "."


def _capital(text: object) -> str:
    """``text`` with its first letter upper-cased, the rest as it is (an engine's hint comes
    after a full stop: ``use an ISO 3166 code`` → ``Use an ISO 3166 code``)."""
    found = str(text)
    return found[:1].upper() + found[1:]


def _hs(code: object) -> str:
    text = str(code or "")
    return hs.format(text) if hs.is_valid(text) else text


def _environment(language: Language) -> Environment:
    env = Environment(
        loader=PackageLoader("cafta.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    babel_locale = Locale.parse(language.locale)
    env.filters.update(
        amount=_amount(babel_locale),
        figures=_figures(babel_locale),
        working=_working(babel_locale),
        capital=_capital,
        country=_country(babel_locale),
        currency_name=_currency_name(babel_locale),
        day=_day(babel_locale),
        moment=_moment(babel_locale),
        sentence=_sentence,
        hs=_hs,
    )
    env.globals.update(
        options=lambda kind, selected="": options(language, kind, selected),
        regimes=labels.REGIMES,
        proofs=labels.PROOFS,
        areas=labels.AREAS,
    )
    return env


class Templates:
    """The portal's templates in every language."""

    def __init__(self) -> None:
        self._environments = {language.code: _environment(language) for language in LANGUAGES}

    def render(self, language: Language, name: str, values: Mapping[str, Any]) -> str:
        """The template ``name`` rendered in ``language`` with ``values``."""
        return self._environments[language.code].get_template(name).render(values)
