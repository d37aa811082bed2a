"""The command line's standard for failures: bad input is one line and exit 2, anything else one
line and another non-zero exit; never a traceback or "unexpected failure"."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import cli

from cafta.cli import main as entry
from cafta.config import Settings
from cafta.core.errors import CaftaError, InvalidInput
from cafta.refdata.nomenclature import Nomenclature

ROOT = Path(__file__).resolve().parents[3]
FORM_E = ROOT / "examples" / "form-e" / "durian-th.json"
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"
DUTY = ["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value", "100",
        "--currency", "CNY"]  # fmt: skip


def _one_line(code: int, out: str, err: str, expected: int = 2) -> str:
    assert (code, out) == (expected, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "unexpected failure" not in err and "Traceback" not in err
    return err


# --- --out paths that cannot be written ----------------------------------------------------------


@pytest.fixture
def authority(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The key of the Form E example's authority, in tmp_path/keys."""
    code, _, err = cli(capsys, "keys", "generate", "--authority", "TH-DFT", "--country", "TH",
                       "--out", tmp_path / "keys")  # fmt: skip
    assert code == 0, err
    return tmp_path / "keys" / "TH-DFT.key"


def test_keys_generate_into_a_file_or_an_impossible_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.json").write_text("{}")
    generate = ["keys", "generate", "--authority", "A", "--country", "TH", "--out"]
    err = _one_line(*cli(capsys, *generate, tmp_path / "bad.json"))
    assert f"--out: {tmp_path / 'bad.json'} is a file; name a folder" in err
    err = _one_line(*cli(capsys, *generate, tmp_path / "bad.json" / "sub"))
    assert f"--out: {tmp_path / 'bad.json'} is a file" in err
    err = _one_line(*cli(capsys, *generate, "/proc/nope"))
    assert "--out: the folder /proc/nope cannot be created" in err


def test_an_out_file_that_is_a_directory_or_cannot_be_written_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], authority: Path
) -> None:
    folder = tmp_path / "adir"
    folder.mkdir()
    trust = authority.parent / "trust.json"
    err = _one_line(*cli(capsys, "keys", "trust-merge", trust, "--out", folder))
    assert err == f"error: --out: {folder} is a directory; name a file\n"
    issue = ["co", "issue", FORM_E, "--key", authority, "--out"]
    err = _one_line(*cli(capsys, *issue, folder))
    assert err == f"error: --out: {folder} is a directory; name a file\n"
    err = _one_line(*cli(capsys, *issue, "/proc/x.jws"))
    assert err.startswith("error: --out: /proc/x.jws cannot be written (")
    (tmp_path / "file").write_text("")
    err = _one_line(*cli(capsys, *issue, tmp_path / "file" / "x.jws"))
    assert f"{tmp_path / 'file'} is a file, not a folder" in err
    assert [p.name for p in folder.iterdir()] == [], "no temporary file is left behind"


