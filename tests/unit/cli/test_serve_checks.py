"""``cafta serve`` checks what its workers need before it prints its banner or starts a server:
the port, the files and settings the application reads, the database. Run in-process, each
check fails, so no server ever starts here (with one worker: the same checks run for several,
and ``tests/e2e/api/test_serve.py`` runs those as a separate process)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import cli

from cafta import server
from cafta.core.errors import InvalidInput


@pytest.fixture
def listening() -> Iterator[int]:
    """A port another server listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_a_port_in_use_is_one_line_before_the_banner_and_the_database(
    capsys, tmp_path: Path, listening: int
) -> None:
    database = tmp_path / "node" / "cafta.db"
    code, out, err = cli(capsys, "serve", "--port", str(listening),
                         "--database", f"sqlite:///{database}")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        f"error: port {listening} on 127.0.0.1 is in use: Address already in use. "
        "Stop the server that holds it, or choose another port with --port.\n"
    )
    assert not database.parent.exists(), "nothing was migrated"


def test_an_address_not_of_this_machine_is_one_line(capsys, tmp_path: Path) -> None:
    code, out, err = cli(capsys, "serve", "--host", "192.0.2.1", "--port", str(_free_port()),
                         "--database", f"sqlite:///{tmp_path / 'cafta.db'}")  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("error: cannot listen on 192.0.2.1 port ") and err.count("\n") == 1
    assert not (tmp_path / "cafta.db").exists()


def test_a_broken_risk_file_is_one_line_naming_the_variable_and_file_before_the_banner(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quotas = tmp_path / "badq.yaml"
    quotas.write_text("offices:\n  CNYYG:\n    red: banana\n", encoding="utf-8")
    monkeypatch.setenv("CAFTA_RISK_QUOTAS", str(quotas))
    database = tmp_path / "cafta.db"
    code, out, err = cli(capsys, "serve", "--port", str(_free_port()),
                         "--database", f"sqlite:///{database}")  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(f"error: CAFTA_RISK_QUOTAS: {quotas}: ") and err.count("\n") == 1
    assert not database.exists(), "the files are read before the database is touched"


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("CAFTA_RISK_RULES", "missing-rules.yaml", "CAFTA_RISK_RULES"),
        ("CAFTA_TRUSTED_TRADERS", "missing-traders.yaml", "CAFTA_TRUSTED_TRADERS"),
        ("CAFTA_SECRET", "short", "CAFTA_SECRET is 5 characters long"),
        ("CAFTA_SECURE_COOKIES", "maybe", "CAFTA_SECURE_COOKIES=maybe"),
    ],
)
def test_every_setting_a_worker_reads_is_checked_before_the_banner(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, words: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    code, out, err = cli(capsys, "serve", "--port", str(_free_port()),
                         "--database", f"sqlite:///{tmp_path / 'cafta.db'}")  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and words in err and err.count("\n") == 1


def test_a_worker_that_cannot_start_logs_one_line_and_exits_with_startup_failure(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """uvicorn's supervisor starts a worker that died again, and again, unless it exits with
    its "failed to start" status (3)."""

    def broken() -> None:
        raise InvalidInput("CAFTA_RISK_QUOTAS: q.yaml: offices: expected a list",
                           code="config.invalid")  # fmt: skip

    monkeypatch.setattr(server, "app_from_env", broken)
    with caplog.at_level(logging.ERROR, logger="cafta.server"), pytest.raises(SystemExit) as ended:
        server.worker_app_from_env()
    assert ended.value.code == server.STARTUP_FAILURE == 3
    assert [r.getMessage() for r in caplog.records] == [
        "error: CAFTA_RISK_QUOTAS: q.yaml: offices: expected a list"
    ]
    assert caplog.records[0].exc_info is None
