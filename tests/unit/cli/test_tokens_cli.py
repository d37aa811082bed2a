"""``cafta tokens create | list | revoke``, run in-process over a SQLite node database."""

from __future__ import annotations

import json
import re

import pytest
from tests.conftest import cli

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.token_source import StoredTokens
from cafta.adapters.storage.unit_of_work import SqlUnitOfWork
from cafta.services.tokens import hash_token

Db = tuple[str, str]


def _create(capsys: pytest.CaptureFixture[str], db: Db, role: str, party: str) -> dict[str, str]:
    code, out, err = cli(capsys, "tokens", "create", "--role", role, "--party", party, *db,
                         "--json")  # fmt: skip
    assert code == 0, err
    created: dict[str, str] = json.loads(out)
    return created


def test_create_prints_the_token_id_as_text_and_as_json(capsys, db: Db) -> None:
    code, out, err = cli(capsys, "tokens", "create", "--role", "officer", "--party", "CNYYG", *db)
    assert (code, err) == (0, "")
    first, token = out.splitlines()
    match = re.fullmatch(r"Token (tok_[0-9a-f]{12}) for CNYYG \(officer\); keep it secret, it is "
                         r"not stored:", first)  # fmt: skip
    assert match is not None, first
    assert token.startswith("cafta_")
    created = _create(capsys, db, "broker", "Sino Brokers")
    assert set(created) == {"token_id", "token", "role", "party"}
    assert re.fullmatch(r"tok_[0-9a-f]{12}", created["token_id"])
    assert (created["role"], created["party"]) == ("broker", "Sino Brokers")
    code, out, _ = cli(capsys, "tokens", "list", *db, "--json")
    assert [t["token_id"] for t in json.loads(out)] == [match.group(1), created["token_id"]]


def test_list_shows_ids_roles_parties_and_dates_never_the_token_or_its_hash(capsys, db) -> None:
    code, out, _ = cli(capsys, "tokens", "list", *db)
    assert (code, out.strip()) == (0, "no tokens")
    officer = _create(capsys, db, "officer", "CNYYG")
    broker = _create(capsys, db, "broker", "Sino Brokers")
    trader = _create(capsys, db, "trader", "CNYYG")

    code, out, _ = cli(capsys, "tokens", "list", *db, "--json")
    listed = json.loads(out)
    assert code == 0
    assert [(t["token_id"], t["role"], t["party"]) for t in listed] == [
        (officer["token_id"], "officer", "CNYYG"),
        (broker["token_id"], "broker", "Sino Brokers"),
        (trader["token_id"], "trader", "CNYYG"),
    ]
    assert all(set(t) == {"token_id", "role", "party", "created_at"} for t in listed)
    assert all(t["created_at"].endswith("+00:00") for t in listed)

    code, text, _ = cli(capsys, "tokens", "list", *db)
    assert code == 0
    for made in (officer, broker, trader):
        assert made["token_id"] in text
        assert made["token"] not in text + out
        assert hash_token(made["token"]) not in text + out
    assert "created (UTC)" in text

    code, out, _ = cli(capsys, "tokens", "list", *db, "--party", "CNYYG", "--json")
    assert [t["token_id"] for t in json.loads(out)] == [officer["token_id"], trader["token_id"]]
    code, out, _ = cli(capsys, "tokens", "list", *db, "--role", "OFFICER", "--party", "CNYYG",
                       "--json")  # fmt: skip
    assert [t["token_id"] for t in json.loads(out)] == [officer["token_id"]]
    code, out, _ = cli(capsys, "tokens", "list", *db, "--role", "gate")
    assert (code, out.strip()) == (0, "no tokens match")


def test_an_unknown_role_to_list_is_one_line_and_exit_2(capsys, db: Db) -> None:
    code, out, err = cli(capsys, "tokens", "list", *db, "--role", "captain")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "unknown role 'captain'" in err


def test_revoke_removes_the_token_and_says_so_in_one_line(capsys, db: Db) -> None:
    officer = _create(capsys, db, "officer", "CNYYG")
    kept = _create(capsys, db, "broker", "Sino Brokers")
    code, out, err = cli(capsys, "tokens", "revoke", officer["token_id"], *db)
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert re.fullmatch(
        rf"revoked token {officer['token_id']} \(officer for CNYYG, created "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00\) at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00; "
        r"running servers stop accepting it within 30 seconds\n",
        out,
    ), out
    code, out, _ = cli(capsys, "tokens", "list", *db, "--json")
    assert [t["token_id"] for t in json.loads(out)] == [kept["token_id"]]
    # The table no longer knows the token: a server refuses it once its cache forgets it.
    engine = create_engine_for(db[1])
    try:
        store = StoredTokens(engine)
        assert store.find(hash_token(officer["token"])) is None
        assert store.find(hash_token(kept["token"])) is not None
    finally:
        engine.dispose()


def test_revoking_an_unknown_id_is_one_line_and_exit_2(capsys, db: Db) -> None:
    officer = _create(capsys, db, "officer", "CNYYG")
    assert cli(capsys, "tokens", "revoke", officer["token_id"], *db)[0] == 0
    code, out, err = cli(capsys, "tokens", "revoke", officer["token_id"], *db)
    assert (code, out) == (2, "")
    assert err == (f"error: there is no token '{officer['token_id']}'. 'cafta tokens list' "
                   "shows the tokens' ids (tok_...).\n")  # fmt: skip
    code, out, err = cli(capsys, "tokens", "revoke", "tok_000000000000", *db)
    assert (code, out, err.count("\n")) == (2, "", 1)


def test_making_and_revoking_tokens_is_in_the_audit_log_without_the_token(capsys, db: Db) -> None:
    officer = _create(capsys, db, "officer", "CNYYG")
    code, _, err = cli(capsys, "tokens", "revoke", officer["token_id"], *db)
    assert code == 0, err
    engine = create_engine_for(db[1])
    try:
        with SqlUnitOfWork(engine, read_only=True) as uow:
            entries = uow.audit.entries()
    finally:
        engine.dispose()
    assert [(e.action, e.entity, e.actor) for e in entries] == [
        ("token.create", officer["token_id"], "operator (cli)"),
        ("token.revoke", officer["token_id"], "operator (cli)"),
    ]
    assert all(e.payload == {"role": "officer", "party": "CNYYG"} for e in entries)
    assert officer["token"] not in repr(entries)
    assert hash_token(officer["token"]) not in repr(entries)
    code, _, err = cli(capsys, "audit", "verify", *db)
    assert code == 0, err
