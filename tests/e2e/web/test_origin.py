"""Origin check: the bill of materials typed in (rows added and removed without script) or
uploaded, and the evidence as a printable report."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from cafta.web.bom_form import MAX_ROWS

Parse = Callable[[Any], Any]
Token = Callable[[TestClient[Litestar], str], str]
Example = Callable[[str], Any]

BATTERY_PACK = {
    "exporting_party": "VN",
    "importing_party": "CN",
    "product_line": "8507.60",
    "product_description": "Li-ion battery pack",
    "fob": "1000.00",
    "currency": "USD",
    "on": "2026-06-01",
    "m-0-description": "cells",
    "m-0-line": "8507.90",
    "m-0-origin": "KR",
    "m-0-value": "300.00",
}


def _as_posted(data: dict[str, str], rows: int = 5) -> dict[str, str]:
    """``data`` with the blank rows a browser posts along with the filled ones."""
    blank = {
        f"m-{n}-{name}": ""
        for n in range(rows)
        for name in ("description", "line", "origin", "value")
    }
    return {**blank, **data}


def _rows(parsed: Any) -> list[str]:
    return [a["data-row"] for a in parsed.all("fieldset", class_="material-row")]


def _shows_the_battery_pack_decision(parsed: Any) -> None:
    text = parsed.text
    assert "Origin evidence report" in text
    assert "Originating under ACFTA" in text
    assert "Box 8 of the Form E RVC 70%" in text
    assert "Criterion met RVC(40)" in text
    assert "RVC RVC 70% (threshold 40%) Yes" in text
    assert "(1,000.00 − 300.00) / 1,000.00 × 100 = 70%" in text  # written the page's way
    assert "cells 8507.90 KR CTH No material 8507.90 (KR) is in the same heading 8507" in text
    assert parsed.all("button", **{"data-print": ""})  # shown by the script, for printing


def test_the_battery_pack_uploaded_is_originating_by_rvc(
    client: TestClient[Litestar], page: Parse, form_token: Token, example: Example
) -> None:
    token = form_token(client, "/origin")
    bom = json.dumps(example("bom-battery-pack.json")).encode()
    response = client.post(
        "/origin/upload",
        data={"csrf_token": token},
        files={"bom_file": ("bom-battery-pack.json", bom, "application/json")},
    )
    assert response.status_code == 200, response.text[:500]
    _shows_the_battery_pack_decision(page(response))


def test_a_yaml_file_is_read_too(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    yaml_text = (
        "scheme: ACFTA\nexporting_party: VN\nimporting_party: CN\n"
        "product: {line: '8507.60', description: Li-ion battery pack,"
        " fob: {amount: '1000.00', currency: USD}}\n"
        "materials:\n- {description: cells, line: '8507.90', origin: KR,"
        " value: {amount: '300.00', currency: USD}, originating: false}\n"
    )
    response = client.post(
        "/origin/upload",
        data={"csrf_token": token, "upload_on": "2026-06-01"},
        files={"bom_file": ("bom.yaml", yaml_text.encode(), "application/yaml")},
    )
    assert response.status_code == 200, response.text[:500]
    assert "RVC 70%" in page(response).text


def test_the_battery_pack_typed_in_gives_the_same_decision(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    response = client.post(
        "/origin", data={**BATTERY_PACK, "csrf_token": token, "action": "assess"}
    )
    assert response.status_code == 200, response.text[:500]
    parsed = page(response)
    _shows_the_battery_pack_decision(parsed)
    assert parsed.all("input", name="m-0-description")[0]["value"] == "cells"


def test_an_uploaded_file_with_a_mistake_names_the_field(
    client: TestClient[Litestar], page: Parse, form_token: Token, example: Example
) -> None:
    token = form_token(client, "/origin")
    bom = example("bom-battery-pack.json")
    del bom["materials"][0]["value"]["amount"]
    response = client.post(
        "/origin/upload",
        data={"csrf_token": token},
        files={"bom_file": ("bom.json", json.dumps(bom).encode(), "application/json")},
    )
    assert response.status_code == 400
    assert "materials[0].value.amount: missing" in page(response).text


def test_no_file_chosen_is_said_next_to_the_field(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    response = client.post(
        "/origin/upload",
        data={"csrf_token": token},
        files={"bom_file": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "Choose a BOM file (JSON or YAML) to upload." in page(response).text


def test_rows_are_added_and_removed_without_script(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    assert _rows(page(client.get("/origin"))) == ["0", "1", "2", "3", "4"]
    posted = _as_posted({**BATTERY_PACK, "csrf_token": token, "action": "add_rows"})
    added = page(client.post("/origin", data=posted))
    assert len(_rows(added)) == 10
    assert "Origin evidence report" not in added.text  # adding rows decides nothing
    two = {
        **BATTERY_PACK,
        "m-1-description": "casing",
        "m-1-value": "50.00",
        "csrf_token": token,
        "remove": "0",
    }
    removed = page(client.post("/origin", data=_as_posted(two)))
    assert _rows(removed) == ["0", "1", "2", "3"]
    assert removed.all("input", name="m-0-description")[0]["value"] == "casing"


def test_rows_numbered_with_gaps_are_read_in_order(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    """The script removes rows in the page, leaving gaps in the numbers."""
    token = form_token(client, "/origin")
    data = {**BATTERY_PACK, "csrf_token": token, "action": "assess"}
    for key in [k for k in data if k.startswith("m-0-")]:
        data[key.replace("m-0-", "m-7-")] = data.pop(key)
    parsed = page(client.post("/origin", data=data))
    assert "RVC 70%" in parsed.text


def test_the_rows_are_capped(client: TestClient[Litestar], page: Parse, form_token: Token) -> None:
    token = form_token(client, "/origin")
    data = {"csrf_token": token, "action": "add_rows"}
    data.update({f"m-{n}-description": f"part {n}" for n in range(MAX_ROWS + 20)})
    assert len(_rows(page(client.post("/origin", data=data)))) == MAX_ROWS


def test_missing_and_wrong_fields_are_shown_next_to_them(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    data = {
        **BATTERY_PACK,
        "fob": "",
        "m-0-value": "",
        "m-1-description": "casing",
        "m-1-value": "50",
        "m-1-origin": "Atlantis",
        "csrf_token": token,
        "action": "assess",
    }
    response = client.post("/origin", data=data)
    assert response.status_code == 400
    parsed = page(response)
    assert parsed.all("input", name="fob")[0]["aria-invalid"] == "true"
    assert parsed.all("input", name="m-0-value")[0]["aria-invalid"] == "true"
    assert "Material 1: Value" in parsed.text
    fixed = {**data, "fob": "1000.00", "m-0-value": "300.00"}
    parsed = page(client.post("/origin", data=fixed))
    assert parsed.all("input", name="m-1-origin")[0]["aria-invalid"] == "true"
    assert "no country is known as 'Atlantis'" in parsed.text


def test_the_report_prints_without_the_menu_and_forms(client: TestClient[Litestar]) -> None:
    css = client.get("/static/portal.css").text
    print_rules = css[css.index("@media print") :]
    for hidden in (".site-header", ".site-footer", ".no-print", "form"):
        assert hidden in print_rules.split("}")[0]


def test_every_amount_of_the_report_has_its_currencys_decimals(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    """Defect: "3,000 USD" beside "2,500.50 USD" and "10,000.00 USD" in the report."""
    token = form_token(client, "/origin")
    data = _as_posted({**BATTERY_PACK, "fob": "10000", "m-0-value": "3000",
                       "m-1-description": "case", "m-1-line": "3926.90", "m-1-origin": "CN",
                       "m-1-value": "2500.5", "csrf_token": token, "action": "assess",
                       "lang": "en"})  # fmt: skip
    response = client.post("/origin", data=data)
    assert response.status_code == 200, response.text[:500]
    text = page(response).text
    assert "FOB value 10,000.00 USD" in text
    assert "3,000.00 USD" in text and "2,500.50 USD" in text
    assert "3,000 USD" not in text and "10,000 USD" not in text
