"""Bearer tokens (cafta.services.tokens) and the status of each kind of domain error."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from cafta.api.errors import status_of
from cafta.core.errors import (
    CaftaError,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from cafta.services.ports import Principal, Role, TokenRecord
from cafta.services.tokens import (
    InMemoryTokenStore,
    hash_token,
    issue,
    issue_token,
    new_token,
    revoke_token,
)

AT = datetime(2026, 6, 1, tzinfo=UTC)


def test_a_new_token_is_random_prefixed_and_hashed() -> None:
    token_id, token, token_hash = new_token()
    assert re.fullmatch(r"cafta_[A-Za-z0-9_-]{43}", token)
    assert re.fullmatch(r"tok_[0-9a-f]{12}", token_id)
    assert token_hash == hashlib.sha256(token.encode()).hexdigest() == hash_token(token)
    assert len({new_token()[1] for _ in range(50)}) == 50


def test_issuing_stores_only_the_hash() -> None:
    store = InMemoryTokenStore()
    token = issue_token(store, Role.BROKER, " Sino Brokers ", AT)
    found = store.find(hash_token(token))
    assert found is not None
    assert (found.role, found.party) == (Role.BROKER, "Sino Brokers")
    assert found.token_id is not None and found.token_id.startswith("tok_")
    assert store.find(token) is None, "the token itself is not a key"
    assert store.find(hash_token(token + "x")) is None
    assert len(store) == 1


@pytest.mark.parametrize("party", ["  ", "\u200b"])
def test_a_token_needs_a_party(party: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        issue_token(InMemoryTokenStore(), Role.TRADER, party, AT)
    assert raised.value.code == "token.missing_party"


def test_a_token_s_party_is_on_one_line() -> None:
    """A line break in the party would forge a line of the timeline or the log."""
    with pytest.raises(InvalidInput) as raised:
        issue_token(InMemoryTokenStore(), Role.OFFICER, "Li\nforged line", AT)
    assert raised.value.code == "token.invalid_party"


def test_the_same_hash_twice_is_a_conflict() -> None:
    store = InMemoryTokenStore()
    store.add("tok_1", "abc", Principal(Role.GATE, "CNQIN"), AT)
    with pytest.raises(Conflict):
        store.add("tok_2", "abc", Principal(Role.GATE, "CNQIN"), AT)


def test_the_in_memory_store_lists_and_revokes_by_id() -> None:
    store = InMemoryTokenStore()
    officer = issue(store, Role.OFFICER, "CNYYG", AT)
    broker = issue(store, Role.BROKER, "Sino Brokers", AT - timedelta(hours=1))
    assert officer.token not in repr(officer)
    assert store.list() == [
        TokenRecord(broker.token_id, Role.BROKER, "Sino Brokers", AT - timedelta(hours=1)),
        TokenRecord(officer.token_id, Role.OFFICER, "CNYYG", AT),
    ]
    assert [r.token_id for r in store.list(Role.OFFICER)] == [officer.token_id]
    assert [r.token_id for r in store.list(party="Sino Brokers")] == [broker.token_id]
    assert revoke_token(store, f" {officer.token_id} ").party == "CNYYG"
    assert store.find(hash_token(officer.token)) is None
    assert store.find(hash_token(broker.token)) is not None
    with pytest.raises(NotFound) as raised:
        revoke_token(store, officer.token_id)
    assert raised.value.code == "token.not_found"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("bad"), 400),
        (NotFound("none"), 404),
        (Forbidden("no"), 403),
        (Conflict("again"), 409),
        (DomainError("cannot"), 422),
        (NotFound("no file", code="config.file_not_found"), 503),
        (InvalidInput("bad setting", code="config.invalid"), 503),
        (CaftaError("down", code="storage.unavailable"), 503),
        (CaftaError("locked", code="storage.busy"), 503),
        (CaftaError("odd", code="storage.failed"), 500),
        (CaftaError("?"), 500),
    ],
)
def test_each_kind_of_error_has_its_status(error: CaftaError, status: int) -> None:
    assert status_of(error) == status
