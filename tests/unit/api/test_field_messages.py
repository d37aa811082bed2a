"""msgspec's refusals (``Expected `int` >= 1``, ``Invalid RFC3339 encoded date``) in a
trader's words, whichever bound or kind of value they are about. The messages are made by
msgspec itself, so a change in its wording shows here."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
import pytest
from msgspec import Meta

from cafta.api.errors import _field_message


def _refusal(kind: Any, value: Any) -> str:
    """msgspec's message for ``value`` read as ``kind``, as the API's errors get it."""
    try:
        msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as error:
        return str(error)
    raise AssertionError(f"{value!r} was read as {kind}")


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        (Annotated[int, Meta(ge=1)], 0, "must be a whole number of at least 1"),
        (Annotated[int, Meta(le=100)], 101, "must be a whole number of at most 100"),
        (Annotated[int, Meta(gt=0)], 0, "must be a whole number of at least 1"),
        (Annotated[int, Meta(lt=5)], 5, "must be a whole number of at most 4"),
        (Annotated[float, Meta(ge=0.5)], 0.1, "must be a number of at least 0.5"),
        (Annotated[float, Meta(le=1.5)], 2.0, "must be a number of at most 1.5"),
        (Annotated[float, Meta(gt=0)], 0.0, "must be a number greater than 0.0"),
        (Annotated[float, Meta(lt=1)], 1.0, "must be a number less than 1.0"),
        (Annotated[int, Meta(multiple_of=5)], 3, "must be a multiple of 5"),
        (Annotated[str, Meta(max_length=200)], "a" * 201, "must be at most 200 characters"),
        (Annotated[str, Meta(max_length=1)], "ab", "must be at most 1 character"),
        (Annotated[str, Meta(min_length=1)], "", "must be at least 1 character"),
        (Annotated[str, Meta(min_length=3)], "ab", "must be at least 3 characters"),
        (Annotated[list[int], Meta(max_length=2)], [1, 2, 3], "must have at most 2 items"),
        (Annotated[list[int], Meta(min_length=1)], [], "must have at least 1 item"),
        (Annotated[dict[str, int], Meta(min_length=1)], {}, "must have at least 1 member"),
        (Annotated[dict[str, int], Meta(max_length=1)], {"a": 1, "b": 2},
         "must have at most 1 member"),
        (tuple[int, int], [1], "must have exactly 2 items"),
        (dt.date, "2026-02-30", "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        (dt.date, "", "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        (dt.date, "01/06/2026", "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01"),
        (dt.datetime, "2026-06-01 noon", "not a valid date and time: write it as "
         "YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2026-06-01T09:30:00+08:00"),
        (dt.time, "noon", "not a valid time: write it as hh:mm:ss, e.g. 09:30:00"),
        (dt.date, 20260601, "expected a date (YYYY-MM-DD), found a whole number"),
    ],
)  # fmt: skip
def test_a_refusal_is_told_in_words(kind: Any, value: Any, words: str) -> None:
    message = _refusal(kind, value)
    assert _field_message(message, "field") == words, message


@pytest.mark.parametrize(
    ("message", "words"),
    [
        # As Litestar passes them: without msgspec's "- at `$...`" suffix.
        ("Expected `int` >= 1", "must be a whole number of at least 1"),
        ("Expected `str` of length <= 200", "must be at most 200 characters"),
        ("Expected `str` of length > 3", "must be more than 3 characters"),
        ("Expected `array` of length < 3", "must have fewer than 3 items"),
        ("Expected `bytes` of length <= 10", "must be at most 10 bytes"),
        ("Expected `decimal` >= 0", "must be at least 0"),
        (
            "Invalid RFC3339 encoded date",
            "not a valid date: write it as YYYY-MM-DD, e.g. 2026-06-01",
        ),
        # What it does not know stays as msgspec wrote it, without the backquotes.
        ("Invalid UUID", "Invalid UUID"),
        ("Object contains unknown field `x`", "Object contains unknown field x"),
    ],
)
def test_the_bound_forms_litestar_passes_on(message: str, words: str) -> None:
    assert _field_message(message, None) == words
