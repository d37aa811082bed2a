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
pytestmark = pytest.mark.usefixtures("example_authority")  # the example's broker lodges it


def _held(capsys: pytest.CaptureFixture[str], db: tuple[str, str]) -> dict[str, Any]:
    """The durian example: it cites a Form E this node never received, so it is held for
    documents."""
    code, out, err = cli(capsys, "declare", "submit", DURIAN, *db, "--json")
    assert code == 0, err
    view: dict[str, Any] = json.loads(out)
    assert (view["status"], view["lane"]) == ("held_for_documents", "yellow")
    return view


def _corrected(tmp_path: Path, name: str = "corrected", **changes: Any) -> Path:
    """The example without its Form E claim (MFN is paid), with header ``changes``."""
    document = json.loads(DURIAN.read_text(encoding="utf-8"))
    del document["items"][0]["preference"]
    document.update(changes)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_declarant_amends_a_declaration_held_for_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
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
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
    held = _held(capsys, db)
    corrected = _corrected(tmp_path)
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db,
                       "--expected-version", "3")  # fmt: skip
    assert code == 2 and "is at version 1; it has no version 3" in err
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db, "--role",
                       "officer")  # fmt: skip
    assert code == 2 and "cannot amend declarations" in err
    code, _, err = cli(capsys, "declare", "amend", held["id"], corrected, *db, "--as",
                       "Someone Else Trading")  # fmt: skip
    assert code == 2 and f"no declaration {held['id']}" in err  # not theirs to see
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
    capsys: pytest.CaptureFixture[str], db: tuple[str, str]
) -> None:
    held = _held(capsys, db)
    code, _, err = cli(capsys, "declare", "cancel", held["id"], *db, "--expected-version", "2")
    assert code == 2 and "is at version 1; it has no version 2" in err
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
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
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


BLACK_GRAM = ROOT / "examples" / "declarations" / "black-gram-qingdao.json"


def test_an_amendment_naming_other_parties_gets_a_real_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
    """Without --as, the change is made as the stored declaration's declarant (as cancel), not
    as the file's, who may not even see the declaration: the refusal says what is wrong."""
    held = _held(capsys, db)
    broker = {"name": "Nanning Customs Brokers", "country": "CN"}
    other_broker = _corrected(tmp_path, "other-broker", declarant=broker, office="CNPXG")
    code, out, err = cli(capsys, "declare", "amend", held["id"], other_broker, *db)
    assert (code, out) == (2, "")
    assert "no declaration" not in err and err.count("\n") == 1
    assert err.startswith("error: office: an amendment may not change the customs office")
    other_importer = _corrected(tmp_path, "other-importer", importer={
        "name": "Another Importer Co.", "country": "CN"})  # fmt: skip
    code, out, err = cli(capsys, "declare", "amend", held["id"], other_importer, *db)
    assert (code, out) == (2, "")
    assert err.startswith("error: importer.name: an amendment may not change the customs office")
    # --as still names who acts.
    code, _, err = cli(capsys, "declare", "amend", held["id"], other_broker, *db, "--as",
                       broker["name"])  # fmt: skip
    assert code == 2 and f"no declaration {held['id']}" in err


@pytest.mark.parametrize("officer", ["", "   "])
def test_a_decision_needs_an_officer(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], officer: str
) -> None:
    held = _held(capsys, db)
    code, out, err = cli(capsys, "declare", "decide", held["id"], "--action", "release",
                         "--officer", officer, *db)  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("error: --officer: give your name") and err.count("\n") == 1
    code, out, _ = cli(capsys, "declare", "show", held["id"], *db, "--json")
    assert (json.loads(out)["status"], json.loads(out)["version"]) == ("held_for_documents", 1)


def test_a_decision_may_name_the_version_it_was_made_on(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str]
) -> None:
    held = _held(capsys, db)
    decide = ("declare", "decide", held["id"], "--action", "release", "--officer", "Officer Li")
    code, out, err = cli(capsys, *decide, *db, "--expected-version", "2")
    assert (code, out) == (2, "")
    assert "is at version 1; it has no version 2" in err and err.count("\n") == 1
    code, out, err = cli(capsys, *decide, *db, "--expected-version", "1", "--json")
    assert code == 0, err
    assert (json.loads(out)["status"], json.loads(out)["version"]) == ("released", 2)


