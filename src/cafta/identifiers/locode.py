"""UN/LOCODE: the United Nations code for trade and transport locations (python-stdnum style).

A code is the ISO 3166-1 alpha-2 code of the country followed by three characters naming the
place, letters A-Z or digits 2-9 (UNECE Recommendation No. 16, "UN/LOCODE - Code for Trade and
Transport Locations", §3.2: digits 0 and 1 are not used, to avoid confusion with O and I).
Customs offices are named by UN/LOCODE here: ``CNYYG`` is Youyiguan (Friendship Pass, Pingxiang,
Guangxi), ``CNPXG`` Pingxiang, ``VNLSN`` Lang Son, ``CNQIN`` Qingdao. ``CN YYG``, ``cnyyg`` and
``CN-YYG`` are the same code.

This module checks the shape only; whether the country exists is for
:mod:`cafta.refdata.countries`.

>>> validate('CN YYG')
'CNYYG'
>>> format('cnyyg')
'CN YYG'
>>> is_valid('CN1AB')
False
"""

from __future__ import annotations

from cafta.core.errors import InvalidInput
from cafta.core.remembered import Remembered

__all__ = ["InvalidFormat", "InvalidLength", "compact", "country", "format", "is_valid", "validate"]

_SEPARATORS = str.maketrans("", "", " -.")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PLACE = _LETTERS | frozenset("23456789")


class InvalidFormat(InvalidInput):
    default_code = "locode.invalid_format"


class InvalidLength(InvalidInput):
    default_code = "locode.invalid_length"


def compact(code: str) -> str:
    """Upper case, without spaces, hyphens or dots."""
    return code.translate(_SEPARATORS).strip().upper()


def validate(code: str) -> str:
    """The compact code, or raise :class:`InvalidLength` / :class:`InvalidFormat`."""
    return _validated(code)


def _validate(code: str) -> str:
    value = compact(code)
    if len(value) != 5:
        raise InvalidLength(
            f"UN/LOCODE {code!r} has {len(value)} characters, not 5",
            hint="Write the country code and the 3-character place code, e.g. CNYYG (Youyiguan).",
        )
    if not (value[0] in _LETTERS and value[1] in _LETTERS):
        raise InvalidFormat(
            f"UN/LOCODE {code!r} does not start with a two-letter country code",
            hint="e.g. CNYYG, VNLSN.",
        )
    bad = [c for c in value[2:] if c not in _PLACE]
    if bad:
        raise InvalidFormat(
            f"UN/LOCODE {code!r}: {bad[0]!r} cannot be part of a place code",
            hint="A place code has letters A-Z and digits 2-9 only (0 and 1 are not used).",
        )
    return value


# A node sees the same few offices all day, in every declaration and again in the risk view:
# answers are remembered (errors are raised anew each time).
_validated = Remembered(_validate, size=1024)


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except (InvalidInput, AttributeError, TypeError):
        return False
    return True


def format(code: str) -> str:
    """The printed form, ``CN YYG``."""
    value = validate(code)
    return f"{value[:2]} {value[2:]}"


def country(code: str) -> str:
    """The country part of a code: ``CNYYG`` → ``CN``."""
    return validate(code)[:2]
