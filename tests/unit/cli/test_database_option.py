"""``--database``: a mistyped path creates nothing, and a URL that cannot be read is shown as
typed (but for a password)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import cli

ROOT = Path(__file__).resolve().parents[3]
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"
ID = "CD20260601-NOSUCH0000"

COMMANDS = [
    ("declare", "list"),
    ("declare", "list", "--json"),
    ("declare", "show", ID),
    ("declare", "submit", DURIAN),
    ("declare", "decide", ID, "--action", "release", "--officer", "Officer Li"),
    ("declare", "amend", ID, DURIAN),
    ("declare", "cancel", ID),
    ("tokens", "create", "--role", "officer", "--party", "CNYYG"),
    ("outbox", "list"),
    ("outbox", "relay", "--once"),
    ("audit", "verify"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(map(str, argv[:2])))
def test_a_command_on_a_missing_sqlite_file_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str | Path, ...]
) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "cafta.db"
    url = f"sqlite:///{missing}"
    code, out, err = cli(capsys, *argv, "--database", url)
    assert (code, out) == (2, "")
    assert err == (f"error: there is no database at {missing}: run 'cafta db upgrade "
                   f"--database {url}' first\n")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_not_created_by_a_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAFTA_DATABASE_URL", raising=False)
    code, _, err = cli(capsys, "declare", "list")
    assert code == 2 and f"there is no database at {tmp_path / 'cafta.db'}" in err
    assert not (tmp_path / "cafta.db").exists()


@pytest.mark.parametrize("argv", [("db", "upgrade"), ("demo", "seed")])
def test_the_commands_that_make_a_node_create_its_database_and_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    made = tmp_path / "new" / "cafta.db"
    code, _, err = cli(capsys, *argv, "--database", f"sqlite:///{made}")
    assert code == 0, err
    assert made.is_file()
    code, _, err = cli(capsys, "declare", "list", "--database", f"sqlite:///{made}")
    assert code == 0, err


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("foo", "'foo'"),
        ("cafta.db", "'cafta.db'"),
        ("postgres:/host/db", "'postgres:/host/db'"),
        ("cafta:s3cret@db.internal/cafta", "'cafta:***@db.internal/cafta'"),
        ("//cafta:s3cret@db.internal:5432/cafta", "'//cafta:***@db.internal:5432/cafta'"),
        ("db.internal/cafta?password=s3cret&x=1", "'db.internal/cafta?password=***&x=1'"),
    ],
)
def test_a_url_that_cannot_be_read_is_shown_as_typed_but_for_a_password(
    capsys: pytest.CaptureFixture[str], url: str, shown: str
) -> None:
    code, out, err = cli(capsys, "declare", "list", "--database", url)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {shown} is not a database URL. Use sqlite:///")
    assert "s3cret" not in err and err.count("\n") == 1
