"""``cafta keys`` and ``cafta co``, run in-process: files written, JSON shapes, exit codes."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cafta import bootstrap
from cafta.cli.main import run

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def invoke(*argv: str | Path) -> tuple[int, str, str]:
        code = run([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def keys(cli: Cli, tmp_path: Path) -> Path:
    directory = tmp_path / "keys"
    code, out, _ = cli("keys", "generate", "--authority", "MM-MOC", "--country", "Myanmar",
                       "--out", directory, "--name", "Ministry of Commerce")  # fmt: skip
    assert code == 0, out
    return directory


def issue_file(cli: Cli, keys: Path, request: Path, out: Path) -> str:
    code, stdout, err = cli("co", "issue", request, "--key", keys / "MM-MOC.key", "--out", out,
                            "--json")  # fmt: skip
    assert code == 0, err
    return str(json.loads(stdout)["reference"])


def test_generate_writes_a_private_key_and_a_trust_list(
    cli: Cli, keys: Path, tmp_path: Path
) -> None:
    assert sorted(p.name for p in keys.iterdir()) == ["MM-MOC.key", "trust.json"]
    assert (keys / "MM-MOC.key").stat().st_mode & 0o077 == 0
    trust = json.loads((keys / "trust.json").read_text(encoding="utf-8"))
    assert trust["format"] == "cafta.trust-list/1"
    (authority,) = trust["authorities"]
    assert (authority["id"], authority["country"]) == ("MM-MOC", "MM")
    assert authority["keys"][0]["jwk"]["crv"] == "Ed25519"
    code, out, _ = cli("keys", "generate", "--authority", "VN-MOIT", "--country", "VN",
                       "--out", keys)  # fmt: skip
    assert code == 0 and "Added" in out
    trust = json.loads((keys / "trust.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in trust["authorities"]] == ["MM-MOC", "VN-MOIT"]
    code, _, err = cli("keys", "generate", "--authority", "MM-MOC", "--country", "MM",
                       "--out", keys)  # fmt: skip
    assert code == 2 and "already exists" in err and err.count("\n") == 1


def test_issue_then_verify_round_trip(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any],
    declaration_data: Callable[..., dict[str, Any]],
) -> None:  # fmt: skip
    request = write_json(tmp_path / "request.json", request_data)
    certificate = tmp_path / "cert.jws"
    reference = issue_file(cli, keys, request, certificate)
    assert reference.startswith("E2026MM-")
    assert certificate.read_text(encoding="ascii").count(".") == 2
    declaration = declaration_data(reference)
    declaration["importer"]["name"] = "Qingdao Harvest Food Co., Ltd"
    decl = write_json(tmp_path / "declaration.json", declaration)
    code, out, _ = cli("co", "verify", certificate, "--trust", keys / "trust.json",
                       "--declaration", decl, "--on", "2026-03-10", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "accepted_with_discrepancies"
    assert data["reference"] == reference and data["signature_checked"] is True
    assert {(f["code"], f["severity"]) for f in data["findings"]} == {
        ("certificate.consignee_name_typo", "minor"),
        ("item.hs_detail", "minor"),
    }
    assert {"code", "severity", "message", "item"} <= set(data["findings"][0])
    assert data["items"][0]["certificate_item"] == 1 and data["items"][0]["status"] == (
        "accepted_with_discrepancies"
    )
    code, out, _ = cli("co", "verify", certificate, "--trust", keys / "trust.json",
                       "--on", "2026-03-10")  # fmt: skip
    assert code == 0 and "ACCEPTED" in out and "Box 4: Preferential treatment given" in out


def test_verify_uses_todays_date_by_default(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any]
) -> None:
    certificate = tmp_path / "cert.jws"
    issue_file(cli, keys, write_json(tmp_path / "r.json", request_data), certificate)
    code, out, _ = cli("co", "verify", certificate, "--trust", keys / "trust.json", "--json")
    assert code == 0
    assert json.loads(out)["on"] == bootstrap.build().clock.today().isoformat()


def test_a_tampered_certificate_is_rejected(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any]
) -> None:
    certificate = tmp_path / "cert.jws"
    issue_file(cli, keys, write_json(tmp_path / "r.json", request_data), certificate)
    header, payload, signature = certificate.read_text(encoding="ascii").strip().split(".")
    document = json.loads(_unb64(payload))
    document["items"][0]["quantity"]["amount"] = "50000"  # the forger's change
    forged = f"{header}.{_b64(json.dumps(document).encode())}.{signature}"
    certificate.write_text(forged + "\n", encoding="ascii")
    args = ("co", "verify", certificate, "--trust", keys / "trust.json", "--on", "2026-03-10")
    code, out, _ = cli(*args, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "rejected" and data["signature_checked"] is False
    assert [f["code"] for f in data["findings"]] == ["certificate.bad_signature"]
    code, out, _ = cli(*args, "--strict")
    assert code == 3 and "REJECTED" in out


def _b64(data: bytes) -> str:
    import base64  # noqa: PLC0415

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    import base64  # noqa: PLC0415

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.json", '{"authority": "MM-MOC",\n "items": [}', "bad.json: not valid JSON (line 2"),
        ("bad.yaml", "authority: [MM-MOC\n", "bad.yaml: not valid YAML (line 2"),
    ],
)
def test_a_request_with_a_syntax_error_exits_2_with_one_line(
    cli: Cli, keys: Path, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    request = tmp_path / name
    request.write_text(text, encoding="utf-8")
    code, out, err = cli("co", "issue", request, "--key", keys / "MM-MOC.key",
                         "--out", tmp_path / "c.jws")  # fmt: skip
    assert code == 2 and out == ""
    assert err.startswith("error: ") and expected in err and err.count("\n") == 1
    assert not (tmp_path / "c.jws").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["items"][0]["quantity"].pop("amount"), "items[0].quantity.amount: missing"),
        (lambda r: r["items"][0].update(line="0713.3"), "items[0].line: HS code"),
        (lambda r: r["consignee"].update(country="XX"), "consignee.country: no country"),
        (lambda r: r["items"][0].update(criterion="RVC 45%", fob=None), "items[0].fob: missing"),
    ],
)
def test_a_request_with_a_bad_field_exits_2_naming_it(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any],
    change: Callable[[dict[str, Any]], object], field: str,
) -> None:  # fmt: skip
    request = copy.deepcopy(request_data)
    change(request)
    path = write_json(tmp_path / "request.json", request)
    code, _, err = cli("co", "issue", path, "--key", keys / "MM-MOC.key",
                       "--out", tmp_path / "c.jws")  # fmt: skip
    assert code == 2
    assert err.startswith(f"error: {path}: {field}") and err.count("\n") == 1, err


def test_a_yaml_request_is_accepted(cli: Cli, keys: Path, tmp_path: Path) -> None:
    request = tmp_path / "request.yaml"
    request.write_text(
        """\
