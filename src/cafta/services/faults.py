"""Whose fault a failure is: the caller's, or the node operator's.

A failure that no change to the request can mend is the operator's: the node's configuration, its
database, a server started without a store, or exchange rates older than the node accepts for a
day that has come (``fx.rate_stale``: the rate data loaded ends weeks before today). The API and
the portal answer such a failure as "service unavailable" (503) and keep its particulars, which
may name the server's files, for the log; the CLI, run by the operator, prints them.

A stale rate for a day still to come is the caller's: no source can have a fixing for it yet.
"""

from __future__ import annotations

from datetime import date

from cafta.core.errors import CaftaError
from cafta.refdata.exchange_rates import STALE

__all__ = ["OPERATOR_CODES", "is_operators"]

OPERATOR_CODES = (
    "config.",
    "storage.unavailable",
    "storage.not_migrated",
    "storage.busy",
    "clearance.unavailable",
    STALE,
)
"""Codes (or prefixes of codes, ending in a dot) of the failures only the operator can mend."""


def is_operators(error: CaftaError, today: date | None = None) -> bool:
    """Whether ``error`` is the operator's to mend rather than the caller's (module docstring).

    ``today`` is the node's day; without it a stale rate counts as the operator's whatever day
    it was asked for.
    """
    if not error.code.startswith(OPERATOR_CODES):
        return False
    if error.code != STALE or today is None:
        return True
    asked = error.details.get("on")
    try:
        return asked is None or date.fromisoformat(str(asked)) <= today
    except ValueError:
        return True
