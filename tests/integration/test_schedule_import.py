"""`cafta tariff import`: a user's schedule is validated, stored atomically and layered on top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cafta.cli.main import run
from cafta.tariff.schedule import COLUMNS

HEADER = ",".join(COLUMNS)


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def duty_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    code = run(["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value",
                "100000", "--currency", "CNY", "--on", "2026-06-01", "--json", *extra])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_imported_measures_replace_shipped_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cafta_home: Path
) -> None:
    source = write(
        tmp_path / "cn-2026.csv",
        "CN,08106000,MFN,*,15%,,2026-01-01,,official,Customs Tariff 2026 (test),Durians,",
    )
    assert run(["tariff", "import", str(source), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "name": "cn-2026", "measures": 1, "by_type": {"CN MFN": 1},
    }  # fmt: skip
    assert (cafta_home / "schedules" / "cn-2026.csv").read_text(encoding="utf-8") == (
        source.read_text(encoding="utf-8")
    )
    result = duty_json(capsys)
    assert result["duty"] == "15000.00"
    assert result["steps"][1]["reference"] == "Customs Tariff 2026 (test)"  # type: ignore[index]


def test_a_bad_schedule_is_refused_whole_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cafta_home: Path
) -> None:
    source = write(
        tmp_path / "bad.csv",
        "CN,08106000,MFN,*,15%,,2026-01-01,,official,ref,,",
        "CN,0810600,MFN,*,15%,,2026-01-01,,official,ref,,",
    )
    assert run(["tariff", "import", str(source)]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "7 digits" in err
    assert not (cafta_home / "schedules").exists()
    assert duty_json(capsys)["duty"] == "20000.00"


def test_importing_twice_needs_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path / "s.csv", "CN,08106000,MFN,*,15%,,2026-01-01,,official,ref,,")
    assert run(["tariff", "import", str(source)]) == 0
    assert run(["tariff", "import", str(source)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert run(["tariff", "import", str(source), "--replace"]) == 0


def test_missing_file_and_non_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tariff", "import", str(tmp_path / "none.csv")]) == 2
    assert "no file at" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + b"\nCN,08106000,MFN,*,15%,,2026-01-01,,official,r\xe9f,,\n")
    assert run(["tariff", "import", str(latin)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_own_rates_file_and_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text(
        "base,quote,rate,valid_from,valid_to,source,status\n"
        "USD,CNY,7.0000,2027-03-01,2027-03-31,GACC monthly rate (test),official\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CAFTA_RATES_FILE", str(rates))
    code = run(["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value",
                "1000", "--currency", "USD", "--on", "2027-03-10", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["customs_value"] == "7000.00"
    assert "GACC monthly rate (test)" in data["steps"][1]["reference"]
    monkeypatch.setenv("CAFTA_RATES_FILE", str(tmp_path / "missing.csv"))
    assert run(["tariff", "0810.60", "--origin", "TH", "--destination", "CN"]) == 2
    assert "CAFTA_RATES_FILE" in capsys.readouterr().err
