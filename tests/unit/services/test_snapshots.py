"""Snapshots: one computation per question and interval of the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cafta.core.errors import InvalidInput
from cafta.services.snapshots import Snapshots

T0 = datetime(2026, 6, 1, 8, 30, 0, tzinfo=UTC)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_one_computation_per_question_and_minute() -> None:
    kept: Snapshots[str, int] = Snapshots()
    count = Counter()
    first = kept.get("CNYYG", T0 + timedelta(seconds=5), count)
    same = kept.get("CNYYG", T0 + timedelta(seconds=59), count)
    assert (first.value, same.value, count.calls) == (1, 1, 1)
    assert same.at == T0 + timedelta(seconds=5)  # when it was counted, shown on the page
    other = kept.get("CNPXG", T0 + timedelta(seconds=59), count)
    assert other.value == 2
    later = kept.get("CNYYG", T0 + timedelta(seconds=60), count)  # the next minute of the clock
    assert later.value == 3 and later.at == T0 + timedelta(seconds=60)


def test_the_least_recently_asked_go_first_and_zero_keeps_nothing() -> None:
    kept: Snapshots[int, int] = Snapshots(size=2)
    count = Counter()
    kept.get(1, T0, count)
    kept.get(2, T0, count)
    kept.get(1, T0, count)  # 1 is now the most recent
    kept.get(3, T0, count)  # pushes 2 out
    assert count.calls == 3
    assert kept.get(1, T0, count).value == 1
    assert kept.get(2, T0, count).value == 4
    never: Snapshots[int, int] = Snapshots(every=timedelta(0))
    assert [never.get(1, T0, count).value for _ in range(2)] == [5, 6]


def test_settings_are_checked() -> None:
    with pytest.raises(InvalidInput):
        Snapshots(every=timedelta(seconds=-1))
    with pytest.raises(InvalidInput):
        Snapshots(size=0)
