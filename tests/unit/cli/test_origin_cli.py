"""``cafta origin``: the documented examples hold; bad files fail in one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.conftest import cli

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
ON = ["--on", "2026-05-01"]


def _console_blocks(doc: str) -> list[tuple[str, list[str]]]:
    blocks = re.findall(r"```console\n\$ (.+?)\n(.*?)```", doc, flags=re.S)
    return [(command, output.rstrip("\n").splitlines()) for command, output in blocks]


def test_the_console_examples_in_docs_origin_are_true(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _console_blocks((ROOT / "docs" / "origin.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    for command, expected in blocks:
        argv = command.split()[1:]
        argv = [str(ROOT / a) if a.startswith("docs/") else a for a in argv]
        code, out, _ = cli(capsys, *argv)
        assert code == 0, command
        assert out.splitlines()[: len(expected)] == expected, command


def test_json_evidence_of_the_minimal_bom(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "origin", "assess", str(EXAMPLES / "bom-battery-pack.json"), *ON,
                       "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["originating"] is True
    assert (data["criterion"], data["box8"]) == ("RVC(40)", "RVC 70%")
    assert data["rvc"]["percent"] == "70" and data["rvc"]["non_originating"]["amount"] == "300.00"
    assert data["reasons"] == []


@pytest.mark.parametrize(
    ("name", "box8", "status"),
    [("bom-power-supply.yaml", "CTH", "illustrative"), ("bom-durian.yaml", "WO", "official")],
)
def test_the_other_examples(capsys: pytest.CaptureFixture[str], name: str, box8: str,
                            status: str) -> None:  # fmt: skip
    code, out, _ = cli(capsys, "origin", "assess", str(EXAMPLES / name), *ON, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["originating"] is True and data["box8"] == box8 and data["status"] == status


def test_a_failing_bom_lists_its_reasons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = json.loads((EXAMPLES / "bom-battery-pack.json").read_text(encoding="utf-8"))
    doc["materials"][0]["value"]["amount"] = "690.00"
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = cli(capsys, "origin", "assess", str(path), *ON)
    assert code == 0
    assert "Not originating under ACFTA" in out
    assert "Reason: RVC 31% < 40%" in out
    assert "CTH fails: material 8507.90 (KR) is in the same heading 8507" in out


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ('{"scheme": "ACFTA", "exporting_party": "VN"', ".json", "not valid JSON (line 1"),
        ("scheme: [ACFTA\n", ".yaml", "not valid YAML (line"),
        ('{"scheme": "ACFTA", "exporting_party": "VN", "importing_party": "CN", "materials": []}',
         ".json", "product: missing"),
        ('{"scheme": "ACFTA", "exporting_party": "XX1", "importing_party": "CN", "materials": [],'
         ' "product": {"line": "8507.60", "description": "p", "fob": {"amount": "1", '
         '"currency": "USD"}}}', ".json", "exporting_party: no country is known as 'XX1'"),
    ],
)  # fmt: skip
def test_bad_files_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bom{suffix}"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli(capsys, "origin", "assess", str(path), *ON)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err


def test_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "origin", "assess", str(tmp_path / "none.json"), *ON)
    assert code == 2 and "no file at" in err


def test_rule_for_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "origin", "rule", "6109.10", *ON, "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["source"], data["rule"], data["status"]) == ("PSR", "CC", "illustrative")
    code, out, _ = cli(capsys, "origin", "rule", "0713.31", *ON)
    assert code == 0 and "RVC(40) OR CTH" in out and "(general)" in out


def test_cth_chapters_from_the_environment(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("CAFTA_CTH_CHAPTERS", "01-24")
    code, out, _ = cli(capsys, "origin", "assess", str(EXAMPLES / "bom-power-supply.yaml"), *ON,
                       "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["originating"] is False and data["rule"]["text"] == "RVC(40)"
    assert data["status"] == "official"


def test_help_shows_an_example_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "origin", "assess", "--help")
    assert code == 0
    assert '"exporting_party": "VN"' in out and "docs/origin.md" in out
