"""Declarations: round trips, filters, duplicates and optimistic concurrency."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from cafta.core.errors import Conflict, InvalidInput, NotFound
from cafta.services.ports import DeclarationFilter

DOCUMENT = {
    "id": "CNYYG-2026-000001",
    "goods": [
        {"description": "榴莲 (durian), fresh — Monthong", "value": "171000.10", "rate": "0.00"},
        {"description": "Thanh long «dragon fruit»", "value": "0.000001", "quantity": "1E+3"},
    ],
    "notes": "naïve café 𝄞",
    "flags": [True, False, None],
    "count": 3,
}


def test_a_declaration_round_trips_exactly(uow_factory, engine, make_declaration) -> None:
    shanghai = datetime(2026, 3, 2, 17, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    record = make_declaration(lodged_at=shanghai, document=DOCUMENT, lane="green")
    with uow_factory() as uow:
        uow.declarations.add(record)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.declarations.get(record.id)
    assert stored is not None
    assert stored == record
    assert stored.document == DOCUMENT
    assert stored.lodged_at.tzinfo is not None
    assert stored.lodged_at.utcoffset() == timedelta(0)
    assert stored.lodged_at == shanghai
    assert stored.lodged_at.microsecond == 123456
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT document FROM declarations")).scalar_one()
    assert raw == json.dumps(DOCUMENT, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_a_missing_declaration_is_none(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.declarations.get("nope") is None


def test_adding_the_same_id_twice_is_a_conflict(uow_factory, make_declaration) -> None:
    with uow_factory() as uow:
        uow.declarations.add(make_declaration())
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict) as caught:
        uow.declarations.add(make_declaration())
    assert caught.value.code == "declaration.exists"


def test_a_new_declaration_must_be_version_1(uow_factory, make_declaration) -> None:
    with uow_factory() as uow, pytest.raises(InvalidInput) as caught:
        uow.declarations.add(make_declaration(version=2))
    assert caught.value.code == "declaration.version_invalid"


def test_a_document_that_is_not_json_is_refused(uow_factory, make_declaration) -> None:
    with uow_factory() as uow, pytest.raises(InvalidInput) as caught:
        uow.declarations.add(make_declaration(document={"value": Decimal("1.10")}))
    assert caught.value.code == "storage.not_json"


def test_leaving_without_commit_rolls_back(uow_factory, make_declaration) -> None:
    with uow_factory() as uow:
        uow.declarations.add(make_declaration())
    with uow_factory() as uow:
        assert uow.declarations.get(make_declaration().id) is None


def test_an_update_replaces_the_declaration(uow_factory, make_declaration) -> None:
    record = make_declaration()
    with uow_factory() as uow:
        uow.declarations.add(record)
        uow.commit()
    later = record.updated_at + timedelta(minutes=5)
    changed = replace(
        record, version=2, status="released", lane="green", updated_at=later,
        document={**record.document, "status": "released"},
    )  # fmt: skip
    with uow_factory() as uow:
        uow.declarations.update(changed, expected_version=1)
        uow.commit()
    with uow_factory() as uow:
        assert uow.declarations.get(record.id) == changed


def test_updating_a_missing_declaration_is_not_found(uow_factory, make_declaration) -> None:
    with uow_factory() as uow, pytest.raises(NotFound):
        uow.declarations.update(make_declaration(version=2), expected_version=1)


def test_an_update_must_write_the_next_version(uow_factory, make_declaration) -> None:
    with uow_factory() as uow, pytest.raises(InvalidInput):
        uow.declarations.update(make_declaration(version=3), expected_version=1)


def test_two_writers_that_read_version_1_the_second_gets_a_conflict(
    uow_factory, make_declaration
) -> None:
    record = make_declaration()
    with uow_factory() as uow:
        uow.declarations.add(record)
        uow.commit()
    with uow_factory() as first_reader:
        first = first_reader.declarations.get(record.id)
    with uow_factory() as second_reader:
        second = second_reader.declarations.get(record.id)
    assert first is not None and second is not None and first.version == second.version == 1
    with uow_factory() as uow:
        uow.declarations.update(replace(first, version=2, status="released"), expected_version=1)
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict) as caught:
        uow.declarations.update(replace(second, version=2, status="rejected"), expected_version=1)
    assert caught.value.code == "declaration.version"
    with uow_factory() as uow:
        stored = uow.declarations.get(record.id)
    assert stored is not None and (stored.version, stored.status) == (2, "released")


def test_on_postgresql_two_open_transactions_race_and_the_first_commit_wins(
    backend, uow_factory, make_declaration
) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite never has two write transactions open at once (BEGIN IMMEDIATE)")
    record = make_declaration()
    with uow_factory() as uow:
        uow.declarations.add(record)
        uow.commit()
    outcome: list[BaseException] = []
    with uow_factory() as first, uow_factory() as second:
        seen_first = first.declarations.get(record.id)
        seen_second = second.declarations.get(record.id)
        assert seen_first is not None and seen_second is not None
        first.declarations.update(replace(seen_first, version=2, status="released"), 1)

        def second_writer() -> None:
            try:  # waits on the row lock until the first commits
                second.declarations.update(replace(seen_second, version=2, lane="red"), 1)
            except BaseException as error:  # checked below
                outcome.append(error)

        racer = threading.Thread(target=second_writer)
        racer.start()
        time.sleep(0.2)
        assert racer.is_alive(), "the second UPDATE should wait for the first transaction"
        first.commit()
        racer.join(5)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert outcome[0].code == "declaration.version"


def test_list_filters_and_orders_newest_first(uow_factory, make_declaration) -> None:
    base = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        make_declaration("D1", lodged_at=base, status="lodged"),
        make_declaration("D2", lodged_at=base + timedelta(hours=2), status="released",
                         lane="green"),
        make_declaration("D3", lodged_at=base + timedelta(hours=1), office="CNSHA",
                         importer="CN:other", declarant="CN:broker-9"),
        make_declaration("D0", lodged_at=base + timedelta(hours=2), status="lodged", lane="red"),
    ]  # fmt: skip
    with uow_factory() as uow:
        for row in rows:
            uow.declarations.add(row)
        uow.commit()

    def ids(**where: object) -> list[str]:
        with uow_factory() as uow:
            return [r.id for r in uow.declarations.list(DeclarationFilter(**where))]  # type: ignore[arg-type]

    assert ids() == ["D0", "D2", "D3", "D1"]
    assert ids(office="CNYYG") == ["D0", "D2", "D1"]
    assert ids(status="lodged") == ["D0", "D3", "D1"]
    assert ids(office="CNYYG", status="lodged", lane="red") == ["D0"]
    assert ids(party="CN:broker-9") == ["D3"]
    assert ids(party="CN:91370200MA3C5LXX1X") == ["D0", "D2", "D1"]
    assert ids(limit=2) == ["D0", "D2"]
    assert ids(limit=2, offset=2) == ["D3", "D1"]
    with uow_factory() as uow:
        assert uow.declarations.count(DeclarationFilter(office="CNYYG", limit=1)) == 3
