"""The outbox: messages leave only with their transaction, are claimed once while their lease
holds (by relays one after the other, and at once on PostgreSQL), and again after it ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cafta.core.errors import InvalidInput

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
UNTIL = AT + LEASE


def _queue(uow_factory, count: int) -> None:
    with uow_factory() as uow:
        for n in range(count):
            uow.outbox.add("DeclarationLodged", f"D{n}", {"n": n}, AT)
        uow.commit()


def test_a_message_added_in_a_rolled_back_transaction_is_never_seen(uow_factory) -> None:
    with uow_factory() as uow:
        uow.outbox.add("GoodsReleased", "D1", {"lane": "green"}, AT)
        uow.rollback()
    with uow_factory() as uow:
        uow.outbox.add("DeclarationLodged", "D2", {"n": 1}, AT)
    with uow_factory() as uow:
        assert uow.outbox.claim(10, AT, UNTIL) == []


def test_committed_messages_are_claimed_oldest_first_until_marked_sent(uow_factory) -> None:
    with uow_factory() as uow:
        for n in range(3):
            payload = {"n": n, "duty": "1234.50", "note": "通关"}
            uow.outbox.add("DeclarationLodged", f"D{n}", payload, AT + timedelta(seconds=n))
        uow.commit()
    with uow_factory() as uow:
        claimed = uow.outbox.claim(2, AT, UNTIL)
        assert [m.key for m in claimed] == ["D0", "D1"]
        assert claimed[0].payload == {"n": 0, "duty": "1234.50", "note": "通关"}
        assert claimed[0].topic == "DeclarationLodged"
        assert claimed[1].created_at == AT + timedelta(seconds=1)
        assert claimed[1].created_at.tzinfo is not None
        uow.outbox.mark_sent([m.id for m in claimed], AT)
        uow.commit()
    later = UNTIL + LEASE  # past every lease: only the unsent message is left
    with uow_factory() as uow:
        assert [m.key for m in uow.outbox.claim(10, later, later + LEASE)] == ["D2"]
        uow.outbox.mark_sent([], AT)


def test_a_claim_rolled_back_leases_nothing(uow_factory) -> None:
    _queue(uow_factory, 1)
    with uow_factory() as uow:
        assert len(uow.outbox.claim(10, AT, UNTIL)) == 1
    with uow_factory() as uow:
        assert len(uow.outbox.claim(10, AT, UNTIL)) == 1


def test_a_committed_claim_is_not_claimed_again_until_its_lease_ends(uow_factory) -> None:
    _queue(uow_factory, 2)
    with uow_factory() as uow:
        assert [m.key for m in uow.outbox.claim(1, AT, UNTIL)] == ["D0"]
        uow.commit()
    almost = UNTIL - timedelta(microseconds=1)
    with uow_factory() as uow:
        assert [m.key for m in uow.outbox.claim(10, almost, almost + LEASE)] == ["D1"]
        uow.commit()
    with uow_factory() as uow:
        assert [m.key for m in uow.outbox.claim(10, UNTIL, UNTIL + LEASE)] == ["D0"]


def test_a_released_claim_is_claimed_at_once_but_only_by_its_owner(uow_factory) -> None:
    _queue(uow_factory, 2)
    with uow_factory() as uow:
        mine = uow.outbox.claim(2, AT, UNTIL)
        uow.commit()
    with uow_factory() as uow:
        uow.outbox.release([mine[0].id], UNTIL + timedelta(seconds=1))  # not this lease
        uow.outbox.release([mine[1].id], UNTIL)
        uow.commit()
    with uow_factory() as uow:
        assert [m.key for m in uow.outbox.claim(10, AT, UNTIL)] == ["D1"]
        uow.outbox.release([], UNTIL)


def test_two_relays_claim_disjoint_messages(uow_factory) -> None:
    _queue(uow_factory, 5)
    with uow_factory() as first:
        mine = first.outbox.claim(3, AT, UNTIL)
        first.commit()
    with uow_factory() as second:
        theirs = second.outbox.claim(3, AT, UNTIL)
        second.commit()
    assert [m.key for m in mine] == ["D0", "D1", "D2"]
    assert [m.key for m in theirs] == ["D3", "D4"]
    with uow_factory() as uow:
        uow.outbox.mark_sent([m.id for m in mine + theirs], AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.claim(10, UNTIL, UNTIL + LEASE) == []


def test_two_relays_claiming_at_once_on_postgresql_skip_each_other(backend, uow_factory) -> None:
    if backend.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite claims are serialised by the write lock")
    _queue(uow_factory, 5)
    with uow_factory() as first, uow_factory() as second:
        mine = first.outbox.claim(3, AT, UNTIL)
        theirs = second.outbox.claim(3, AT, UNTIL)
        assert [m.key for m in mine] == ["D0", "D1", "D2"]
        assert [m.key for m in theirs] == ["D3", "D4"]
        first.outbox.mark_sent([m.id for m in mine], AT)
        second.outbox.mark_sent([m.id for m in theirs], AT)
        first.commit()
        second.commit()
    with uow_factory() as uow:
        assert uow.outbox.claim(10, UNTIL, UNTIL + LEASE) == []


def test_a_lease_must_end_after_it_starts(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(InvalidInput) as caught:
        uow.outbox.claim(10, AT, AT)
    assert caught.value.code == "outbox.invalid_lease"
