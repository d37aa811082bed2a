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
  never guessed at: a guess is how ``612.000`` became 612;
* a number that reads two ways is refused as ambiguous, naming both readings: one whose only
  separator is the language's decimal separator followed by exactly three digits, after one to
  three digits not starting with 0 (``1.500`` on a Chinese page is 1.5, but it is how a
  Vietnamese invoice writes 1500; ``612,000`` on a Vietnamese page is 612, but English 612000).
  ``0.125``, ``1234.500`` and ``612000.50`` read one way only, and are read.

A leading minus is read (so that a negative amount is refused as negative, not as
malformed). Full-width digits, commas and full stops typed with a Chinese input method
(``６１２，０００．５０``, and the ideographic full stop ``。``) are read as their ASCII forms;
every other character is refused, never normalized (NFKC would read ``612000²`` as 6120002 and
``①②`` as 12). Amounts and quantities must stay below 10^15, as the engines require.

Each form carries the language its numbers were typed in (the hidden ``numbers`` field): a form
shown in Vietnamese and sent after the visitor switched another tab to English is still read
the Vietnamese way, and a tariff link that changes the language keeps its amounts. A form
shown again in another language rewrites its numbers that language's way only when it can read
every one of them; otherwise it keeps them as typed, and the language they were typed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cafta.web.i18n import N_

__all__ = [
    "AMBIGUOUS",
    "FIELD",
    "HELP",
    "NEGATIVE",
    "NEGATIVE_NUMBER",
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
NEGATIVE_NUMBER = N_("This number must not be negative.")
"""For a quantity or a mass, which is no amount of money."""
AMBIGUOUS = N_("%(typed)s could mean %(fraction)s or %(whole)s: write %(fraction)s or %(whole)s.")
"""A number that reads two ways (:meth:`NumberStyle.read`); the readings are written the
page's way, each so that it reads one way only."""

_LIMIT = Decimal(10) ** 15
_MINUS = ("-", "\u2212")
_WIDE = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},  # ０-９
        "\uff0c": ",",  # ， full-width comma
        "\uff0e": ".",  # ． full-width full stop
        "\u3002": ".",  # 。 ideographic full stop: the "." key in Chinese punctuation mode
        "\uff0d": "-",  # － full-width hyphen-minus
    }
)
"""What a Chinese input method types for digits and separators; nothing else is mapped (the
ideographic comma 、 enumerates, it never groups digits)."""


class Unreadable(ValueError):
    """Text that is not a number written the expected way; ``message`` is a msgid and
    ``values`` what its placeholders stand for."""

    def __init__(self, message: str, values: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.values: Mapping[str, str] = dict(values or {})


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
        """``text`` as a number; :class:`Unreadable` when it is not written this way, reads
        two ways (:data:`AMBIGUOUS`) or is not below 10^15 (negative numbers are read: the
        caller decides on them)."""
        typed = text.translate(_WIDE).strip()
        negative = typed.startswith(_MINUS)
        digits = typed[1:] if negative else typed
        if not self._pattern.fullmatch(digits):
            raise Unreadable(NOT_A_NUMBER)
        plain = digits.replace(self.group, "").replace(self.decimal, ".")
        try:
            number = Decimal(plain)
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise Unreadable(NOT_A_NUMBER) from None
        if _AMBIGUOUS.fullmatch(plain):
            sign = "-" if negative else ""
            fraction = sign + self.plain(number.normalize())
            raise Unreadable(AMBIGUOUS, {"typed": typed, "fraction": fraction,
                                         "whole": sign + plain.replace(".", "")})  # fmt: skip
        if number >= _LIMIT:
            raise Unreadable(TOO_LARGE)
        return -number if negative and number else number

    def plain(self, number: Decimal) -> str:
        """``number`` without grouping, with this language's decimal separator, written so
        that it reads one way only: a form that shows it sends it back as the same number
        (``1.125`` is written ``1.1250``, ``1.500`` ``1.5000``, which no language groups)."""
        text = f"{number:f}"
        if _AMBIGUOUS.fullmatch(text.lstrip("-")):
            text += "0"
        return text.replace(".", self.decimal)

    def readable(self, text: str) -> bool:
        """Whether ``text`` is empty or a number written this way (:meth:`read`)."""
        try:
            return not text or self.read(text) is not None
        except Unreadable:
            return False

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
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}", re.ASCII)
"""A number (plain, ``.`` for its decimal separator) that the other languages would read as
thousands: one to three digits not starting with 0, and exactly three decimals."""


def style_of(code: object, default: str) -> NumberStyle:
    """The style a form's ``numbers`` field names, else that of the language ``default``."""
    found = STYLES.get(code) if isinstance(code, str) else None
    return found or STYLES[default]
