"""The node end to end through the command line: keys, certificates, declarations, decisions,
tokens and the audit log, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import cli

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
AUTHORITY = ("representations", "grant", "--importer", "Guangxi Fresh Fruit Trading Co.",
             "--broker", "Pingxiang Border Brokers Co.")  # fmt: skip
"""The durian example's broker lodges for its importer under the importer's authority."""


def test_the_examples_clear_through_the_node(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "80")  # the tables' width when piped
    db = ("--database", database_url)
    keys = tmp_path / "keys"
    for authority, country in (("TH-DFT", "TH"), ("MM-MOC", "MM")):
        code, _, err = cli(capsys, "keys", "generate", "--authority", authority, "--country",
                           country, "--out", keys)  # fmt: skip
        assert code == 0, err
    code, out, _ = cli(capsys, "keys", "trust-import", keys / "trust.json", *db)
    assert code == 0 and "2 added or updated" in out
    for request, key, name in (("durian-th.json", "TH-DFT", "durian"),
                               ("black-gram-mm.json", "MM-MOC", "beans")):  # fmt: skip
        cert = tmp_path / f"{name}.jws"
        code, _, err = cli(capsys, "co", "issue", EXAMPLES / "form-e" / request,
                           "--key", keys / f"{key}.key", "--out", cert)  # fmt: skip
        assert code == 0, err
        code, out, err = cli(capsys, "co", "receive", cert, *db)
        assert code == 0 and "stored" in out, err

    code, _, err = cli(capsys, *AUTHORITY, *db)
    assert code == 0, err
    code, out, err = cli(capsys, "declare", "submit",
                         EXAMPLES / "declarations" / "durian-youyiguan.json", *db,
                         "--idempotency-key", "truck-70-1234", "--wait", "--json")  # fmt: skip
    assert code == 0, err
    durian = json.loads(out)
    assert (durian["status"], durian["lane"]) == ("released", "green")
    assert durian["assessment"]["duty"] == "0.00" and durian["assessment"]["vat"] == "55080.00"
    assert durian["assessment"]["items"][0]["preference"] == "granted"
    code, out, _ = cli(capsys, "declare", "submit",
                       EXAMPLES / "declarations" / "durian-youyiguan.json", *db,
                       "--idempotency-key", "truck-70-1234", "--json")  # fmt: skip
    again = json.loads(out)
    assert again["id"] == durian["id"] and again["replayed"] is True

    code, out, _ = cli(capsys, "declare", "submit",
                       EXAMPLES / "declarations" / "black-gram-qingdao.json", *db, "--json",
                       "--wait")  # fmt: skip
    beans = json.loads(out)
    assert code == (0 if beans["status"] == "released" else 3)
    assert beans["assessment"]["items"][0]["preference"] == "granted with discrepancies"
    assert {f["code"] for f in beans["preference"]["findings"]} >= {
        "certificate.consignee_name_typo", "item.hs_detail"}  # fmt: skip

    if beans["status"] != "released":
        code, out, err = cli(capsys, "declare", "decide", beans["id"], "--action", "release",
                             "--officer", "Officer Wang (CNQIN)", "--note", "names checked",
                             *db, "--json")  # fmt: skip
        assert code == 0, err
        assert json.loads(out)["status"] == "released"
    code, out, _ = cli(capsys, "declare", "list", *db, "--json")
    page = json.loads(out)
    assert {d["id"] for d in page["items"]} == {durian["id"], beans["id"]}
    assert (page["total"], page["limit"], page["offset"]) == (2, 50, 0)
    code, out, _ = cli(capsys, "declare", "list", *db, "--limit", "1")
    assert code == 0 and "the newest 1 of 2; --limit shows more" in out
    assert all(text in out for text in (beans["id"], "CNQIN", "released", "Qingdao Harvest"))
    code, out, _ = cli(capsys, "declare", "show", durian["id"], *db)
    assert code == 0 and "GoodsReleased" in out

    code, out, _ = cli(capsys, "tokens", "create", "--role", "officer", "--party", "CNYYG", *db,
                       "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["token"].startswith("cafta_")
    code, out, _ = cli(capsys, "audit", "verify", *db, "--json")
    assert code == 0 and json.loads(out)["ok"] is True and json.loads(out)["entries"] >= 3


def test_a_declaration_citing_an_unknown_certificate_pays_mfn(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database_url: str
) -> None:
    code, _, err = cli(capsys, *AUTHORITY, "--database", database_url)
    assert code == 0, err
    code, out, err = cli(capsys, "declare", "submit",
                         EXAMPLES / "declarations" / "durian-youyiguan.json",
                         "--database", database_url, "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    item = data["assessment"]["items"][0]
    assert item["regime"] == "MFN" and item["duty"]["amount"] == "122400.00"
    assert "has been received" in item["preference"]
    assert data["lane"] != "green"  # a claim that falls is checked
