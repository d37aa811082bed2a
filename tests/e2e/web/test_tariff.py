"""Tariff and duty: every regime side by side, the working, and the saving a Form E brings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

Parse = Callable[[Any], Any]
DURIAN = {
    "line": "0810.60",
    "origin": "TH",
    "destination": "CN",
    "value": "100000",
    "currency": "CNY",
    "on": "2026-06-01",
}


def _row(parsed: Any, heading: str) -> str:
    """The text of the regimes table's row that starts with ``heading``."""
    start = parsed.text.index(heading)
    return parsed.text[start : start + 80]


def test_durian_from_thailand_shows_mfn_and_acfta_side_by_side(
    client: TestClient[Litestar], page: Parse
) -> None:
    response = client.get("/tariff", params=DURIAN)
    assert response.status_code == 200, response.text[:500]
    parsed = page(response)
    assert parsed.all("th", scope="col"), "the regimes table has column headings"
    assert "Regime MFN rate Applied ACFTA rate" in parsed.text
    assert _row(parsed, "Duty rate").startswith("Duty rate 20% 0%")
    assert _row(parsed, "Proof of origin needed").startswith("Proof of origin needed None Form E")
    assert "Total duty and taxes 30,800.00 CNY 9,000.00 CNY" in parsed.text
    assert "A Form E would save 21,800.00 CNY on this consignment." in parsed.text
    assert "Most-favoured-nation duty 100,000.00 CNY × 20% 20% 20,000.00 CNY" in parsed.text
    assert "Goods from Thailand imported into China on Jun 1, 2026" in parsed.text


def test_with_a_form_e_the_acfta_rate_applies(client: TestClient[Litestar], page: Parse) -> None:
    parsed = page(client.get("/tariff", params={**DURIAN, "form_e": "1"}))
    assert "Regime MFN rate ACFTA rate Applied" in parsed.text
    assert "Your Form E saves 21,800.00 CNY on this consignment." in parsed.text
    assert parsed.all("input", name="form_e")[0].get("checked") is not None


def test_an_illustrative_rate_carries_its_label(client: TestClient[Litestar], page: Parse) -> None:
    params = {**DURIAN, "line": "1511.10", "origin": "MY"}
    parsed = page(client.get("/tariff", params=params))
    assert "Illustrative" in parsed.text
    assert parsed.all("span", class_="badge illustrative")


def test_missing_and_wrong_fields_are_shown_next_to_them(
    client: TestClient[Litestar], page: Parse
) -> None:
    params = {**DURIAN, "value": "", "currency": "XYZ", "origin": "Atlantis"}
    response = client.get("/tariff", params=params)
    assert response.status_code == 400
    parsed = page(response)
    for name in ("value", "currency", "origin"):
        field = parsed.all("input" if name == "value" else "select", name=name)[0]
        assert field.get("aria-invalid") == "true", name
        assert parsed.all("p", id=f"e-{name}"), name
    assert "Enter the value of the goods." in parsed.text
    assert "'XYZ' is not an ISO 4217 currency code" in parsed.text
    assert parsed.all("a", href="#f-value")  # the summary links to the field
    assert parsed.all("input", name="line")[0]["value"] == "0810.60"  # what was typed stays


def test_a_code_with_several_national_lines_offers_them(
    client: TestClient[Litestar], page: Parse
) -> None:
    parsed = page(client.get("/tariff", params={**DURIAN, "line": "8507.60", "origin": "VN"}))
    links = [a["href"] for a in parsed.all("a") if a.get("href", "").startswith("/tariff?")]
    assert any("line=85076000" in link for link in links), links
    assert "Choose a national line" in parsed.text


def test_no_rate_known_is_said_on_the_form(client: TestClient[Litestar], page: Parse) -> None:
    response = client.get("/tariff", params={**DURIAN, "line": "0101.21"})
    assert response.status_code == 404
    assert "no duty rate for 0101.21" in page(response).text


def test_a_link_that_picks_a_line_shows_the_form_filled_in_without_errors(
    client: TestClient[Litestar], page: Parse
) -> None:
    # The HS search links each national line here with only the line and the destination.
    response = client.get("/tariff", params={"line": "08106000", "destination": "CN"})
    assert response.status_code == 200, response.text[:500]
    parsed = page(response)
    assert parsed.all("input", name="line", value="08106000")
    assert not parsed.all("input", **{"aria-invalid": "true"})
    assert "Please check the form" not in parsed.text
    # The form sent with the value left out is a question: the missing field is said.
    sent = client.get("/tariff", params={"line": "08106000", "destination": "CN", "go": "1"})
    assert sent.status_code == 400
    assert page(sent).all("input", name="value", **{"aria-invalid": "true"})


# --- what the review found (each test failed before its fix) --------------------------------


def test_errors_give_the_portals_advice_not_the_command_lines(
    client: TestClient[Litestar], page: Parse
) -> None:
    """Defect: the messages told traders to run ``cafta tariff import FILE`` or ``cafta hs
    search``; the portal now says what to do on the portal, with a link to Find your product."""
    cases = [
        ({"line": "0101.21"}, 404, "has no duty rate for these goods on that day"),
        ({"line": "0810"}, 400, "Give one of its subheadings (such as 0810.10, 0810.20, 0810.30)"),
        ({"line": "0810.60", "destination": "TH"}, 404, "as loaded on this portal"),
        ({"line": "0810.60", "on": "2001-01-01"}, 404, "start on 2024-01-01: choose that day"),
        ({"line": "0100.99"}, 400, "look the goods up by their description"),
    ]
    for changes, status, advice in cases:
        response = client.get("/tariff", params={**DURIAN, **changes})
        assert response.status_code == status, (changes, response.text[:300])
        parsed = page(response)
        assert "cafta " not in parsed.text, changes
        assert advice in parsed.text, (changes, parsed.text[:1500])
    linked = page(client.get("/tariff", params={**DURIAN, "line": "0810"}))
    assert linked.all("a", href="/hs")
    vietnamese = page(client.get("/tariff", params={**DURIAN, "line": "0810", "lang": "vi"}))
    assert "Hãy nhập một phân nhóm của nó (ví dụ 0810.10, 0810.20, 0810.30)" in vietnamese.text


def test_an_importing_country_the_list_does_not_offer_is_refused(
    client: TestClient[Litestar], page: Parse
) -> None:
    """Defect: ``destination=US`` answered with the engine's advice to import a schedule."""
    response = client.get("/tariff", params={**DURIAN, "destination": "US"})
    assert response.status_code == 400
    parsed = page(response)
    assert parsed.all("select", name="destination")[0]["aria-invalid"] == "true"
    assert "There is no such choice: pick one from the list." in parsed.text


def test_the_working_is_written_the_pages_way(client: TestClient[Litestar], page: Parse) -> None:
    """Defect: "207,207.00 CNY × 0%" beside "207.207,00 CNY" on a Vietnamese page."""
    params = {**DURIAN, "value": "612.000,50", "currency": "CNY", "numbers": "vi", "lang": "vi"}
    parsed = page(client.get("/tariff", params=params))
    working = parsed.text[parsed.text.index("Cách tính từng bước") :]
    assert "612.000,50 CNY × 20%" in working and "612,000.50" not in working
    english = page(client.get("/tariff", params={**DURIAN, "value": "612000.5", "lang": "en"}))
    assert "612,000.50 CNY × 20%" in english.text
