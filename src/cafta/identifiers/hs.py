"""HS codes and national tariff lines (python-stdnum style).

The Harmonized System (HS) of the World Customs Organization numbers goods in chapters (2 digits),
headings (4) and subheadings (6). Contracting parties extend the six digits into national tariff
lines, usually of 8 digits (China's and the ASEAN Harmonised Tariff Nomenclature, AHTN) or 10
digits (China's statistical codes). ``0810.60.00``, ``08106000`` and ``0810 60 00`` are the same
line.

This module checks the *shape* of a code only; whether a code exists in an HS edition is
answered by :mod:`cafta.refdata.nomenclature`. Shape rules:

* digits only, after dropping spaces, dots and hyphens;
* 2, 4 or 6 digits (HS) or 8 or 10 digits (a national line);
* chapter 00 does not exist; chapter 77 is "reserved for possible future use in the Harmonized
  System", and chapters 98 and 99 are "reserved for special uses by Contracting Parties" (WCO,
  *Harmonized System Nomenclature 2022 edition*, table of contents), so 98 and 99 are accepted
  only in 8- or 10-digit national lines, where several parties use them.

API after python-stdnum (https://arthurdejong.org/python-stdnum/):

>>> validate('0810.60.00')
'08106000'
>>> format('08106000')
'0810.60.00'
>>> is_valid('81060')
False
>>> heading('0810 60 00')
'0810'
"""

from __future__ import annotations

from cafta.core.errors import InvalidInput
from cafta.core.remembered import Remembered

__all__ = [
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "chapter",
    "compact",
    "format",
    "heading",
    "is_valid",
    "level",
    "subheading",
    "validate",
]

HS_LENGTHS = (2, 4, 6)
NATIONAL_LENGTHS = (8, 10)
LENGTHS = HS_LENGTHS + NATIONAL_LENGTHS
_DIGITS = frozenset("0123456789")
_SEPARATORS = str.maketrans("", "", " .-")
_RESERVED_CHAPTER = "77"
_NATIONAL_CHAPTERS = ("98", "99")
_LAST_HS_CHAPTER = 97


class InvalidFormat(InvalidInput):
    """The code contains something other than digits and separators."""

    default_code = "hs.invalid_format"


class InvalidLength(InvalidInput):
    """The code has a number of digits that is not 2, 4, 6, 8 or 10."""

    default_code = "hs.invalid_length"


class InvalidComponent(InvalidInput):
    """The digits are well formed but name a chapter that cannot exist."""

    default_code = "hs.invalid_chapter"


def compact(code: str) -> str:
    """Drop spaces, dots and hyphens (and surrounding whitespace); nothing is checked.

    >>> compact(' 0810.60-00 ')
    '08106000'
    """
    return code.strip().translate(_SEPARATORS)


def _describe(char: str) -> str:
    name = char if char.isprintable() else repr(char)[1:-1]
    return f"'{name}' (U+{ord(char):04X})"


def _check_shape(code: str, digits: str) -> None:
    for char in digits:
        if char not in _DIGITS:
            raise InvalidFormat(
                f"HS code {code!r} contains {_describe(char)}, which is not a digit",
                hint="An HS code is digits only, optionally grouped with dots, e.g. 0810.60.",
                details={"code": code, "character": char},
            )
    if len(digits) in LENGTHS:
        return
    allowed = "2, 4 or 6 digits (HS), or 8 or 10 (a national tariff line)"
    given = f"has {len(digits)} digit{'' if len(digits) == 1 else 's'}" if digits else "is empty"
    raise InvalidLength(
        f"HS code {code!r} {given}; allowed are {allowed}",
        hint=_length_hint(digits),
        details={"code": code, "digits": len(digits), "allowed": list(LENGTHS)},
    )


_LEVELS = {
    2: "chapter",
    4: "heading",
    6: "subheading",
    8: "8-digit national line",
    10: "10-digit national line",
}


def _dotted(digits: str) -> str:
    """Group digits (or ``x`` placeholders) as ``0810.60.00.10``; nothing is checked."""
    if len(digits) <= 4:
        return digits
    return ".".join([digits[:4]] + [digits[i : i + 2] for i in range(4, len(digits), 2)])


