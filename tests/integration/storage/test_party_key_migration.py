"""Migration 0006: the party keys stored before it are recomputed with the new folding, and
idempotency keys whose scopes become one keep the oldest row."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, date, datetime, timedelta
from types import ModuleType

from alembic import command
from alembic.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.schema import MIGRATIONS, current_revision, upgrade_engine
from cafta.adapters.storage.tables import declarations, idempotency_keys, representations
from cafta.clearance.goods import party_key

FULL_WIDTH = "广西鲜果贸易有限公司（南宁）"
ASCII = "广西鲜果贸易有限公司(南宁)"
AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def old_key(name: str) -> str:
    """The key up to 0006."""
    return " ".join(name.split()).casefold()


def _migration() -> ModuleType:
    path = MIGRATIONS / "versions" / "0006_party_keys.py"
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_FROZEN = _migration().party_key


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=24) | st.text(st.characters(min_codepoint=0x2000, max_codepoint=0xFFFF)))
def test_the_migrations_frozen_key_is_still_the_key(name: str) -> None:
    """When ``party_key`` changes, keys stored before need a migration of their own."""
    assert _FROZEN(name) == party_key(name)


def _declaration(n: int, importer: str, declarant: str) -> dict[str, object]:
    at = AT + timedelta(seconds=n)
    document = {"id": f"D{n:05}", "filed": {"importer": {"name": importer}}}
    return {"id": f"D{n:05}", "office": "CNYYG", "status": "released", "lane": "green",
            "importer": old_key(importer), "declarant": old_key(declarant), "version": 1,
            "lodged_at": at, "updated_at": at, "document": json.dumps(document)}  # fmt: skip


def _representation(n: int, importer: str, broker: str) -> dict[str, object]:
    return {"id": f"R{n}", "importer": importer, "importer_key": old_key(importer),
            "broker": broker, "broker_key": old_key(broker), "valid_from": date(2026, 1, 1),
            "valid_until": None, "reference": None, "granted_by": importer,
            "granted_at": AT, "revoked_at": None, "revoked_by": None}  # fmt: skip


def _key(party: str, key: str, minutes: int, declaration: str) -> dict[str, object]:
    at = AT + timedelta(minutes=minutes)
    return {"scope": old_key(party), "key": key, "request_hash": f"h-{declaration}",
            "declaration_id": declaration, "created_at": at}  # fmt: skip


def test_0006_recomputes_the_keys_and_keeps_the_oldest_of_colliding_idempotency_keys(
    backend,
) -> None:
    url = backend.empty_url()
    engine = create_engine_for(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # More rows than a batch, so that the migration pages through each table.
    plenty = [_declaration(n, "Nanning Bean Imports Ltd.", "Nanning Bean Imports Ltd.")
              for n in range(1, 1201)]  # fmt: skip
    spelled = [
        _declaration(2001, FULL_WIDTH, "Ｐingxiang Border\u00a0Brokers Co."),
        _declaration(2002, "Ｇuangxi\u200b Fresh Fruit", "Guangxi Fresh Fruit"),
    ]
    keys = [_key("Nanning Bean Imports Ltd.", f"N-{n}", n, f"D{n:05}") for n in range(1, 1201)]
    keys += [
        # The older under the old spelling: it stays, moved; the newer, already settled, goes.
        _key(FULL_WIDTH, "K-1", 1, "D02001"),
        _key(ASCII, "K-1", 2, "D02002"),
        # The older already settled: it stays; the newer under the old spelling goes.
        _key("Guangxi Fruit", "K-2", 1, "D02003"),
        _key("Ｇuangxi Fruit", "K-2", 2, "D02004"),
        # Three spellings, none settled: the oldest stays.
        _key("Ｇuangxi\u200b Fruit", "K-3", 3, "D02005"),
        _key("Ｇuangxi Fruit", "K-3", 1, "D02006"),
        _key("Guangxi\u200b Fruit", "K-3", 2, "D02007"),
        # Alone under its new scope: moved.
        _key(FULL_WIDTH, "K-4", 5, "D02008"),
    ]
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0005")
            connection.execute(declarations.insert(), plenty + spelled)
            connection.execute(representations.insert(), [
                _representation(1, FULL_WIDTH, "Pingxiang Border Brokers Co."),
                _representation(2, "Guangxi Fresh Fruit", "Ｐingxiang\u2060 Brokers"),
                _representation(3, "Nanning Bean Imports Ltd.", "Dongxing Customs Agency"),
            ])  # fmt: skip
            connection.execute(idempotency_keys.insert(), keys)
        upgrade_engine(engine)
        assert current_revision(url) == "0006"
        with engine.connect() as connection:
            parties = {
                row.id: f"{row.importer}|{row.declarant}"
                for row in connection.execute(select(declarations))
            }
            authorities = {
                row.id: f"{row.importer_key}|{row.broker_key}"
                for row in connection.execute(select(representations))
            }
            remembered = {
                (row.scope, row.key): row.declaration_id
                for row in connection.execute(select(idempotency_keys))
            }
    finally:
        engine.dispose()
    assert parties["D02001"] == f"{ASCII}|pingxiang border brokers co."
    assert parties["D02002"] == "guangxi fresh fruit|guangxi fresh fruit"
    assert parties["D01200"] == "nanning bean imports ltd.|nanning bean imports ltd."
    assert len(parties) == 1202
    assert authorities == {
        "R1": f"{ASCII}|pingxiang border brokers co.",
        "R2": "guangxi fresh fruit|pingxiang brokers",
        "R3": "nanning bean imports ltd.|dongxing customs agency",
    }
    spelled_keys = {k: v for k, v in remembered.items() if not k[1].startswith("N-")}
    assert spelled_keys == {
        (ASCII, "K-1"): "D02001",
        ("guangxi fruit", "K-2"): "D02003",
        ("guangxi fruit", "K-3"): "D02006",
        (ASCII, "K-4"): "D02008",
    }
    assert len(remembered) == 1200 + 4
