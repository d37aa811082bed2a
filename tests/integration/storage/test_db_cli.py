"""``cafta db upgrade`` and ``cafta audit verify``, run in-process."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import cli

from cafta.adapters.storage.engine import create_engine_for
from cafta.adapters.storage.schema import current_revision, head_revision, upgrade
from cafta.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from cafta.core.errors import Conflict


def test_upgrade_then_verify_an_empty_and_a_tampered_log(backend, capsys) -> None:
    url = backend.empty_url()
    code, out, _ = cli(capsys, "db", "upgrade", "--database", url)
    assert code == 0 and f"at revision {head_revision()}" in out
    code, out, _ = cli(capsys, "audit", "verify", "--database", url)
    assert (code, out.strip()) == (0, "audit log intact: 0 entries")

    engine = create_engine_for(url)
    try:
        with SqlUnitOfWorkFactory(engine)() as uow:
            for n in range(4):
                uow.audit.append(datetime.now(UTC), "officer-3", "GoodsReleased", f"D{n}", {})
            uow.commit()
        code, out, _ = cli(capsys, "audit", "verify", "--database", url, "--json")
        assert code == 0
        assert json.loads(out) == {"ok": True, "entries": 4, "problems": []}
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2")
            connection.exec_driver_sql("DELETE FROM audit_log WHERE seq = 4")
    finally:
        engine.dispose()
    code, out, _ = cli(capsys, "audit", "verify", "--database", url)
    assert code == 1
    assert out.splitlines() == [
        "entry 2: hash does not match its content (edited?)",
        "the log ends at entry 3 but its head says 4: entries were deleted from the end",
    ]
    code, out, _ = cli(capsys, "audit", "verify", "--database", url, "--json")
    assert code == 1 and json.loads(out)["ok"] is False and json.loads(out)["entries"] == 3


def test_the_database_comes_from_the_environment_or_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAFTA_DATABASE_URL", raising=False)
    code, out, _ = cli(capsys, "db", "upgrade")
    assert code == 0 and (tmp_path / "cafta.db").is_file()
    assert f"at revision {head_revision()}" in out
    elsewhere = tmp_path / "elsewhere" / "audit.db"
    monkeypatch.setenv("CAFTA_DATABASE_URL", f"sqlite:///{elsewhere}")
    code, out, _ = cli(capsys, "db", "upgrade")
    assert code == 0 and elsewhere.is_file() and "audit.db" in out
    code, out, _ = cli(capsys, "audit", "verify")
    assert (code, out.strip()) == (0, "audit log intact: 0 entries")


def test_verifying_a_database_that_does_not_exist_says_so(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "missing.db"
    code, _, err = cli(capsys, "audit", "verify", "--database", f"sqlite:///{missing}")
    assert code == 2
    assert "there is no database at" in err and "cafta db upgrade" in err
    assert not missing.exists()


def test_an_unreachable_server_is_one_line_and_exit_1(capsys) -> None:
    url = "postgresql://cafta:s3cret@127.0.0.1:9/cafta?connect_timeout=2"
    code, _, err = cli(capsys, "audit", "verify", "--database", url)
    assert code == 1
    assert err.startswith("error: the database cannot be reached")
    assert "s3cret" not in err


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


NEWER = (
    "error: the database is at revision 0999, newer than this cafta knows ({head}): run the "
    "newer version, or restore a backup made before the upgrade\n"
)


def test_a_database_a_newer_cafta_migrated_is_refused_in_one_line(backend, capsys) -> None:
    """An older cafta over a newer database was "unexpected failure (CommandError: ...)"."""
    url = backend.empty_url()
    upgrade(url)
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    finally:
        engine.dispose()
    with pytest.raises(Conflict) as caught:
        upgrade(url)
    assert caught.value.code == "storage.newer_than_code"
    assert current_revision(url) == "0999", "nothing was changed"
    for argv in (
        ("db", "upgrade", "--database", url),
        ("serve", "--port", str(_free_port()), "--database", url),
    ):
        code, out, err = cli(capsys, *argv)
        assert (code, out, err) == (2, "", NEWER.format(head=head_revision())), argv
