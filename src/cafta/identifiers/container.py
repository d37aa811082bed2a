"""Freight container numbers (ISO 6346), through python-stdnum's ``iso6346``.

A container number is an owner code (3 letters), an equipment category (U, J or Z), a 6-digit
serial number and a check digit: ``CSQU 305438 3``. The check digit is computed by
python-stdnum (ISO 6346:2022, Annex A); this module keeps the project's error type and hints.

>>> validate('csqu 305438 3')
'CSQU3054383'
>>> is_valid('CSQU3054384')
False
"""

from __future__ import annotations

from stdnum import iso6346
from stdnum.exceptions import InvalidChecksum, ValidationError

from cafta.core.errors import InvalidInput
from cafta.core.remembered import Remembered

__all__ = ["InvalidContainer", "compact", "format", "is_valid", "validate"]


class InvalidContainer(InvalidInput):
    default_code = "container.invalid"


def compact(number: str) -> str:
    return str(iso6346.compact(number))


def validate(number: str) -> str:
    return _validated(number)


def _validate(number: str) -> str:
    try:
        return str(iso6346.validate(number))
    except InvalidChecksum:
        raise InvalidContainer(
            f"container number {number!r} fails its check digit",
            code="container.check_digit",
            hint="Check the last digit and the letters: one character is probably mistyped.",
        ) from None
    except ValidationError:
        raise InvalidContainer(
            f"container number {number!r} is not an ISO 6346 number",
            hint="Write 4 letters (owner code and U, J or Z), 6 digits and the check digit, "
            "e.g. CSQU3054383.",
        ) from None


# python-stdnum's check (clean-up and check digit) costs 10-15 microseconds, and a container
# comes back in the declarations of every load it carries: answers are remembered.
_validated = Remembered(_validate, size=4096)


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except (InvalidInput, AttributeError, TypeError):
        return False
    return True


def format(number: str) -> str:
    return str(iso6346.format(validate(number)))
