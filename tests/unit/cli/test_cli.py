"""The command line, run in-process: outputs, JSON shapes, and one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest
from tests.conftest import cli

ON = ["--on", "2026-06-01"]


def test_duty_json_for_durian_with_and_without_form_e(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN",
            "--value", "100000", "--currency", "CNY", *ON, "--json"]  # fmt: skip
    code, out, _ = cli(capsys, *base, "--proof", "form-e")
    assert code == 0
    with_e = json.loads(out)
    assert with_e["regime"] == "ACFTA"
    assert (with_e["duty"], with_e["vat"], with_e["total"]) == ("0.00", "9000.00", "9000.00")
    assert with_e["currency"] == "CNY" and with_e["status"] == "official"
    assert [a["regime"] for a in with_e["alternatives"]] == ["MFN"]
    assert [s["step"] for s in with_e["steps"]] == ["customs_value", "duty", "vat", "total"]
    code, out, _ = cli(capsys, *base)
    without = json.loads(out)
    assert (without["regime"], without["duty"], without["vat"], without["total"]) == (
        "MFN", "20000.00", "10800.00", "30800.00",
    )  # fmt: skip
    assert without["customs_value"] == "100000.00"


def test_duty_converts_usd_and_shows_the_rate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "duty", "--line", "0810.60", "--origin", "TH", "--destination",
                       "CN", "--value", "10000", "--currency", "USD", "--on", "2025-06-02",
                       "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    conversion = next(s for s in data["steps"] if s["step"] == "conversion")
    assert "ECB" in conversion["reference"]
    assert data["currency"] == "CNY"
    assert 60000 < float(data["customs_value"]) < 80000  # about 7.2 CNY per USD in mid-2025


def test_illustrative_results_are_labelled(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "duty", "--line", "8703.24.29", "--origin", "TH", "--destination",
                       "CN", "--value", "300000", "--currency", "CNY", "--proof", "form-e",
                       *ON)  # fmt: skip
    assert code == 0
    assert "ILLUSTRATIVE" in out
    assert "does not lower the duty" in out


def test_tariff_lists_measures_and_best_rates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "tariff", "0810.60", "--origin", "TH", "--destination", "CN", *ON,
                       "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["line"] == "08106000"
    assert {o["regime"]: o["rate"] for o in data["options"]} == {"MFN": "20%", "ACFTA": "0%"}
    assert [t["duty"] for t in data["taxes"]] == ["9%"]
    code, out, _ = cli(capsys, "tariff", "0810.60", "--origin", "TH", "--destination", "CN", *ON)
    assert "Best duty with Form E: 0% (ACFTA)" in out


def test_hs_show_and_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "hs", "show", "0810 60", "--json")
    data = json.loads(out)
    assert code == 0 and data["code"] == "081060" and data["section"]["numeral"] == "II"
    assert [p["code"] for p in data["parents"]] == ["08", "0810"]
    code, out, _ = cli(capsys, "hs", "search", "durian", "--json")
    assert json.loads(out)[0]["code"] == "081060"
    code, out, _ = cli(capsys, "hs", "search", "lithium ion battery")
    assert code == 0 and "8507.60" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["tariff", "0810.99", "--origin", "TH", "--destination", "CN"], "not a code of the HS"),
        (["tariff", "8507.60", "--origin", "VN", "--destination", "CN", *ON],
         "8507.60.00.30"),
        (["tariff", "0810.60", "--origin", "ZZ", "--destination", "CN"], "ISO 3166"),
        (["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value", "-1",
          "--currency", "CNY", *ON], "negative"),
        (["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value", "1",
          "--currency", "XYZ", *ON], "ISO 4217"),
        (["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value", "1",
          "--currency", "CNY", "--on", "2026-02-30"], "YYYY-MM-DD"),
        (["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value", "abc",
          "--currency", "CNY", *ON], "not a number"),
        (["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN",
          "--currency", "CNY"], "--value"),
        (["duty", "--line", "4001.21", "--origin", "TH", "--destination", "CN", "--value", "1",
          "--currency", "CNY", *ON], "--quantity: this duty is charged per kg"),
        (["duty", "--line", "4001.21", "--origin", "TH", "--destination", "CN", "--value", "1",
          "--currency", "CNY", "--quantity", "5", "--unit", "u", *ON], "--unit: a quantity in u"),
        (["duty", "--line", "0810.60", "--origin", "TH", "--destination", "CN", "--value", "1",
          "--currency", "CNY", "--incoterm", "FOB", *ON], "--freight: an FOB value needs"),
        (["hs", "show", "81060"], "did you mean 081060"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    code, out, err = cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert expected in err


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["duty", "--help"], ["tariff", "--help"], ["hs", "search", "--help"]):
        code, out, _ = cli(capsys, *argv)
        assert code == 0 and "Usage" in out
