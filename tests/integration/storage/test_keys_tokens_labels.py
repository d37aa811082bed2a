"""Idempotency keys, API tokens, inspection labels and trusted keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.idempotency import SqlKeyLookup
from cafta.adapters.storage.token_source import StoredTokens
from cafta.adapters.storage.trusted_keys import TrustedKeyRecord
from cafta.core.errors import CaftaError, Conflict, NotFound
from cafta.services.ports import InspectionLabel, Principal, Role, TokenRecord
from cafta.services.tokens import hash_token, issue_token, revoke_token

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_an_idempotency_key_is_found_and_cannot_be_remembered_twice(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.idempotency.find("trader:CN:1", "key-1") is None
        uow.idempotency.remember("trader:CN:1", "key-1", "hash-a", "D1")
        uow.commit()
    with uow_factory() as uow:
        assert uow.idempotency.find("trader:CN:1", "key-1") == ("hash-a", "D1")
        assert uow.idempotency.find("trader:CN:2", "key-1") is None
        with pytest.raises(Conflict) as caught:
            uow.idempotency.remember("trader:CN:1", "key-1", "hash-b", "D2")
        assert caught.value.code == "idempotency.exists"
        # The transaction is still usable after the refusal (PostgreSQL included).
        uow.idempotency.remember("trader:CN:2", "key-1", "hash-b", "D2")
        uow.commit()
    with uow_factory() as uow:
        assert uow.idempotency.find("trader:CN:1", "key-1") == ("hash-a", "D1")
        assert uow.idempotency.find("trader:CN:2", "key-1") == ("hash-b", "D2")


def test_the_lookup_outside_a_transaction_sees_what_is_committed(uow_factory, engine) -> None:
    keys = SqlKeyLookup(engine)
    assert keys.find("trader:CN:1", "key-1") is None
    with uow_factory() as uow:
        uow.idempotency.remember("trader:CN:1", "key-1", "hash-a", "D1")
        # Not yet committed: a lodging racing this one does not see it (and then loses at the
        # insert, as before).
        assert keys.find("trader:CN:1", "key-1") is None
        uow.commit()
    assert keys.find("trader:CN:1", "key-1") == ("hash-a", "D1")
    assert keys.find("trader:CN:2", "key-1") is None
    assert keys.find("trader:CN:1", "key-2") is None
    # The pooled connection it used is clean for the next unit of work (no transaction left).
    for n in range(3):
        with uow_factory() as uow:
            uow.idempotency.remember("trader:CN:1", f"later-{n}", "hash-b", f"D{n + 2}")
            uow.commit()
        assert keys.find("trader:CN:1", f"later-{n}") == ("hash-b", f"D{n + 2}")


def test_the_lookup_gives_a_storage_error_for_a_database_without_tables(backend) -> None:
    bare = create_engine_for(backend.empty_url())
    try:
        with pytest.raises(CaftaError) as caught:
            SqlKeyLookup(bare).find("trader:CN:1", "key-1")
    finally:
        bare.dispose()
    assert caught.value.code == "storage.not_migrated"


def test_a_token_is_found_by_its_hash(uow_factory) -> None:
    officer = Principal(Role.OFFICER, "CNYYG")
    with uow_factory() as uow:
        uow.tokens.add("t1", "sha256:abc", officer, AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.tokens.find("sha256:abc") == Principal(Role.OFFICER, "CNYYG", token_id="t1")
        assert uow.tokens.find("sha256:zzz") is None
        with pytest.raises(Conflict) as caught:
            uow.tokens.add("t2", "sha256:abc", officer, AT)
        assert caught.value.code == "token.exists"


def test_tokens_are_listed_by_role_and_party_without_their_hashes(uow_factory) -> None:
    with uow_factory() as uow:
        assert list(uow.tokens.list()) == []
        uow.tokens.add("tok_b", "hash-b", Principal(Role.BROKER, "Sino Brokers"), AT)
        uow.tokens.add("tok_a", "hash-a", Principal(Role.OFFICER, "CNYYG"), AT)
        uow.tokens.add("tok_c", "hash-c", Principal(Role.TRADER, "CNYYG"), AT - timedelta(days=1))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        listed = uow.tokens.list()
        assert listed == [
            TokenRecord("tok_c", Role.TRADER, "CNYYG", AT - timedelta(days=1)),
            TokenRecord("tok_a", Role.OFFICER, "CNYYG", AT),
            TokenRecord("tok_b", Role.BROKER, "Sino Brokers", AT),
        ]
        assert listed[0].created_at.tzinfo is not None
        assert [r.token_id for r in uow.tokens.list(party="CNYYG")] == ["tok_c", "tok_a"]
        assert [r.token_id for r in uow.tokens.list(Role.OFFICER)] == ["tok_a"]
        assert [r.token_id for r in uow.tokens.list(Role.OFFICER, "Sino Brokers")] == []
        assert list(uow.tokens.list(Role.GATE)) == []


def test_a_revoked_token_is_gone_and_revoking_it_again_finds_nothing(uow_factory) -> None:
    with uow_factory() as uow:
        uow.tokens.add("tok_a", "hash-a", Principal(Role.OFFICER, "CNYYG"), AT)
        uow.tokens.add("tok_b", "hash-b", Principal(Role.BROKER, "Sino Brokers"), AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.tokens.revoke("tok_a") == TokenRecord("tok_a", Role.OFFICER, "CNYYG", AT)
        uow.rollback()
    with uow_factory() as uow:
        assert uow.tokens.find("hash-a") is not None, "rolled back: still there"
        assert uow.tokens.revoke("tok_a") is not None
        assert uow.tokens.revoke("tok_a") is None
        assert uow.tokens.revoke("hash-b") is None, "revoked by id, never by hash"
        uow.commit()
    with uow_factory() as uow:
        assert uow.tokens.find("hash-a") is None
        assert uow.tokens.find("hash-b") == Principal(Role.BROKER, "Sino Brokers", "tok_b")
        assert [r.token_id for r in uow.tokens.list()] == ["tok_b"]


def test_the_cached_store_forgets_a_token_it_revokes_and_others_within_their_ttl(engine) -> None:
    clock = [0.0]
    here = StoredTokens(engine, ttl=30.0, monotonic=lambda: clock[0])
    there = StoredTokens(engine, ttl=30.0, monotonic=lambda: clock[0])  # another process
    token = issue_token(here, Role.OFFICER, "CNYYG", AT)
    principal = here.find(hash_token(token))
    assert principal is not None and principal.token_id is not None
    assert there.find(hash_token(token)) == principal
    assert [r.token_id for r in here.list()] == [principal.token_id]

    assert revoke_token(here, principal.token_id).party == "CNYYG"
    assert here.find(hash_token(token)) is None, "the revoking process forgets it at once"
    assert there.find(hash_token(token)) == principal, "another keeps it for its ttl"
    clock[0] = 29.9
    assert there.find(hash_token(token)) == principal
    clock[0] = 30.0
    assert there.find(hash_token(token)) is None
    assert list(there.list()) == []
    with pytest.raises(NotFound) as caught:
        revoke_token(there, principal.token_id)
    assert caught.value.code == "token.not_found"


def test_labels_round_trip_and_filter_by_office(uow_factory) -> None:
    found = InspectionLabel(
        declaration_id="D1", office="CNYYG", recorded_at=AT, officer="officer-3", found=True,
        what="undeclared durian", revenue_recovered="1234.56", currency="CNY",
        features={"value_per_kg": "2.50", "origin": "TH", "flags": ["new_importer"]},
    )  # fmt: skip
    clean = InspectionLabel("D2", "CNSHA", AT + timedelta(hours=1), "officer-9", found=False)
    with uow_factory() as uow:
        uow.labels.add(clean)
        uow.labels.add(found)
        uow.commit()
    with uow_factory() as uow:
        assert uow.labels.all() == [found, clean]
        assert uow.labels.all(office="CNSHA") == [clean]
        stored = uow.labels.all(office="CNYYG")[0]
    assert stored.found is True and stored.revenue_recovered == "1234.56"
    assert stored.recorded_at == AT and stored.recorded_at.tzinfo is not None


def test_trusted_keys_are_added_updated_and_left_alone(uow_factory) -> None:
    first = TrustedKeyRecord(
        kid="kid-1", authority="MM-MOC", country="MM", public_key="x" * 43,
        authority_name="Ministry of Commerce", valid_from=date(2026, 1, 1), party="CN",
    )  # fmt: skip
    second = TrustedKeyRecord(kid="kid-2", authority="TH-DFT", country="TH", public_key="y" * 43)
    with uow_factory() as uow:
        assert uow.trusted_keys.add_many([first, second], AT) == 2
        uow.commit()
    ended = replace(first, valid_to=date(2026, 6, 30))
    with uow_factory() as uow:
        assert uow.trusted_keys.add_many([ended, second], AT + timedelta(days=1)) == 1
        uow.commit()
    with uow_factory() as uow:
        stored = uow.trusted_keys.all()
    assert [k.kid for k in stored] == ["kid-1", "kid-2"]
    assert replace(stored[0], added_at=None) == ended
    assert stored[0].added_at == AT
