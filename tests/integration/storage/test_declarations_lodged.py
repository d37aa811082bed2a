"""Declarations lodged over a period (what the dashboard reads): bounds, offices, order, limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cafta.core.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 6, 1, tzinfo=SHANGHAI)  # midnight in Beijing: 16:00 UTC the day before


@pytest.fixture
def stored(uow_factory, make_declaration) -> list[str]:
    """Six declarations around 1 June 2026 (Beijing time), at two offices."""
    rows = [
        ("before", DAY - timedelta(microseconds=1), "CNYYG"),
        ("first", DAY, "CNYYG"),
        ("b-same-time", DAY + timedelta(hours=9), "CNPXG"),
        ("a-same-time", DAY + timedelta(hours=9), "CNYYG"),
        ("last", DAY + timedelta(days=1, microseconds=-1), "CNPXG"),
        ("after", DAY + timedelta(days=1), "CNYYG"),
    ]
    with uow_factory() as uow:
        for declaration_id, at, office in rows:
            uow.declarations.add(make_declaration(declaration_id, lodged_at=at, office=office))
        uow.commit()
    return [declaration_id for declaration_id, _, _ in rows]


def _ids(uow_factory, *args, **kwargs) -> list[str]:
    with uow_factory(read_only=True) as uow:
        return [r.id for r in uow.declarations.lodged(*args, **kwargs)]


def test_the_start_is_included_and_the_end_is_not(uow_factory, stored) -> None:
    found = _ids(uow_factory, DAY, DAY + timedelta(days=1))
    assert found == ["last", "a-same-time", "b-same-time", "first"]  # newest first, then id


def test_instants_compare_whatever_their_zone(uow_factory, stored) -> None:
    start = DAY.astimezone(UTC)
    assert start.hour == 16
    assert _ids(uow_factory, start, start + timedelta(hours=9, microseconds=1))[-1] == "first"
    assert _ids(uow_factory, start, start + timedelta(days=1)) == _ids(
        uow_factory, DAY, DAY + timedelta(days=1)
    )


def test_one_office(uow_factory, stored) -> None:
    found = _ids(uow_factory, DAY, DAY + timedelta(days=2), office="CNYYG")
    assert found == ["after", "a-same-time", "first"]


def test_a_limit_keeps_the_newest(uow_factory, stored) -> None:
    end = DAY + timedelta(days=2)
    assert _ids(uow_factory, DAY - timedelta(days=1), end, limit=2) == ["after", "last"]
    assert _ids(uow_factory, DAY - timedelta(days=1), end, limit=0) == []
    assert len(_ids(uow_factory, DAY - timedelta(days=1), end, limit=None)) == 6


def test_no_limit_is_not_the_page_size_of_list(uow_factory, make_declaration) -> None:
    with uow_factory() as uow:
        for number in range(250):
            uow.declarations.add(
                make_declaration(f"CD{number:04d}", lodged_at=DAY + timedelta(seconds=number))
            )
        uow.commit()
    assert len(_ids(uow_factory, DAY, DAY + timedelta(days=1))) == 250


def test_records_come_back_whole(uow_factory, stored, make_declaration) -> None:
    with uow_factory(read_only=True) as uow:
        (record,) = uow.declarations.lodged(DAY, DAY + timedelta(seconds=1))
    assert record == make_declaration("first", lodged_at=DAY, office="CNYYG")


def test_naive_bounds_and_a_negative_limit_are_refused(uow_factory) -> None:
    with uow_factory(read_only=True) as uow:
        with pytest.raises(InvalidInput) as naive:
            uow.declarations.lodged(datetime(2026, 6, 1), DAY)
        with pytest.raises(InvalidInput) as negative:
            uow.declarations.lodged(DAY, DAY + timedelta(days=1), limit=-1)
    assert naive.value.code == "storage.naive_datetime"
    assert negative.value.code == "declaration.invalid_page"
