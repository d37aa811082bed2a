"""Whose fault a failure is: the operator's (the edges answer 503) or the caller's."""

from __future__ import annotations

from datetime import date

import pytest

from cafta.core.errors import CaftaError, InvalidInput, NotFound
from cafta.services.faults import is_operators

TODAY = date(2026, 12, 20)


def _stale(on: str | None) -> NotFound:
    details = {"base": "USD", "quote": "CNY"} | ({"on": on} if on is not None else {})
    return NotFound("no USD/CNY exchange rate", code="fx.rate_stale", details=details)


@pytest.mark.parametrize(
    ("error", "operators"),
    [
        (CaftaError("no such file", code="config.file_not_found"), True),
        (CaftaError("database down", code="storage.unavailable"), True),
        (CaftaError("no database", code="clearance.unavailable"), True),
        (NotFound("no XAF rate", code="fx.rate_unavailable"), False),
        (InvalidInput("bad line", code="hs.invalid_length"), False),
        (CaftaError("a code that only starts alike", code="configured.nothing"), False),
    ],
)
def test_the_operators_codes(error: CaftaError, operators: bool) -> None:
    assert is_operators(error, TODAY) is operators
    assert is_operators(error) is operators


def test_a_stale_rate_is_the_operators_up_to_today_and_the_callers_after() -> None:
    assert is_operators(_stale("2026-12-01"), TODAY)
    assert is_operators(_stale("2026-12-20"), TODAY)
    assert not is_operators(_stale("2026-12-21"), TODAY)
    assert is_operators(_stale("2026-12-21"))  # the day unknown: the operator's
    assert is_operators(_stale(None), TODAY)
    assert is_operators(_stale("not a date"), TODAY)