# --- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "Asia/"])
def test_a_time_zone_the_system_does_not_know_is_config_invalid(zone: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Settings.from_env({"CAFTA_TIMEZONE": zone})
    assert caught.value.code == "config.invalid"
    assert caught.value.message == f"CAFTA_TIMEZONE={zone} is not a time zone"


def test_a_blank_time_zone_is_the_default_as_for_every_other_setting() -> None:
    assert Settings.from_env({"CAFTA_TIMEZONE": " "}).timezone == "Asia/Shanghai"
    assert Settings.from_env({"CAFTA_TIMEZONE": "Asia/Bangkok"}).timezone == "Asia/Bangkok"


def test_a_bad_time_zone_stops_a_command_and_serve_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAFTA_TIMEZONE", "Mars/Olympus")
    err = _one_line(*cli(capsys, *DUTY))
    assert "CAFTA_TIMEZONE=Mars/Olympus is not a time zone" in err
    database = tmp_path / "cafta.db"
    err = _one_line(*cli(capsys, "serve", "--port", "1", "--database", f"sqlite:///{database}"))
    assert "CAFTA_TIMEZONE" in err
    assert not database.exists()


def test_a_rates_file_with_wrong_content_exits_2_as_a_missing_one_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rates = tmp_path / "rates.csv"
    monkeypatch.setenv("CAFTA_RATES_FILE", str(rates))
    err = _one_line(*cli(capsys, *DUTY))
    assert "CAFTA_RATES_FILE" in err
    rates.write_text("base,quote\nUSD,CNY\n")
    err = _one_line(*cli(capsys, *DUTY))
    assert err.startswith("error: CAFTA_RATES_FILE: ")


# --- the database ---------------------------------------------------------------------------------


def test_a_directory_as_the_database_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "node"
    folder.mkdir()
    url = f"sqlite:///{folder}"
    expected = f"error: {folder} is a directory, not a SQLite database file."
    for argv in (["declare", "list"], ["db", "upgrade"], ["audit", "verify"]):
        err = _one_line(*cli(capsys, *argv, "--database", url))
        assert err.startswith(expected), err
        assert f"--database sqlite:///{folder / 'cafta.db'}" in err
    assert [p.name for p in tmp_path.iterdir()] == ["node"], "no lock file beside it"
    assert list(folder.iterdir()) == []


def test_a_file_that_is_not_sqlite_as_the_database_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("hello, this is not a database\n")
    url = f"sqlite:///{text}"
    for argv in (["declare", "list"], ["db", "upgrade"], ["tokens", "list"],
                 ["audit", "verify"], ["declare", "submit", DURIAN]):  # fmt: skip
        err = _one_line(*cli(capsys, *argv, "--database", url))
        assert err.startswith(f"error: {text} is not a SQLite database file."), (argv, err)
    assert text.read_text() == "hello, this is not a database\n"


def test_a_database_without_the_tables_exits_2_saying_to_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    err = _one_line(*cli(capsys, "declare", "list", "--database", f"sqlite:///{empty}"))
    assert "has no cafta tables" in err and "cafta db upgrade" in err


def test_declare_list_json_is_a_page_that_says_it_was_cut(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], example_authority: None
) -> None:
    ids = []
    for key in ("a", "b", "c"):
        code, out, err = cli(capsys, "declare", "submit", DURIAN, *db, "--json",
                             "--idempotency-key", key)  # fmt: skip
        assert code == 0, err
        ids.append(json.loads(out)["id"])
    code, out, _ = cli(capsys, "declare", "list", *db, "--json", "--limit", "2")
    page = json.loads(out)
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [v["id"] for v in page["items"]] == ids[::-1][:2]
    code, out, _ = cli(capsys, "declare", "list", *db, "--json", "--limit", "2", "--offset", "2")
    assert [v["id"] for v in json.loads(out)["items"]] == ids[:1]
    code, out, _ = cli(capsys, "declare", "list", *db, "--limit", "2")
    assert "the newest 2 of 3; --limit shows more, --offset 2 the next ones" in out
    code, out, _ = cli(capsys, "declare", "list", *db, "--limit", "2", "--offset", "2")
    assert ids[0] in out and "3-3 of 3" in out
    code, out, _ = cli(capsys, "declare", "list", *db, "--offset", "5")
    assert "no declarations after the first 5 of 3" in out
    _one_line(*cli(capsys, "declare", "list", *db, "--offset", "-1"))


# --- Ctrl-C ---------------------------------------------------------------------------------------


def test_ctrl_c_in_a_command_is_one_line_and_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Nomenclature, "hs2022", interrupted)
    assert cli(capsys, "hs", "show", "08") == (130, "", "error: interrupted\n")


def test_ctrl_c_while_the_commands_load_is_one_line_and_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def loading() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "run", loading)
    with pytest.raises(SystemExit) as caught:
        entry.main()
    assert caught.value.code == 130
    assert capsys.readouterr().err == "error: interrupted\n"


def test_the_entry_point_loads_nothing_and_a_command_not_the_risk_model() -> None:
    """Importing the entry point loads no command (so Ctrl-C then is one line too), and a
    command that is not a risk command loads neither LightGBM nor NumPy (a third of a second)."""
    probe = (
        "import sys; import cafta.cli.main as m; print(sorted(k for k in ('typer', 'rich', "
        "'cafta.cli.app') if k in sys.modules)); m.run(['hs', 'show', '08']); "
        "print(sorted(k for k in ('lightgbm', 'numpy', 'scipy') if k in sys.modules))"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, env=env)  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == "[]" and lines[-1] == "[]", result.stdout


def test_hs_search_refuses_an_empty_query(capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line(*cli(capsys, "hs", "search", " "))
    assert "give words describing the goods" in err


def test_a_caftaerror_of_a_setting_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise CaftaError("CAFTA_X: bad", code="config.invalid")

    monkeypatch.setattr(Nomenclature, "hs2022", broken)
    assert cli(capsys, "hs", "show", "08") == (2, "", "error: CAFTA_X: bad\n")


# --- smaller things -------------------------------------------------------------------------------


def test_tariff_import_of_a_file_that_is_no_schedule_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAFTA_HOME", str(tmp_path / "home"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1}\n')
    err = _one_line(*cli(capsys, "tariff", "import", bad))
    assert err.startswith(f"error: {bad} is not a tariff schedule: header lacks column(s) ")
    assert "bad.csv" not in err and "Fix the rows" not in err
    err = _one_line(*cli(capsys, "tariff", "import", bad, "--name", ""))
    assert err.startswith("error: --name is empty")


def test_an_unknown_sqlite_url_parameter_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}?foo=bar"
    err = _one_line(*cli(capsys, "db", "upgrade", "--database", url))
    assert err.startswith("error: a SQLite database URL takes no parameter 'foo'")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["declare", "list"], ["db", "upgrade"], ["audit", "verify"],
                 ["declare", "submit", DURIAN], ["demo", "seed"]):  # fmt: skip
        err = _one_line(*cli(capsys, *argv, "--database", url))
        assert err.startswith("error: an in-memory database is gone when the command ends"), err


