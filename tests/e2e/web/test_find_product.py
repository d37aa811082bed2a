"""Find your product: ranked HS search and the section → chapter → heading → subheading tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

Parse = Callable[[Any], Any]


def _codes(parsed: Any) -> list[str]:
    return [a["href"].split("?")[0].rsplit("/", 1)[1] for a in parsed.all("a", class_="code")]


def test_durian_ranks_0810_60_first_with_its_measures(
    client: TestClient[Litestar], page: Parse
) -> None:
    parsed = page(client.get("/hs", params={"q": "durian"}))
    assert _codes(parsed)[0] == "081060"
    text = parsed.text
    assert "0810.60 Subheading Fruit, edible; durians, fresh" in text
    assert "Measures in force for imports into China" in text
    assert "MFN rate All origins 20%" in text
    assert "ACFTA rate ACFTA parties 0% Form E" in text
    assert parsed.all("a", href="/tariff?line=08106000&destination=CN")


def test_a_code_finds_itself_then_what_is_below_it(
    client: TestClient[Litestar], page: Parse
) -> None:
    codes = _codes(page(client.get("/hs", params={"q": "0810"})))
    assert codes[0] == "0810" and "081060" in codes


def test_nothing_found_says_so(client: TestClient[Litestar], page: Parse) -> None:
    parsed = page(client.get("/hs", params={"q": "qwertyuiop"}))
    assert "Nothing matches" in parsed.text


def test_a_query_too_long_is_shown_next_to_the_field(
    client: TestClient[Litestar], page: Parse
) -> None:
    response = client.get("/hs", params={"q": "durian " * 40})
    assert response.status_code == 400
    parsed = page(response)
    assert parsed.all("input", name="q")[0]["aria-invalid"] == "true"
    assert "Use at most 200 characters." in parsed.text


def test_the_tree_lists_the_21_sections_and_their_chapters(
    client: TestClient[Litestar], page: Parse
) -> None:
    parsed = page(client.get("/hs/browse"))
    assert len(parsed.all("details")) == 21
    assert parsed.all("a", href="/hs/browse/08")
    assert "Section II Vegetable products" in parsed.text


def test_a_heading_shows_its_place_its_subheadings_and_their_measures(
    client: TestClient[Litestar], page: Parse
) -> None:
    parsed = page(client.get("/hs/browse/0810"))
    crumbs = [a["href"] for a in parsed.all("a") if a.get("href", "").startswith("/hs/browse")]
    assert "/hs/browse/08?destination=CN" in crumbs
    assert "081060" in _codes(parsed)
    assert "MFN rate All origins 20%" in parsed.text


def test_a_subheading_shows_its_measures_for_the_party_chosen(
    client: TestClient[Litestar], page: Parse
) -> None:
    china = page(client.get("/hs/browse/081060"))
    assert "Tariff measures" in china.text and "20%" in china.text
    vietnam = page(client.get("/hs/browse/081060", params={"destination": "VN"}))
    assert "No duty rates for this subheading are loaded for Vietnam" in vietnam.text
