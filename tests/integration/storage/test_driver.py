"""Statements run on the driver's cursor write what SQLAlchemy's execution writes, and fail
alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from cafta.adapters.storage.driver import DriverStatement
from cafta.adapters.storage.tables import audit_log, outbox
from cafta.core.errors import CaftaError

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # no microseconds: SQLite's text must still have them


def _message(n: int, at: datetime) -> dict[str, object]:
    return {"topic": "GoodsReleased", "key": f"CD{n}", "payload": "{}", "created_at": at}


def test_rows_written_on_the_driver_read_back_as_through_sqlalchemy(uow_factory) -> None:
    later = AT.replace(microsecond=123456)
    with uow_factory() as uow:
        uow.db.execute(insert(outbox), [_message(1, AT), _message(2, later)])
        uow.db.execute_on_driver(DriverStatement(insert(outbox)), [_message(3, AT)])
        uow.db.execute_on_driver(DriverStatement(insert(outbox)), [_message(4, later)])
        uow.commit()
    with uow_factory(read_only=True) as uow:
        rows = uow.db.execute(select(outbox.c.key, outbox.c.created_at).order_by(outbox.c.id))
        found = {row.key: row.created_at for row in rows}
        if not uow.db.is_postgresql:  # the stored text itself, which SQLite compares as text
            stored = uow.db.connection.exec_driver_sql("SELECT key, created_at FROM outbox")
            text = {row[0]: row[1] for row in stored}
            assert text["CD1"] == text["CD3"] == "2026-03-02 09:30:00.000000"
            assert text["CD2"] == text["CD4"] == "2026-03-02 09:30:00.123456"
    assert found == {"CD1": AT, "CD2": later, "CD3": AT, "CD4": later}


def test_several_rows_go_in_one_executemany(uow_factory) -> None:
    with uow_factory() as uow:
        uow.db.execute_on_driver(
            DriverStatement(insert(outbox)), [_message(n, AT) for n in range(5)]
        )
        uow.commit()
    with uow_factory(read_only=True) as uow:
        keys = [k for (k,) in uow.db.execute(select(outbox.c.key).order_by(outbox.c.id))]
    assert keys == [f"CD{n}" for n in range(5)]


def test_a_failure_on_the_driver_is_the_same_error_as_through_sqlalchemy(uow_factory) -> None:
    entry = {"seq": 1, "at": AT, "actor": "system", "action": "test", "entity": "CD1",
             "payload": "{}", "prev_hash": "0" * 64, "hash": "1" * 64}  # fmt: skip
    with uow_factory() as uow:
        uow.db.execute(insert(audit_log), entry)
        uow.commit()
    with uow_factory() as uow, pytest.raises(CaftaError) as through_sqlalchemy:
        uow.db.execute(insert(audit_log), entry)
    with uow_factory() as uow, pytest.raises(CaftaError) as on_driver:
        uow.db.execute_on_driver(DriverStatement(insert(audit_log)), [entry])
    assert on_driver.value.code == through_sqlalchemy.value.code == "storage.duplicate"


def test_rows_of_one_statement_must_name_the_same_columns(uow_factory) -> None:
    rows = [_message(1, AT), {**_message(2, AT), "sent_at": AT}]
    with uow_factory() as uow, pytest.raises(ValueError, match="same columns"):
        uow.db.execute_on_driver(DriverStatement(insert(outbox)), rows)
