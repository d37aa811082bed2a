"""Numbers typed into the portal's forms, read as the page's language writes them.

Every page shows amounts in its language's way (``612,000.50`` in English and Chinese,
``612.000,50`` in Vietnamese), so a visitor types them that way too. The engines read a plain
decimal string (``"612000.50"``); this module turns what was typed into one, strictly:

* plain digits with the language's decimal separator always work: ``612000``, ``612000.50``
  (English, Chinese), ``612000,50`` (Vietnamese);
* the grouping separator is allowed only between groups of three digits before the decimal
  separator: ``612,000.50``, ``612.000,50``;
* anything else (``612000.50`` on a Vietnamese page, ``18000,5`` on an English one, spaces,
  letters, exponents, a second separator) is refused with a message showing the expected form,
  never guessed at: a guess is how ``612.000`` became 612.

A leading minus is read (so that a negative amount is refused as negative, not as
malformed); full-width digits and separators typed with a Chinese input method are read as
their ASCII forms. Amounts and quantities must stay below 10^15, as the engines require.

Each form carries the language its numbers were typed in (the hidden ``numbers`` field): a form
shown in Vietnamese and sent after the visitor switched another tab to English is still read
the Vietnamese way, and a tariff link that changes the language keeps its amounts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cafta.web.i18n import N_

__all__ = [
    "FIELD",
    "HELP",
    "NEGATIVE",
    "NOT_A_NUMBER",
    "STYLES",
    "TOO_LARGE",
    "NumberStyle",
    "Unreadable",
    "style_of",
]

FIELD = "numbers"
"""The hidden field of a form naming the language its numbers are written in."""

HELP = N_("Write numbers like 612,000.50 or 612000.50.")
"""Help text of the number fields; each catalog writes the example its language's way."""
NOT_A_NUMBER = N_(
    "This is not a number as this page writes them. Write it like 612,000.50 or 612000.50."
)
TOO_LARGE = N_("This number is too large: it must be below 1,000,000,000,000,000.")
NEGATIVE = N_("The amount must not be negative.")

_LIMIT = Decimal(10) ** 15
_MINUS = ("-", "\u2212")


class Unreadable(ValueError):
    """Text that is not a number written the expected way; ``message`` is a msgid."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """How one language writes numbers: its grouping and decimal separators."""

    language: str
    group: str
    decimal: str

    @property
    def _pattern(self) -> re.Pattern[str]:
        return _PATTERNS[self.language]

    def read(self, text: str) -> Decimal:
        """``text`` as a number; :class:`Unreadable` when it is not written this way or is
        not below 10^15 (negative numbers are read: the caller decides on them)."""
        typed = unicodedata.normalize("NFKC", text).strip()
        negative = typed.startswith(_MINUS)
        digits = typed[1:] if negative else typed
        if not self._pattern.fullmatch(digits):
            raise Unreadable(NOT_A_NUMBER)
        plain = digits.replace(self.group, "").replace(self.decimal, ".")
        try:
            number = Decimal(plain)
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise Unreadable(NOT_A_NUMBER) from None
        if number >= _LIMIT:
            raise Unreadable(TOO_LARGE)
        return -number if negative and number else number

    def plain(self, number: Decimal) -> str:
        """``number`` without grouping, with this language's decimal separator: a form that
        shows it sends it back unchanged."""
        return f"{number:f}".replace(".", self.decimal)

    def restyle(self, text: str, target: NumberStyle) -> str:
        """``text``, typed this way, as ``target`` writes it (plain); unchanged when it cannot
        be read (its message says what to write) or the styles are the same."""
        if target == self or not text:
            return text
        try:
            return target.plain(self.read(text))
        except Unreadable:
            return text


def _compile(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(rf"(?:[0-9]+|[0-9]{{1,3}}(?:{g}[0-9]{{3}})+)(?:{d}[0-9]+)?", re.ASCII)


STYLES = {
    "en": NumberStyle("en", ",", "."),
    "zh": NumberStyle("zh", ",", "."),
    "vi": NumberStyle("vi", ".", ","),
}
"""The portal's languages (:data:`cafta.web.i18n.LANGUAGES`, by code) and how they write
numbers, as their CLDR locales do."""
_PATTERNS = {code: _compile(style.group, style.decimal) for code, style in STYLES.items()}


def style_of(code: object, default: str) -> NumberStyle:
    """The style a form's ``numbers`` field names, else that of the language ``default``."""
    found = STYLES.get(code) if isinstance(code, str) else None
    return found or STYLES[default]
