"""The outbox: messages leave only with their transaction, are claimed once, and in parallel on
PostgreSQL without overlap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_message_added_in_a_rolled_back_transaction_is_never_seen(uow_factory) -> None:
    with uow_factory() as uow:
        uow.outbox.add("GoodsReleased", "D1", {"lane": "green"}, AT)
        uow.rollback()
    with uow_factory() as uow:
        uow.outbox.add("DeclarationLodged", "D2", {"n": 1}, AT)
    with uow_factory() as uow:
        assert uow.outbox.claim(10, AT) == []


def test_committed_messages_are_claimed_oldest_first_until_marked_sent(uow_factory) -> None:
    with uow_factory() as uow:
        for n in range(3):
            payload = {"n": n, "duty": "1234.50", "note": "通关"}
            uow.outbox.add("DeclarationLodged", f"D{n}", payload, AT + timedelta(seconds=n))
        uow.commit()
    with uow_factory() as uow:
        claimed = uow.outbox.claim(2, AT)
        assert [m.key for m in claimed] == ["D0", "D1"]
        assert claimed[0].payload == {"n": 0, "duty": "1234.50", "note": "通关"}
        assert claimed[0].topic == "DeclarationLodged"
        assert claimed[1].created_at == AT + timedelta(seconds=1)
        assert claimed[1].created_at.tzinfo is not None
        uow.outbox.mark_sent([m.id for m in claimed], AT)
        uow.commit()
    with uow_factory() as uow:
        assert [m.key for m in uow.outbox.claim(10, AT)] == ["D2"]
        uow.outbox.mark_sent([], AT)


def test_a_claim_not_marked_sent_is_claimed_again(uow_factory) -> None:
    with uow_factory() as uow:
        uow.outbox.add("GoodsReleased", "D1", {}, AT)
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.outbox.claim(10, AT)) == 1
    with uow_factory() as uow:
        assert len(uow.outbox.claim(10, AT)) == 1


def test_two_relays_on_postgresql_claim_disjoint_messages(backend, uow_factory) -> None:
    if backend.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite relays are serialised by the write lock")
    with uow_factory() as uow:
        for n in range(5):
            uow.outbox.add("DeclarationLodged", f"D{n}", {"n": n}, AT)
        uow.commit()
    with uow_factory() as first, uow_factory() as second:
        mine = first.outbox.claim(3, AT)
        theirs = second.outbox.claim(3, AT)
        assert [m.key for m in mine] == ["D0", "D1", "D2"]
        assert [m.key for m in theirs] == ["D3", "D4"]
        first.outbox.mark_sent([m.id for m in mine], AT)
        second.outbox.mark_sent([m.id for m in theirs], AT)
        first.commit()
        second.commit()
    with uow_factory() as uow:
        assert uow.outbox.claim(10, AT) == []
