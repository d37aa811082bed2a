"""Vehicle registration plates, as a gate camera and a declaration must agree on them.

Plates differ by country (China: a province character, a letter and five characters, ``桂A·12345``;
Viet Nam: province digits, a series and a number, ``12C-345.67``), and a reader, a driver and a
broker write them differently. For matching, a plate is compacted: upper case, without spaces,
dots, middle dots or hyphens. Validation checks only what every plate shares: 4 to 12 letters
(including CJK province characters) or digits.

>>> compact('12C-345.67')
'12C34567'
>>> compact('桂A·12345')
'桂A12345'
>>> is_valid('AB')
False
"""

from __future__ import annotations

from functools import lru_cache

from cafta.core.errors import InvalidInput

__all__ = ["InvalidPlate", "compact", "is_valid", "validate"]

_SEPARATORS = str.maketrans("", "", " .-·・_")


class InvalidPlate(InvalidInput):
    default_code = "plate.invalid"


def compact(plate: str) -> str:
    return plate.translate(_SEPARATORS).strip().upper()


def validate(plate: str) -> str:
    # Only short text goes through the cache (a valid identifier is short, and the cache
    # must not keep long inputs alive); anything else is checked as it always was.
    if type(plate) is str and len(plate) <= _CACHED_LENGTH:
        return _validated(plate)
    return _validate(plate)


def _validate(plate: str) -> str:
    value = compact(plate)
    if not 4 <= len(value) <= 12:
        raise InvalidPlate(
            f"vehicle plate {plate!r} has {len(value)} characters after removing separators",
            hint="A plate has 4 to 12 letters or digits, e.g. 桂A12345 or 12C-345.67.",
        )
    bad = [c for c in value if not c.isalnum()]
    if bad:
        raise InvalidPlate(f"vehicle plate {plate!r} contains {bad[0]!r}")
    return value


# The same trucks cross every day: a valid plate's compact form is remembered. Errors are not
# cached (lru_cache never keeps an exception): each is raised anew.
_CACHED_LENGTH = 64
_validated = lru_cache(maxsize=4096)(_validate)


def is_valid(plate: str) -> bool:
    try:
        validate(plate)
    except (InvalidInput, AttributeError, TypeError):
        return False
    return True
