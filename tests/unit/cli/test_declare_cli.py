"""``cafta declare amend`` and ``cafta declare cancel`` on a SQLite node: the declarant's
changes, and one line with exit 2 for each refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import cli

ROOT = Path(__file__).resolve().parents[3]
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"


def _held(capsys: pytest.CaptureFixture[str], db: tuple[str, str]) -> dict[str, Any]:
    """The durian example: it cites a Form E this node never received, so it is held for
    documents."""
    code, out, err = cli(capsys, "declare", "submit", DURIAN, *db, "--json")
    assert code == 0, err
    view: dict[str, Any] = json.loads(out)
    assert (view["status"], view["lane"]) == ("held_for_documents", "yellow")
    return view


def _corrected(tmp_path: Path, **changes: Any) -> Path:
    """The example without its Form E claim (MFN is paid), with header ``changes``."""
    document = json.loads(DURIAN.read_text(encoding="utf-8"))
    del document["items"][0]["preference"]
    document.update(changes)
    path = tmp_path / "corrected.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_declarant_amends_a_declaration_held_for_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ("--database", f"sqlite:///{tmp_path / 'cafta.db'}")
    held = _held(capsys, db)
    corrected = _corrected(tmp_path)
    code, out, err = cli(capsys, "declare", "amend", held["id"], corrected, *db,
                         "--expected-version", "1", "--json")  # fmt: skip
    assert code == 0, err
    amended = json.loads(out)
    assert (amended["id"], amended["version"]) == (held["id"], 2)
    # Re-assessed, and back with an officer: held for documents, not released.
    assert amended["status"] == "held_for_documents" and amended["preference"] is None
    assert [e["event"] for e in amended["timeline"]][-3:] == [
        "DeclarationAmended", "DutyAssessed", "LaneAssigned"]  # fmt: skip
    assert amended["timeline"][-3]["actor"] == "Pingxiang Border Brokers Co."
    code, out, err = cli(capsys, "declare", "decide", held["id"], "--action", "release",
                         "--officer", "Officer Li", *db)  # fmt: skip
    assert code == 0, err
    # Released: too late to amend, or to cancel. One line, exit 2.
    code, out, err = cli(capsys, "declare", "amend", held["id"], corrected, *db)
    assert code == 2 and out == ""
    assert err.startswith("error: cannot amend a declaration that is released")
    assert err.count("\n") == 1
    code, _, err = cli(capsys, "declare", "cancel", held["id"], *db)
    assert code == 2 and "cannot cancel a declaration that is released" in err


def test_an_amendment_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ("--database", f"sqlite:///{tmp_path / 'cafta.db'}")
    held = _held(capsys, db)
    corrected = _corrected(tmp_path)
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db,
                       "--expected-version", "3")  # fmt: skip
    assert code == 2 and "you read version 3, it is now at version 1" in err
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db, "--role",
                       "officer")  # fmt: skip
    assert code == 2 and "cannot amend declarations" in err
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db, "--as",
                       "Someone Else Trading")  # fmt: skip
    assert code == 2 and "neither the importer nor the declarant" in err
    elsewhere = _corrected(tmp_path, office="CNPXG")
    code, _, err = cli(capsys, "declare", "amend", held["id"], elsewhere, *db)
    assert code == 2 and "may not change the customs office or the importer" in err
    code, _, err = cli(capsys, "declare", "amend", "CD20260601-NOSUCH0000", corrected, *db)
    assert code == 2 and "no declaration CD20260601-NOSUCH0000" in err
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db,
                       "--expected-version", "0")  # fmt: skip
    assert code == 2 and "--expected-version" in err
    assert err.count("\n") == 1
    code, out, _ = cli(capsys, "declare", "show", held["id"], *db, "--json")
    assert (json.loads(out)["status"], json.loads(out)["version"]) == ("held_for_documents", 1)


def test_the_declarant_cancels_before_release(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ("--database", f"sqlite:///{tmp_path / 'cafta.db'}")
    held = _held(capsys, db)
    code, _, err = cli(capsys, "declare", "cancel", held["id"], *db, "--expected-version", "2")
    assert code == 2 and "changed: you read version 2" in err
    code, _, err = cli(capsys, "declare", "cancel", held["id"], *db, "--as", "Another Importer")
    assert code == 2 and f"no declaration {held['id']}" in err
    code, out, err = cli(capsys, "declare", "cancel", held["id"], *db, "--note",
                         "sold to another buyer", "--expected-version", "1")  # fmt: skip
    assert code == 0, err
    assert f"{held['id']} at CNYYG: cancelled" in out and "version 2" in out
    code, out, _ = cli(capsys, "declare", "show", held["id"], *db, "--json")
    last = json.loads(out)["timeline"][-1]
    assert (last["event"], last["actor"]) == (
        "DeclarationCancelled",
        "Pingxiang Border Brokers Co.",
    )
    assert last["detail"] == {"note": "sold to another buyer"}
    code, _, err = cli(capsys, "declare", "cancel", held["id"], *db, "--json")
    assert code == 2 and "cannot cancel a declaration that is cancelled" in err
    code, _, err = cli(capsys, "declare", "cancel", "CD20260601-NOSUCH0000", *db)
    assert code == 2 and "no declaration CD20260601-NOSUCH0000" in err


def test_list_filters_are_checked_and_an_empty_result_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    db = ("--database", f"sqlite:///{tmp_path / 'cafta.db'}")
    assert cli(capsys, "db", "upgrade", *db)[0] == 0
    code, out, _ = cli(capsys, "declare", "list", *db)
    assert (code, out) == (0, "no declarations\n")
    held = _held(capsys, db)
    # Any case, as the API's words.
    code, out, _ = cli(capsys, "declare", "list", *db, "--status", "Held_For_Documents",
                       "--lane", "YELLOW", "--office", "cnyyg")  # fmt: skip
    assert code == 0 and held["id"] in out and "yellow" in out
    code, out, _ = cli(capsys, "declare", "list", *db, "--lane", "red")
    assert (code, out) == (0, "no declarations match\n")
    # A filter nothing could ever match is a mistake: one line, exit 2.
    for option, value, said in (("--status", "held", "unknown status 'held'. Use one of: "),
                                ("--lane", "amber", "unknown lane 'amber'"),
                                ("--office", "YYG", "UN/LOCODE 'YYG'")):  # fmt: skip
        code, out, err = cli(capsys, "declare", "list", *db, option, value)
        assert (code, out) == (2, "") and err.startswith(f"error: {said}"), err
        assert err.count("\n") == 1
