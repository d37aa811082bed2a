"""The audit log: a valid chain, every kind of tampering found and named, concurrent appends."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cafta.adapters.storage.audit import (
    GENESIS_HASH,
    _entry_hash_of_text,
    entry_hash,
    verify_audit_chain,
)
from cafta.adapters.storage.columns import from_json_text, to_json_text

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _append(uow_factory, count: int) -> None:
    with uow_factory() as uow:
        for n in range(count):
            uow.audit.append(
                AT + timedelta(seconds=n), "officer-3", "GoodsReleased", f"D{n}",
                {"n": n, "duty": "100.50", "note": "放行"},
            )  # fmt: skip
        uow.commit()


def _tamper(engine, sql: str) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(sql)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"n": 1, "duty": "100.50", "note": "放行"},
        {2: "int keys", 10: "are read back as text and sorted as text"},
        {"quote": 'say "hi"\\', "controls": "\n\t\x01\x7f\u2028", "emoji": "🚚",
         "numbers": [1.5, 1e16, -0.0, 1e-7, 10**30], "nested": {"b": None, "a": [True, False]}},
    ],
)  # fmt: skip
@pytest.mark.parametrize("actor", ["officer-3", 'Officer "Li" \\ 李'])
def test_the_appended_hash_is_the_one_verification_computes(payload, actor) -> None:
    """Appends hash the stored text directly (no second encoding); the digest must be the
    one :func:`entry_hash` gives for the payload read back, as the verification computes it."""
    text = to_json_text(from_json_text(to_json_text(payload)))
    for at in (AT, datetime(2026, 3, 2, 16, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8)))):
        expected = entry_hash("f" * 64, seq=42, at=at, actor=actor, action="declaration.lodge",
                              entity="CD20260302-ABC", payload=from_json_text(text))  # fmt: skip
        assert _entry_hash_of_text("f" * 64, seq=42, at=at, actor=actor,
                                   action="declaration.lodge", entity="CD20260302-ABC",
                                   payload_text=text) == expected  # fmt: skip


def test_appended_entries_form_a_valid_chain(uow_factory, engine) -> None:
    assert verify_audit_chain(engine).as_dict() == {"ok": True, "entries": 0, "problems": []}
    _append(uow_factory, 5)
    with uow_factory() as uow:
        entries = uow.audit.entries()
        assert [e.seq for e in uow.audit.entries(after_seq=3)] == [4, 5]
        assert [e.seq for e in uow.audit.entries(limit=2)] == [1, 2]
        assert verify_audit_chain(uow).ok
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    first = entries[0]
    assert first.at == AT and first.at.tzinfo is not None
    assert first.payload == {"n": 0, "duty": "100.50", "note": "放行"}
    assert first.hash == entry_hash(
        GENESIS_HASH, seq=1, at=AT, actor="officer-3", action="GoodsReleased", entity="D0",
        payload={"n": 0, "duty": "100.50", "note": "放行"},
    )  # fmt: skip
    assert verify_audit_chain(engine).as_dict() == {"ok": True, "entries": 5, "problems": []}


def test_a_rolled_back_append_leaves_no_trace(uow_factory, engine) -> None:
    _append(uow_factory, 2)
    with uow_factory() as uow:
        uow.audit.append(AT, "x", "y", "z", {})
    _append(uow_factory, 1)
    result = verify_audit_chain(engine)
    assert (result.ok, result.entries) == (True, 3)


@pytest.mark.parametrize(
    ("tampering", "expected"),
    [
        pytest.param(
            'UPDATE audit_log SET payload = \'{"duty":"0.00","n":2,"note":"放行"}\' WHERE seq = 3',
            ["entry 3: hash does not match its content (edited?)"],
            id="payload-edited",
        ),
        pytest.param(
            "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1",
            ["entry 1: hash does not match its content (edited?)"],
            id="actor-edited",
        ),
        pytest.param(
            "DELETE FROM audit_log WHERE seq = 3",
            ["entry 3 is missing (deleted?)"],
            id="middle-deleted",
        ),
        pytest.param(
            "DELETE FROM audit_log WHERE seq IN (2, 3)",
            ["entries 2 to 3 are missing (deleted?)"],
            id="two-deleted",
        ),
        pytest.param(
            "DELETE FROM audit_log WHERE seq = 5",
            ["the log ends at entry 4 but its head says 5: entries were deleted from the end"],
            id="last-deleted",
        ),
        pytest.param(
            "DELETE FROM audit_log",
            ["the log is empty but its head says 5: entries were deleted from the end"],
            id="all-deleted",
        ),
        pytest.param(
            f"UPDATE audit_log SET prev_hash = '{'1' * 64}' WHERE seq = 4",
            [
                "entry 4: previous hash does not match entry 3",
                "entry 4: hash does not match its content (edited?)",
            ],
            id="prev-hash-changed",
        ),
        pytest.param(
            f"UPDATE audit_log SET prev_hash = '{'1' * 64}' WHERE seq = 1",
            [
                "entry 1: previous hash does not match the start of the chain (64 zeros)",
                "entry 1: hash does not match its content (edited?)",
            ],
            id="first-prev-hash-changed",
        ),
        pytest.param(
            "UPDATE audit_log SET payload = 'not json' WHERE seq = 2",
            ["entry 2: payload is not JSON (edited?)"],
            id="payload-garbled",
        ),
        pytest.param(
            "INSERT INTO audit_log (seq, at, actor, action, entity, payload, prev_hash, hash) "
            "SELECT 0, at, actor, action, entity, payload, prev_hash, hash FROM audit_log "
            "WHERE seq = 1",
            [
                "entry 0: entries are numbered from 1 (inserted?)",
                "entry 0: hash does not match its content (edited?)",
            ],
            id="entry-0-inserted",
        ),
        pytest.param(
            "DELETE FROM audit_head",
            [
                "the audit head row is missing (deleted?): entries removed from the end of the "
                "log could not be noticed"
            ],
            id="head-deleted",
        ),
        pytest.param(
            f"UPDATE audit_head SET last_hash = '{'2' * 64}'",
            ["the head's hash does not match entry 5 (edited?)"],
            id="head-hash-edited",
        ),
    ],
)
def test_tampering_is_found_and_named(uow_factory, engine, tampering, expected) -> None:
    _append(uow_factory, 5)
    _tamper(engine, tampering)
    result = verify_audit_chain(engine)
    assert result.problems == expected
    assert not result.ok


def test_an_edited_entry_rehashed_breaks_the_next_link(uow_factory, engine) -> None:
    _append(uow_factory, 5)
    with uow_factory() as uow:
        third = uow.audit.entries(after_seq=2, limit=1)[0]
    forged = entry_hash(
        third.prev_hash, seq=3, at=third.at, actor=third.actor, action=third.action,
        entity=third.entity, payload={**third.payload, "duty": "0.00"},
    )  # fmt: skip
    _tamper(
        engine,
        'UPDATE audit_log SET payload = \'{"duty":"0.00","n":2,"note":"放行"}\', '
        f"hash = '{forged}' WHERE seq = 3",
    )
    assert verify_audit_chain(engine).problems == ["entry 4: previous hash does not match entry 3"]


def test_appending_after_a_deleted_tail_keeps_the_gap_visible(uow_factory, engine) -> None:
    _append(uow_factory, 3)
    _tamper(engine, "DELETE FROM audit_log WHERE seq = 3")
    _append(uow_factory, 1)
    assert verify_audit_chain(engine).problems == ["entry 3 is missing (deleted?)"]


def test_concurrent_appends_make_one_gap_free_chain(uow_factory, engine) -> None:
    failures: list[BaseException] = []
    per_thread = 15

    def writer(name: str) -> None:
        try:
            for n in range(per_thread):
                with uow_factory() as uow:
                    uow.audit.append(AT, name, "Appended", f"E{n}", {"n": n})
                    uow.commit()
        except BaseException as error:  # checked below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(f"writer-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    result = verify_audit_chain(engine)
    assert result.as_dict() == {"ok": True, "entries": 2 * per_thread, "problems": []}


def test_the_log_is_read_page_by_page(uow_factory, engine, monkeypatch) -> None:
    monkeypatch.setattr("cafta.adapters.storage.audit._PAGE", 2)
    _append(uow_factory, 7)
    assert verify_audit_chain(engine).as_dict() == {"ok": True, "entries": 7, "problems": []}
    _tamper(engine, "DELETE FROM audit_log WHERE seq IN (3, 4)")
    _tamper(engine, "UPDATE audit_log SET entity = 'D9' WHERE seq = 6")
    assert verify_audit_chain(engine).problems == [
        "entries 3 to 4 are missing (deleted?)",
        "entry 6: hash does not match its content (edited?)",
    ]
