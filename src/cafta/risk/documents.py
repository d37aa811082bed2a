"""Reading risk configuration documents (rule sets, lane quotas) strictly, with paths in errors.

Rule sets and quota tables are data an office edits (JSON or YAML, parsed at the edge; this
package never reads a file). They are read with :class:`cafta.core.fields.Fields`, so every
error names its field (``watch_lists[0].entries[2].lane: unknown lane 'purple'``). Unlike
declarations, configuration is read strictly: an unknown key is an error, because a misspelt
``yelow_ratio`` silently ignored would change which goods are examined.

Shares, ratios and weights may be written as numbers (``0.03``) or exact strings (``"0.03"``);
a YAML float is read through its shortest decimal form, so ``0.03`` is exactly ``0.03``. They
are not money: money amounts (reference values) must still be exact strings or integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from cafta.core.dates import Validity
from cafta.core.errors import InvalidInput
from cafta.core.fields import Fields

__all__ = ["check_known", "optional_share", "share", "validity"]


def check_known(fields: Fields, known: Sequence[str]) -> None:
    """Raise ``risk.unknown_field`` naming the first key that ``known`` does not list."""
    unknown = fields.unknown(known)
    if unknown:
        raise InvalidInput(
            f"{unknown[0]}: unknown field",
            code="risk.unknown_field",
            hint=f"Known fields here: {', '.join(known)}.",
            details={"field": unknown[0]},
        )


def optional_share(fields: Fields, key: str) -> Decimal | None:
    """A number in [0, 1] (a share, ratio or weight), or ``None`` when absent."""
    value = fields.raw(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise fields.error(key, "expected a number from 0 to 1", "invalid_field")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise fields.error(key, f"'{value}' is not a number", "invalid_field") from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise fields.error(
            key,
            f"{value} is not a number from 0 to 1",
            "invalid_field",
            hint="Write shares as fractions: 0.03 for 3%.",
        )
    return number


def share(fields: Fields, key: str, default: Decimal) -> Decimal:
    """A number in [0, 1], or ``default`` when absent."""
    found = optional_share(fields, key)
    return default if found is None else found


def validity(fields: Fields) -> Validity | None:
    """``valid_from`` / ``valid_to`` (both inclusive); ``None`` when neither is given."""
    start: date | None = fields.optional_date("valid_from")
    end = fields.optional_date("valid_to")
    if start is None:
        if end is not None:
            raise fields.error("valid_from", "missing (valid_to is given)", "missing_field")
        return None
    try:
        return Validity(start, end)
    except InvalidInput as error:
        raise fields.wrap(error, "valid_to") from None