def _length_hint(digits: str) -> str:
    """What to do about a code of the wrong length: the message already says which lengths are
    allowed, so the hint points at the likely fix for these digits."""
    if not digits:
        return "Give the code of the goods, such as 0810.60 (a subheading)."
    padded = "0" + digits
    if len(padded) in LENGTHS and _chapter_problem(padded) is None:
        return f"Spreadsheets often drop a leading zero: did you mean {padded}?"
    size = len(digits)
    shorter = max((n for n in LENGTHS if n < size), default=None)
    longer = min((n for n in LENGTHS if n > size), default=None)
    if longer is None:
        assert shorter is not None  # more digits than the longest length
        return (
            f"A {_LEVELS[shorter]} is the longest code: look for a digit too many (the first "
            f"{shorter} read {_dotted(digits[:shorter])})."
        )
    complete = f"complete the {_LEVELS[longer]} {_dotted(digits + 'x' * (longer - size))}."
    if shorter is None or _chapter_problem(digits[:shorter]) is not None:
        return complete[0].upper() + complete[1:]
    return f"Give the {_LEVELS[shorter]} {_dotted(digits[:shorter])}, or {complete}"


def _chapter_problem(digits: str) -> str | None:
    chapter_ = digits[:2]
    if chapter_ == "00":
        return "chapter 00 does not exist"
    if chapter_ == _RESERVED_CHAPTER:
        return "chapter 77 is reserved in the HS for possible future use"
    if int(chapter_) > _LAST_HS_CHAPTER and (
        chapter_ not in _NATIONAL_CHAPTERS or len(digits) in HS_LENGTHS
    ):
        return f"chapter {chapter_} is not an HS chapter (the HS ends at chapter 97)"
    return None


def _validate(code: str) -> str:
    digits = compact(code)
    _check_shape(code, digits)
    problem = _chapter_problem(digits)
    if problem is not None:
        national = " Chapters 98 and 99 are used only in 8- or 10-digit national lines."
        raise InvalidComponent(
            f"HS code {code!r}: {problem}",
            hint="Check the first two digits against the HS chapters (01 to 97)."
            + (national if digits[:2] in _NATIONAL_CHAPTERS else ""),
            details={"code": code, "chapter": digits[:2]},
        )
    return digits


# The same few lines come back in declaration after declaration, and a line read from a
# declaration is checked again when the risk engine sees it: a valid code's digits are
# remembered (errors are raised anew each time).
_validated = Remembered(_validate, size=4096)


def validate(code: str) -> str:
    """Return the compact digits of a well-formed HS code or national line, or raise.

    Raises :class:`InvalidFormat`, :class:`InvalidLength` or :class:`InvalidComponent`.

    >>> validate('0810 60 00')
    '08106000'
    >>> validate('81060')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    cafta.identifiers.hs.InvalidLength: HS code '81060' has 5 digits; ... did you mean 081060?
    """
    return _validated(code)


def is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed HS code or national line; never raises.

    >>> is_valid('0810.60'), is_valid('77'), is_valid('99.01.00.00')
    (True, False, True)
    """
    try:
        validate(code)
    except (InvalidInput, TypeError, AttributeError):
        return False
    return True


def _format(code: str) -> str:
    return _dotted(validate(code))


# Every view of a declaration writes each item's line in dotted form: as for validate(), a
# valid code's answer is remembered (and an error raised anew).
_formatted = Remembered(_format, size=4096)


def format(code: str) -> str:
    """The conventional dotted form: ``0810``, ``0810.60``, ``0810.60.00``, ``0810.60.00.10``.

    >>> format('081060001')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    cafta.identifiers.hs.InvalidLength: HS code '081060001' has 9 digits; ...
    >>> format('0810600010')
    '0810.60.00.10'
    """
    return _formatted(code)


def level(code: str) -> int:
    """The number of digits: 2 (chapter), 4 (heading), 6 (subheading), 8 or 10 (national)."""
    return len(validate(code))


def _prefix(code: str, size: int, what: str) -> str:
    digits = validate(code)
    if len(digits) < size:
        raise InvalidLength(
            f"HS code {code!r} has {len(digits)} digits, too few to have a {what}",
            code="hs.too_short",
            hint=f"A {what} needs at least {size} digits.",
            details={"code": code, "digits": len(digits), "needed": size},
        )
    return digits[:size]


def chapter(code: str) -> str:
    """The 2-digit chapter of a code.

    >>> chapter('0810.60')
    '08'
    """
    return _prefix(code, 2, "chapter")


def heading(code: str) -> str:
    """The 4-digit heading of a code; raises :class:`InvalidLength` for a bare chapter."""
    return _prefix(code, 4, "heading")


def subheading(code: str) -> str:
    """The 6-digit subheading of a code; raises :class:`InvalidLength` for 2 or 4 digits.

    >>> subheading('0810.60.00.10')
    '081060'
    """
    return _prefix(code, 6, "subheading")