def test_a_replayed_submission_says_so_in_text(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str]
) -> None:
    submit = ("declare", "submit", DURIAN, *db, "--idempotency-key", "k1")
    code, first, err = cli(capsys, *submit)
    assert code == 0, err
    assert "Already lodged" not in first
    code, again, err = cli(capsys, *submit)
    assert code == 0, err
    lines = again.splitlines()
    assert lines[0].startswith("Already lodged with idempotency key 'k1'")
    assert "nothing new was lodged" in lines[0]
    assert lines[1:] == first.splitlines()
    code, out, _ = cli(capsys, "declare", "list", *db, "--json")
    assert len(json.loads(out)["items"]) == 1


def test_show_prints_item_notes_and_what_officers_said_and_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
    held = _held(capsys, db)
    notes = [n for item in held["assessment"]["items"] for n in item["notes"]]
    assert notes, "the durian example's assessment has notes"
    code, _, err = cli(capsys, "declare", "decide", held["id"], "--action", "inspect",
                       "--officer", "Officer Li", "--note", "weigh the load", *db)  # fmt: skip
    assert code == 0, err
    outcome = tmp_path / "outcome.json"
    outcome.write_text(json.dumps({"found": True, "what": "12 bags undeclared",
                                   "revenue_recovered": {"amount": "1500.00",
                                                         "currency": "CNY"}}))  # fmt: skip
    code, _, err = cli(capsys, "declare", "decide", held["id"], "--action", "release",
                       "--officer", "Officer Wang", "--note", "duty paid on the extra bags",
                       "--outcome", outcome, *db)  # fmt: skip
    assert code == 0, err
    code, out, err = cli(capsys, "declare", "show", held["id"], *db)
    assert code == 0, err
    for note in notes:
        assert f"    note: {note}\n" in out
    assert "InspectionOrdered  by Officer Li: note: weigh the load\n" in out
    assert ("InspectionRecorded  by Officer Wang: found something: yes; what: 12 bags "
            "undeclared; revenue recovered 1500.00 CNY\n") in out  # fmt: skip
    assert "GoodsReleased  by Officer Wang: note: duty paid on the extra bags\n" in out


def test_show_prints_an_exchange_rate_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
    """An item valued in dollars carries the rate's note (its date, when old)."""
    document = json.loads(DURIAN.read_text(encoding="utf-8"))
    document["items"][0]["value"] = {"amount": "86000.00", "currency": "USD"}
    path = tmp_path / "usd.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = cli(capsys, "declare", "submit", path, *db, "--json")
    assert code == 0, err
    view = json.loads(out)
    notes = view["assessment"]["items"][0]["notes"]
    assert any("USD/CNY" in note for note in notes), notes
    code, out, _ = cli(capsys, "declare", "show", view["id"], *db)
    for note in notes:
        assert f"    note: {note}" in out


def test_list_marks_illustrative_totals(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    official = _held(capsys, db)
    code, out, err = cli(capsys, "declare", "submit", BLACK_GRAM, *db, "--json")
    assert code == 0, err
    illustrative = json.loads(out)
    assert (official["assessment"]["status"], illustrative["assessment"]["status"]) == (
        "official", "illustrative")  # fmt: skip
    code, out, _ = cli(capsys, "declare", "list", *db)
    assert code == 0
    rows = {line.split()[1]: line for line in out.splitlines() if "CD" in line}
    total = illustrative["assessment"]["total"]
    assert f"{total} CNY *" in rows[illustrative["id"]]
    assert f"{official['assessment']['total']} CNY " in rows[official["id"]]
    assert "*" not in rows[official["id"]]
    assert "* illustrative: computed with rates or rules that are not official" in out
    code, out, _ = cli(capsys, "declare", "list", *db, "--json")
    provenance = {v["id"]: v["assessment_status"] for v in json.loads(out)["items"]}
    assert provenance == {official["id"]: "official", illustrative["id"]: "illustrative"}
    code, out, _ = cli(capsys, "declare", "list", *db, "--lane", "yellow", "--office", "CNYYG")
    assert "illustrative" not in out  # no legend without an illustrative row


def test_an_unquoted_hs_line_in_yaml_is_read_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
    """YAML 1.1 would read 0810.60.00 as text but 0810.60 as the float 810.6."""
    json_text = DURIAN.read_text(encoding="utf-8")
    yaml_text = json_text.replace('"line": "0810.60.00"', '"line": 0810.60')  # JSON is YAML
    assert yaml_text != json_text
    path = tmp_path / "durian.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    code, out, err = cli(capsys, "declare", "submit", path, *db, "--json")
    assert code == 0, err
    assert json.loads(out)["goods"][0]["line"].startswith("0810.60")
