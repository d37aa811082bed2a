"""The engine endpoints answer with the figures the CLI gives (tests/unit/cli/test_cli.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from tests.e2e.api.conftest import DURIAN_DUTY

from cafta import bootstrap
from cafta.adapters.crypto import Ed25519Signer
from cafta.api.app import create_app
from cafta.certificates.issuance import issue
from cafta.services.tokens import InMemoryTokenStore

Example = Callable[[str], Any]
DURIAN = DURIAN_DUTY


def test_hs_search_ranks_durians_first(client: TestClient[Litestar], auth: dict[str, str]) -> None:
    response = client.get("/api/v1/hs/search", params={"q": "durian", "limit": 3}, headers=auth)
    assert response.status_code == 200
    data = response.json()
    assert (data["query"], data["edition"]) == ("durian", "HS 2022")
    assert 1 <= len(data["matches"]) <= 3
    first = data["matches"][0]
    assert (first["code"], first["formatted"], first["level"]) == ("081060", "0810.60", 6)
    assert "durians" in first["description"]


def test_tariff_lists_measures_and_best_rates(
    client: TestClient[Litestar], auth: dict[str, str]
) -> None:
    response = client.get(
        "/api/v1/tariff/0810.60",
        params={"origin": "TH", "destination": "CN", "on": "2026-06-01"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["query"], data["line"], data["on"]) == ("081060", "08106000", "2026-06-01")
    assert (data["origin"], data["importing_party"], data["status"]) == ("TH", "CN", "official")
    assert {o["regime"]: o["rate"] for o in data["options"]} == {"MFN": "20%", "ACFTA": "0%"}
    assert [t["duty"] for t in data["taxes"]] == ["9%"]
    assert {m["measure_type"] for m in data["measures"]} >= {"MFN", "ACFTA"}


def test_tariff_takes_country_names_and_defaults_to_today(
    client: TestClient[Litestar], auth: dict[str, str]
) -> None:
    response = client.get(
        "/api/v1/tariff/0810.60.00",
        params={"origin": "Thailand", "destination": "China"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["origin"], data["importing_party"], data["on"]) == ("TH", "CN", "2026-06-01")


def test_duty_for_durian_with_a_form_e(client: TestClient[Litestar], auth: dict[str, str]) -> None:
    response = client.post("/api/v1/duty", headers=auth, json={**DURIAN, "proofs": ["form-e"]})
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["regime"], data["currency"], data["status"]) == ("ACFTA", "CNY", "official")
    assert (data["customs_value"], data["duty"], data["vat"], data["total"]) == (
        "100000.00", "0.00", "9000.00", "9000.00",
    )  # fmt: skip
    assert data["saving"] == "21800.00"
    assert [s["step"] for s in data["steps"]] == ["customs_value", "duty", "vat", "total"]
    assert [a["regime"] for a in data["alternatives"]] == ["MFN"]
    assert data["alternatives"][0]["total"] == "30800.00"


def test_duty_without_a_proof_is_mfn(client: TestClient[Litestar], auth: dict[str, str]) -> None:
    data = client.post("/api/v1/duty", headers=auth, json=DURIAN).json()
    assert (data["regime"], data["duty"], data["vat"], data["total"]) == (
        "MFN", "20000.00", "10800.00", "30800.00",
    )  # fmt: skip


def test_duty_on_an_fob_value_adds_freight_and_insurance(
    client: TestClient[Litestar], auth: dict[str, str]
) -> None:
    body = {
        **DURIAN,
        "value": {"amount": "90000", "currency": "CNY"},
        "incoterm": "fob",
        "freight": {"amount": "5000", "currency": "CNY"},
        "proofs": ["Form-E"],
    }
    data = client.post("/api/v1/duty", headers=auth, json=body).json()
    # Insurance not declared: 0.3% of cost and freight (95,000.00) is 285.00.
    assert data["customs_value"] == "95285.00"
    assert [s["step"] for s in data["steps"]][:4] == [
        "value", "freight", "insurance", "customs_value",
    ]  # fmt: skip
    assert data["vat"] == "8575.65"


def test_origin_of_the_battery_pack(
    client: TestClient[Litestar], auth: dict[str, str], example: Example
) -> None:
    bom = example("bom-battery-pack.json")
    response = client.post("/api/v1/origin/assessments", headers=auth, json=bom)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["originating"] is True
    assert (data["criterion"], data["box8"], data["date"]) == ("RVC(40)", "RVC 70%", "2026-06-01")
    assert data["rvc"]["percent"] == "70" and data["rvc"]["met"] is True
    assert data["rvc"]["fob"] == {"amount": "1000.00", "currency": "USD"}
    assert data["product"] == {"line": "8507.60", "description": "Li-ion battery pack"}
    assert data["materials"][0]["value"] == {"amount": "300.00", "currency": "USD"}


def test_origin_on_a_given_day_and_a_failing_pack(
    client: TestClient[Litestar], auth: dict[str, str], example: Example
) -> None:
    bom = example("bom-battery-pack.json")
    bom["materials"][0]["value"]["amount"] = "690.00"
    data = client.post(
        "/api/v1/origin/assessments", headers=auth, json={**bom, "on": "2026-05-01"}
    ).json()
    assert data["date"] == "2026-05-01"
    assert data["originating"] is False and data["box8"] is None
    assert any("RVC 31% < 40%" in r for r in data["reasons"])


@pytest.fixture(scope="module")
def certificate(signer: Ed25519Signer, example: Example) -> tuple[str, str]:
    """The black gram Form E of docs/examples, signed: (reference, compact JWS)."""
    form, envelope = issue(example("form-e-request.json"), signer)
    return form.reference, envelope


def test_a_form_e_checked_against_a_declaration(
    client: TestClient[Litestar],
    auth: dict[str, str],
    example: Example,
    certificate: tuple[str, str],
) -> None:
    reference, envelope = certificate
    declaration = copy.deepcopy(example("form-e-declaration.json"))
    declaration["items"][0]["preference"]["certificate"] = reference
    body = {"certificate": envelope, "declaration": declaration, "on": "2026-03-10"}
    response = client.post("/api/v1/certificates/verifications", headers=auth, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["status"], data["reference"], data["on"]) == (
        "accepted_with_discrepancies", reference, "2026-03-10",
    )  # fmt: skip
    assert data["signature_checked"] is True
    assert data["certificate"] == {
        "authority": "MM-MOC",
        "exporting_party": "MM",
        "importing_party": "CN",
        "issue_date": "2026-03-02",
    }
    codes = {f["code"] for f in data["findings"]}
    assert "item.hs_detail" in codes
    assert [(i["certificate_item"], i["declaration_item"]) for i in data["items"]] == [(1, 1)]
    assert data["official_use"].startswith("Preferential treatment given")


def test_a_form_e_alone_is_accepted(
    client: TestClient[Litestar], auth: dict[str, str], certificate: tuple[str, str]
) -> None:
    _, envelope = certificate
    data = client.post(
        "/api/v1/certificates/verifications",
        headers=auth,
        json={"certificate": envelope, "on": "2026-03-10"},
    ).json()
    assert data["status"] == "accepted", data


def test_a_tampered_form_e_is_a_rejection_not_an_error(
    client: TestClient[Litestar], auth: dict[str, str], certificate: tuple[str, str]
) -> None:
    _, envelope = certificate
    header, payload, signature = envelope.split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    response = client.post(
        "/api/v1/certificates/verifications", headers=auth, json={"certificate": tampered}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "rejected" and data["signature_checked"] is False
    assert data["on"] == "2026-06-01"
    assert data["findings"][0]["code"] in ("certificate.bad_signature", "certificate.malformed")


def test_without_a_trust_list_every_form_e_is_untrusted(
    services: bootstrap.Services,
    tokens: InMemoryTokenStore,
    auth: dict[str, str],
    certificate: tuple[str, str],
) -> None:
    _, envelope = certificate
    with TestClient(create_app(services, tokens=tokens)) as client:
        response = client.post(
            "/api/v1/certificates/verifications",
            headers=auth,
            json={"certificate": envelope, "on": "2026-03-10"},
        )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "rejected"
    assert [f["code"] for f in data["findings"]] == ["certificate.untrusted_key"]
