"""The register of representations on SQLite and PostgreSQL: stored exactly, withdrawn in
place, listed by party key, and the cached authority look-up a broker's lodging asks."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine

from cafta.adapters.storage import authority as authority_module
from cafta.adapters.storage.authority import StoredAuthority
from cafta.clearance.representation import Representation
from cafta.core.clock import FixedClock
from cafta.core.errors import Conflict
from cafta.services.ports import Principal, Role
from cafta.services.representations import Representations

AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
IMPORTER = "Guangxi Fresh Fruit Trading Co."
BROKER = "Pingxiang Border Brokers Co."


def granted(representation_id: str = "rep_000000000001", **changes: object) -> Representation:
    arguments: dict[str, object] = {"by": IMPORTER, "at": AT}
    arguments.update(changes)
    return Representation.grant(representation_id, IMPORTER, BROKER, **arguments)  # type: ignore[arg-type]


def test_a_representation_reads_back_as_written_and_is_withdrawn_in_place(uow_factory) -> None:
    first = granted(valid_from=date(2026, 5, 1), valid_until=date(2026, 12, 31), reference="WT-9")
    with uow_factory() as uow:
        uow.representations.add(first)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.representations.get(first.id) == first
        assert uow.representations.get("rep_missing") is None
    withdrawn = first.revoke(datetime(2026, 6, 2, 8, 30, tzinfo=UTC), BROKER)
    with uow_factory() as uow:
        uow.representations.save_revocation(withdrawn)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.representations.get(first.id) == withdrawn
        assert uow.representations.list() == []
        assert uow.representations.list(include_revoked=True) == [withdrawn]


def test_the_same_id_twice_is_a_conflict_that_leaves_the_transaction_usable(uow_factory) -> None:
    with uow_factory() as uow:
        uow.representations.add(granted())
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(Conflict) as caught:
            uow.representations.add(granted(reference="again"))
        assert caught.value.code == "representation.duplicate"
        uow.representations.add(granted("rep_000000000002", valid_from=date(2027, 1, 1)))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert [r.id for r in uow.representations.list()] == [
            "rep_000000000001",
            "rep_000000000002",
        ]


def test_listing_goes_by_party_key_oldest_first(uow_factory) -> None:
    other = Representation.grant("rep_b", "Nanning Bean Imports Ltd.", BROKER, by="admin",
                                 at=datetime(2026, 5, 1, tzinfo=UTC))  # fmt: skip
    mine = granted("rep_a")
    with uow_factory() as uow:
        uow.representations.add(mine)
        uow.representations.add(other)
        uow.commit()
    key_i, key_b = IMPORTER.casefold(), BROKER.casefold()
    with uow_factory(read_only=True) as uow:
        assert uow.representations.list(broker_key=key_b) == [other, mine]
        assert uow.representations.list(importer_key=key_i) == [mine]
        assert uow.representations.list(key_i, key_b) == [mine]
        assert uow.representations.list("nobody", key_b) == []


def test_a_page_of_the_register_and_how_many_match(uow_factory) -> None:
    made = [
        Representation.grant(f"rep_{n:012d}", IMPORTER if n % 2 else "Nanning Bean Imports Ltd.",
                             BROKER, by="admin", at=datetime(2026, 5, 10 - n, tzinfo=UTC))
        for n in range(6)
    ]  # fmt: skip
    with uow_factory() as uow:
        for representation in made:
            uow.representations.add(representation)
        uow.commit()
    made[0] = made[0].revoke(AT, BROKER)
    with uow_factory() as uow:
        uow.representations.save_revocation(made[0])
        uow.commit()
    oldest_first = made[::-1]  # each granted a day before the one made before it
    key_i = IMPORTER.casefold()
    store = uow_factory(read_only=True)
    with store as uow:
        stored = uow.representations
        assert stored.list(include_revoked=True, limit=2) == oldest_first[:2]
        assert stored.list(include_revoked=True, limit=2, offset=2) == oldest_first[2:4]
        assert stored.list(include_revoked=True, limit=10, offset=4) == oldest_first[4:]
        assert stored.list(include_revoked=True, limit=3, offset=6) == []
        assert stored.list(offset=1) == oldest_first[1:5]  # no limit: every one after
        assert stored.count(include_revoked=True) == 6
        assert stored.count() == 5  # the withdrawn one only when asked
        assert stored.list(key_i, limit=2) == [made[5], made[3]]
        assert stored.count(key_i) == 3
        assert stored.count(key_i, BROKER.casefold()) == 3
        assert stored.count("nobody") == 0


def test_the_authority_look_up_keeps_a_yes_for_its_ttl_and_never_a_no(
    uow_factory, engine: Engine
) -> None:
    clock = [0.0]
    authority = StoredAuthority(engine, ttl=30, monotonic=lambda: clock[0])
    key_i, key_b, day = IMPORTER.casefold(), BROKER.casefold(), date(2026, 6, 1)
    assert not authority.in_force(key_i, key_b, day)
    first = granted()
    with uow_factory() as uow:
        uow.representations.add(first)
        uow.commit()
    assert authority.in_force(key_i, key_b, day)  # a "no" was not kept
    assert not authority.in_force(key_i, key_b, date(2026, 5, 31))  # before it starts
    with uow_factory() as uow:
        uow.representations.save_revocation(first.revoke(AT, IMPORTER))
        uow.commit()
    clock[0] = 29.0
    assert authority.in_force(key_i, key_b, day)  # withdrawn elsewhere: kept for the ttl
    clock[0] = 31.0
    assert not authority.in_force(key_i, key_b, day)
    with uow_factory() as uow:
        uow.representations.add(granted("rep_000000000002"))
        uow.commit()
    assert authority.in_force(key_i, key_b, day)
    authority.forget()  # what the register's service calls after its own changes
    with uow_factory() as uow:
        uow.representations.save_revocation(granted("rep_000000000002").revoke(AT, IMPORTER))
        uow.commit()
    assert not authority.in_force(key_i, key_b, day)


def test_a_withdrawal_made_meanwhile_is_not_made_twice(uow_factory) -> None:
    first = granted()
    with uow_factory() as uow:
        uow.representations.add(first)
        uow.commit()
    with uow_factory() as uow:
        uow.representations.save_revocation(first.revoke(AT, IMPORTER))
        uow.commit()
    with uow_factory() as uow:  # read before the first withdrawal committed, written after
        with pytest.raises(Conflict) as caught:
            uow.representations.save_revocation(first.revoke(AT, BROKER))
        assert caught.value.code == "representation.revoked"
    with uow_factory(read_only=True) as uow:
        stored = uow.representations.get(first.id)
    assert stored is not None and stored.revoked_by == IMPORTER


def test_two_grants_for_the_same_pair_at_once_make_one_authority(uow_factory) -> None:
    register = Representations(uow_factory, FixedClock(AT))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def grant(reference: str) -> None:
        barrier.wait(10)
        try:
            register.grant(Principal(Role.TRADER, IMPORTER), BROKER, reference=reference)
            outcomes.append("granted")
        except Conflict as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=grant, args=(f"WT-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["granted", "representation.exists"]
    with uow_factory(read_only=True) as uow:
        assert len(uow.representations.list()) == 1


def test_a_withdrawal_made_here_while_a_yes_is_being_read_is_not_overridden_by_it(
    uow_factory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = granted()
    with uow_factory() as uow:
        uow.representations.add(first)
        uow.commit()
    authority = StoredAuthority(engine)
    real = authority_module.SqlUnitOfWork

    class WithdrawnMeanwhile(real):  # type: ignore[misc, valid-type]
        def __exit__(self, *args: object) -> None:
            super().__exit__(*args)
            monkeypatch.setattr(authority_module, "SqlUnitOfWork", real)
            with uow_factory() as uow:  # the importer withdraws it through this process
                uow.representations.save_revocation(first.revoke(AT, IMPORTER))
                uow.commit()
            authority.forget()

    monkeypatch.setattr(authority_module, "SqlUnitOfWork", WithdrawnMeanwhile)
    key_i, key_b, day = IMPORTER.casefold(), BROKER.casefold(), date(2026, 6, 1)
    assert authority.in_force(key_i, key_b, day)  # what the table said when it was read
    assert not authority.in_force(key_i, key_b, day)  # not kept past the withdrawal