authority: MM-MOC
exporting_party: MM
importing_party: CN
issue_date: 2026-03-02
exporter: {name: Golden Lotus Pulses Co., country: MM}
consignee: {name: "Qingdao Harvest Foods Co., Ltd.", country: CN}
invoice: {number: GLP-2026-031, date: 2026-03-01}
items:
  - line: "0713.31"
    description: Black gram (Vigna mungo), dried
    quantity: {amount: "25000", unit: kg}
    criterion: WO
    fob: {amount: "23750.00", currency: USD}
""",
        encoding="utf-8",
    )
    assert issue_file(cli, keys, request, tmp_path / "c.jws").startswith("E2026MM-")


def test_the_key_must_be_the_requests_authority(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any]
) -> None:
    request_data["authority"] = "MM-UMFCCI"
    request = write_json(tmp_path / "r.json", request_data)
    code, _, err = cli("co", "issue", request, "--key", keys / "MM-MOC.key",
                       "--out", tmp_path / "c.jws")  # fmt: skip
    assert code == 2 and "is the key of MM-MOC" in err
    (keys / "MM-MOC.key").rename(keys / "MM-UMFCCI.key")  # renamed, but trust.json knows better
    code, _, err = cli("co", "issue", request, "--key", keys / "MM-UMFCCI.key",
                       "--out", tmp_path / "c.jws")  # fmt: skip
    assert code == 2 and "lists this key under MM-MOC" in err


def test_show_prints_the_boxes_without_checking(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any]
) -> None:
    certificate = tmp_path / "cert.jws"
    reference = issue_file(cli, keys, write_json(tmp_path / "r.json", request_data), certificate)
    code, out, _ = cli("co", "show", certificate)
    assert code == 0
    assert f"Form E {reference}" in out and "NOT checked" in out
    assert "Box 1  Exporter:  Golden Lotus Pulses Co., MM" in out
    assert "0713.31.10" in out and "Box 13 no mark" in out
    code, out, _ = cli("co", "show", certificate, "--json")
    data = json.loads(out)
    assert data["signature_checked"] is False and data["certificate"]["reference"] == reference
    code, _, err = cli("co", "show", tmp_path / "missing.jws")
    assert code == 2 and "no certificate file" in err


def test_trust_lists_merge(cli: Cli, keys: Path, tmp_path: Path) -> None:
    other = tmp_path / "vn"
    assert (
        cli("keys", "generate", "--authority", "VN-MOIT", "--country", "VN", "--out", other)[0] == 0
    )
    merged = tmp_path / "cn-trust.json"
    code, out, _ = cli("keys", "trust-merge", keys / "trust.json", other / "trust.json",
                       "--out", merged, "--party", "CN")  # fmt: skip
    assert code == 0 and "2 authorities and 2 keys" in out
    data = json.loads(merged.read_text(encoding="utf-8"))
    assert data["party"] == "CN" and [a["id"] for a in data["authorities"]] == ["MM-MOC", "VN-MOIT"]
    bad = write_json(tmp_path / "bad.json", {"format": "cafta.trust-list/1", "authorities": [{}]})
    code, _, err = cli("keys", "trust-merge", bad, "--out", merged)
    assert code == 2 and "authorities[0].id: missing" in err


def test_every_command_shows_an_example(cli: Cli) -> None:
    for command in (
        ("co", "issue"),
        ("co", "verify"),
        ("keys", "generate"),
        ("keys", "trust-merge"),
    ):
        code, out, _ = cli(*command, "--help")
        assert code == 0 and "Example" in out, command
    assert '"authority": "MM-MOC"' in cli("co", "issue", "--help")[1]


def test_verify_with_an_unusable_file_exits_2_with_one_line(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any],
    declaration_data: Callable[..., dict[str, Any]],
) -> None:  # fmt: skip
    certificate = tmp_path / "cert.jws"
    reference = issue_file(cli, keys, write_json(tmp_path / "r.json", request_data), certificate)
    declaration = declaration_data(reference)
    del declaration["items"][0]["quantity"]
    decl = write_json(tmp_path / "decl.json", declaration)
    code, out, err = cli("co", "verify", certificate, "--trust", keys / "trust.json",
                         "--declaration", decl, "--on", "2026-03-10")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == f"error: {decl}: items[0].quantity: missing\n"
    code, _, err = cli("co", "verify", certificate, "--trust", tmp_path / "none.json")
    assert code == 2 and "no file at" in err and err.count("\n") == 1


def test_verify_honours_the_unconfirmed_settings(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    certificate = tmp_path / "cert.jws"
    issue_file(cli, keys, write_json(tmp_path / "r.json", request_data), certificate)
    args = ("co", "verify", certificate, "--trust", keys / "trust.json", "--on", "2027-09-01",
            "--json")  # fmt: skip
    code, out, _ = cli(*args)
    assert code == 0 and json.loads(out)["status"] == "rejected"  # 18 months after issue
    monkeypatch.setenv("CAFTA_FORM_E_VALIDITY_MONTHS", "24")
    code, out, _ = cli(*args)
    assert code == 0 and json.loads(out)["status"] == "accepted"
    monkeypatch.setenv("CAFTA_FORM_E_VALIDITY_MONTHS", "twelve")
    code, _, err = cli(*args)
    assert code == 2 and "CAFTA_FORM_E_VALIDITY_MONTHS=twelve is not a number" in err


def test_verify_judges_hs_differences_by_the_origin_rule_of_the_line(
    cli: Cli, keys: Path, tmp_path: Path, request_data: dict[str, Any],
    declaration_data: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    request_data["items"][0]["line"] = "0713.31"
    certificate = tmp_path / "cert.jws"
    reference = issue_file(cli, keys, write_json(tmp_path / "r.json", request_data), certificate)
    # Declared under 0713.39 (same heading): minor under the general rule (written at 4 digits),
    # substantive under a product-specific rule written at 6 digits (CTSH).
    decl = write_json(tmp_path / "d.json", declaration_data(reference, line="0713.39.90"))
    args = ("co", "verify", certificate, "--trust", keys / "trust.json", "--declaration", decl,
            "--on", "2026-03-10", "--json")  # fmt: skip
    code, out, _ = cli(*args)
    data = json.loads(out)
    assert code == 0 and data["status"] == "accepted_with_discrepancies"
    assert ("item.hs_detail", "minor") in {(f["code"], f["severity"]) for f in data["findings"]}
    psr = tmp_path / "psr.csv"
    psr.write_text(
        "scheme,lines,description,rule,text,valid_from,valid_to,status,reference\n"
        "ACFTA,0713,Dried legumes,CTSH,,2019-08-20,,official,test rule\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CAFTA_PSR_FILE", str(psr))
    code, out, _ = cli(*args)
    data = json.loads(out)
    assert code == 0 and data["status"] == "rejected"
    assert ("item.hs_mismatch", "substantive") in {
        (f["code"], f["severity"]) for f in data["findings"]
    }