def test_settings_and_options_name_themselves(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InvalidInput, match="CAFTA_FORM_E_VALIDITY_MONTHS=-1 is negative"):
        Settings.from_env({"CAFTA_FORM_E_VALIDITY_MONTHS": "-1"})
    rubber = ["duty", "--line", "4001.21", "--origin", "TH", "--destination", "CN",
              "--value", "1", "--currency", "CNY"]  # fmt: skip
    err = _one_line(*cli(capsys, *rubber, "--quantity", "-5"))
    assert err.startswith("error: --quantity: quantity -5 kg is negative. Give the quantity")
    err = _one_line(*cli(capsys, *DUTY[:-1], "XXX"))
    assert err.startswith("error: --currency: no XXX/CNY exchange rate for ")
    assert len(err) < 300 and "XXX/SGD" not in err


def test_risk_train_fails_in_one_line_without_a_blank_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "risk", "train", "--train", tmp_path / "none.csv",
                         "--out", tmp_path / "models")  # fmt: skip
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err


def test_receiving_an_untrusted_certificate_says_how_to_trust_its_issuer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db: tuple[str, str], authority: Path
) -> None:
    certificate = tmp_path / "cert.jws"
    code, _, err = cli(capsys, "co", "issue", FORM_E, "--key", authority, "--out", certificate)
    assert code == 0, err
    err = _one_line(*cli(capsys, "co", "receive", certificate, *db))
    assert "not a trusted issuing authority" in err and "cafta keys trust-import" in err


def test_declaration_commands_speak_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db: tuple[str, str],
    example_authority: None,
) -> None:  # fmt: skip
    err = _one_line(*cli(capsys, "declare", "show", "NOPE", *db))
    assert err == "error: no declaration NOPE. Check the id: 'cafta declare list' shows them.\n"
    err = _one_line(*cli(capsys, "declare", "submit", DURIAN, *db, "--idempotency-key", ""))
    assert err.startswith("error: --idempotency-key is empty")
    code, _, err = cli(capsys, "declare", "submit", DURIAN, *db, "--idempotency-key", "k1")
    assert code == 0, err
    other = tmp_path / "other.json"
    other.write_text(DURIAN.read_text(encoding="utf-8").replace("612000.00", "612001.00"))
    err = _one_line(*cli(capsys, "declare", "submit", other, *db, "--idempotency-key", "k1"))
    assert err.startswith("error: --idempotency-key 'k1' was already used for a different ")
    assert "the same file" in err and "Idempotency-Key" not in err and "body" not in err
    code, out, _ = cli(capsys, "declare", "list", *db)
    assert "lodged (UTC)" in out


def test_demo_seed_refuses_if_empty_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "demo.db"
    err = _one_line(*cli(capsys, "demo", "seed", "--if-empty", "--force",
                         "--database", f"sqlite:///{database}"))  # fmt: skip
    assert "--if-empty and --force" in err
    assert not database.exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["serve"], "created or upgraded first; the server runs until Ctrl-C or SIGTERM."),
     (["risk", "train"], "--valid df_syn_valid_eng.csv --out models/risk"),
     (["declare", "submit"], "every field: docs/api.md"),
     (["outbox", "relay"], "Events claimed and written at a time."),
     (["declare", "decide"], "What you tell the declarant")],
)  # fmt: skip
def test_help_paragraphs_are_wrapped_by_the_terminal_not_the_source(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = cli(capsys, *argv, "--help")
    assert code == 0 and expected in out


def test_demo_seed_force_counts_the_statuses_of_what_it_seeded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    for extra in ([], ["--force"]):
        code, out, err = cli(capsys, "demo", "seed", "--database", url, *extra)
        assert code == 0, err
    seeded = int(out.split("Seeded ")[1].split()[0])
    (statuses,) = (line for line in out.splitlines() if line.strip().startswith("statuses:"))
    counted = sum(int(part.split()[-1]) for part in statuses.split(":", 1)[1].split(","))
    assert counted == seeded
