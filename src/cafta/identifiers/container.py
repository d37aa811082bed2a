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

from functools import lru_cache

from stdnum import iso6346
from stdnum.exceptions import InvalidChecksum, ValidationError

from cafta.core.errors import InvalidInput

__all__ = ["InvalidContainer", "compact", "format", "is_valid", "validate"]


class InvalidContainer(InvalidInput):
    default_code = "container.invalid"


def compact(number: str) -> str:
    return str(iso6346.compact(number))


def validate(number: str) -> str:
    # Only short text goes through the cache (a valid identifier is short, and the cache
    # must not keep long inputs alive); anything else is checked as it always was.
    if type(number) is str and len(number) <= _CACHED_LENGTH:
        return _validated(number)
    return _validate(number)


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
# comes back in the declarations of every load it carries: a valid number's compact form is
# remembered. Errors are not cached (lru_cache never keeps an exception): each is raised anew.
_CACHED_LENGTH = 64
_validated = lru_cache(maxsize=4096)(_validate)


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except (InvalidInput, AttributeError, TypeError):
        return False
    return True


def format(number: str) -> str:
    return str(iso6346.format(validate(number)))
