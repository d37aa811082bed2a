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

from cafta.core.errors import InvalidInput
from cafta.core.remembered import Remembered

__all__ = ["InvalidPlate", "compact", "is_valid", "validate"]

_SEPARATORS = str.maketrans("", "", " .-·・_")


class InvalidPlate(InvalidInput):
    default_code = "plate.invalid"


def compact(plate: str) -> str:
    return plate.translate(_SEPARATORS).strip().upper()


def validate(plate: str) -> str:
    return _validated(plate)


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


# The same trucks cross every day: answers are remembered (errors are raised anew each time).
_validated = Remembered(_validate, size=4096)


def is_valid(plate: str) -> bool:
    try:
        validate(plate)
    except (InvalidInput, AttributeError, TypeError):
        return False
    return True
