"""Text from the user or from data is printed as written: brackets are not Rich markup, and
``:name:`` is not an emoji code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import cli

from cafta.tariff.schedule import COLUMNS

ROOT = Path(__file__).resolve().parents[3]
DURIAN = ROOT / "examples" / "declarations" / "durian-youyiguan.json"
ON = ["--on", "2026-06-01"]


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide enough that no table cell is folded across lines."""
    monkeypatch.setenv("COLUMNS", "250")


def test_hs_search_without_a_match_prints_the_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "hs", "search", "zzqq [/x] [italic]qqzz :cd:")
    assert code == 0, err
    assert "No HS code matches 'zzqq [/x] [italic]qqzz :cd:'." in out


@pytest.mark.parametrize(
    ("text", "code"), [("zzqq [/x] [bold]y", "5806"), ("durian [/x] [red] :cd:", "0810.60")]
)
def test_hs_search_results_are_titled_with_the_words(
    capsys: pytest.CaptureFixture[str], text: str, code: str
) -> None:
    status, out, err = cli(capsys, "hs", "search", text)
    assert status == 0, err
    assert f"HS 2022 codes matching '{text}'" in out
    assert code in out


def test_an_imported_schedule_s_reference_and_note_are_printed_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cafta_home: Path
) -> None:
    source = tmp_path / "cn-2026.csv"
    row = "CN,08106000,MFN,*,15%,,2026-01-01,,official,Tariff [/x] 2026 [s],Durians,Check [u] [S]"
    source.write_text(f"{','.join(COLUMNS)}\n{row}\n", encoding="utf-8")
    code, out, err = cli(capsys, "tariff", "import", source)
    assert code == 0, err
    assert "Imported 1 measures as schedule 'cn-2026':" in out
    assert (cafta_home / "schedules" / "cn-2026.csv").exists()

    code, out, err = cli(capsys, "tariff", "0810.60", "--origin", "TH", "--destination", "CN", *ON)
    assert code == 0, err
    assert "Tariff [/x] 2026 [s]" in out
    assert "Note: MFN: Check [u] [S]" in out

    code, out, err = cli(capsys, "duty", "--line", "0810.60", "--origin", "TH", "--destination",
                         "CN", "--value", "1000", "--currency", "CNY", *ON)  # fmt: skip
    assert code == 0, err
    assert "Tariff [/x] 2026 [s]" in out
    assert "Note: MFN: Check [u] [S]" in out


def test_origin_assess_prints_the_bill_of_materials_descriptions_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bom = {
        "scheme": "ACFTA", "exporting_party": "VN", "importing_party": "CN",
        "product": {"line": "8507.60", "description": "Li-ion [red]battery[/red] pack [/x]",
                    "fob": {"amount": "1000.00", "currency": "USD"}},
        "materials": [{"description": "cells [/x] [red]hot :cd:", "line": "8507.90",
                       "origin": "KR", "value": {"amount": "690.00", "currency": "USD"},
                       "originating": False}],
    }  # fmt: skip
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    code, out, err = cli(capsys, "origin", "assess", path, *ON)
    assert code == 0, err
    assert "8507.60 Li-ion [red]battery[/red] pack [/x], VN → CN" in out
    assert "cells [/x] [red]hot :cd:" in out
    assert "Reason: RVC 31% < 40%" in out


def _bracketed_declaration(tmp_path: Path) -> Path:
    """The durian example, its importer's name and its Form E reference with brackets in them
    (the node never received that Form E, so the goods are held for documents)."""
    document: dict[str, Any] = json.loads(DURIAN.read_text(encoding="utf-8"))
    document["importer"]["name"] = "Guangxi [red]Fresh[/red] Fruit"
    document["items"][0]["preference"]["certificate"] = "E2026TH-[x]AB"
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_declare_prints_a_quoted_reference_and_an_importer_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: tuple[str, str]
) -> None:
    code, out, err = cli(capsys, "representations", "grant", "--importer",
                         "Guangxi [red]Fresh[/red] Fruit", "--broker",
                         "Pingxiang Border Brokers Co.", *db)  # fmt: skip
    assert code == 0, err
    assert "may declare for Guangxi [red]Fresh[/red] Fruit" in out
    code, out, err = cli(capsys, "declare", "submit", _bracketed_declaration(tmp_path), *db)
    assert code == 0, err
    assert "Form E denied: no Form E with reference E2026TH-[x]AB has been received" in out
    declaration_id = out.split()[0]

    code, out, err = cli(capsys, "declare", "show", declaration_id, *db)
    assert code == 0, err
    assert f"{declaration_id} at CNYYG: held_for_documents (lane yellow)" in out
    assert "Form E denied: no Form E with reference E2026TH-[x]AB has been received" in out

    code, out, err = cli(capsys, "declare", "list", *db)
    assert code == 0, err
    assert "Guangxi [red]Fresh[/red] Fruit" in out


def test_risk_prints_a_store_path_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = tmp_path / "models [/x] :cd:"
    code, out, err = cli(capsys, "risk", "models", "list", "--store", store)
    assert code == 0, err
    assert f"No model versions in {store}." in out
