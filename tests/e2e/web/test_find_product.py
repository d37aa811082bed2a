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


# --- what the review found (each test failed before its fix) --------------------------------


def test_a_subheading_without_rates_says_so_in_the_results(
    client: TestClient[Litestar], page: Parse
) -> None:
    """Defect: the search showed 0810.60 for Thailand with nothing under it and no word why,
    where the subheading's own page says no rates are loaded."""
    parsed = page(client.get("/hs", params={"q": "durian", "destination": "TH"}))
    assert _codes(parsed)[0] == "081060"
    assert "No duty rates for this subheading are loaded for Thailand." in parsed.text
    vietnamese = page(client.get("/hs", params={"q": "durian", "destination": "TH", "lang": "vi"}))
    assert "Thái Lan" in vietnamese.text and vietnamese.all("p", class_="no-measures")


def test_an_importing_party_the_list_does_not_offer_is_refused(
    client: TestClient[Litestar], page: Parse
) -> None:
    """Defect: ``?destination=ZZ`` showed China's measures as if China had been chosen."""
    for path in ("/hs", "/hs/browse/081060"):
        response = client.get(path, params={"q": "durian", "destination": "ZZ"})
        assert response.status_code == 400, path
        parsed = page(response)
        assert parsed.all("select", name="destination")[0]["aria-invalid"] == "true"
        assert "There is no such choice: pick one from the list." in parsed.text
        assert "Measures in force for imports into China" not in parsed.text
    assert page(client.get("/hs", params={"q": "durian"})).all("option", value="CN", selected="")


def test_words_not_in_english_are_not_matched_by_chance(
    client: TestClient[Litestar], page: Parse
) -> None:
    """Defect: "sầu riêng" listed Sauces and Sausages, "榴莲" said "Nothing matches": the
    search works on the English words of the nomenclature, and now says so."""
    vietnamese = page(client.get("/hs", params={"q": "sầu riêng", "lang": "vi"}))
    assert not _codes(vietnamese)
    assert "Sauces" not in vietnamese.text and "Sausages" not in vietnamese.text
    assert vietnamese.all("div", id="not-english")
    assert "hãy mô tả hàng hóa bằng tiếng Anh" in vietnamese.text
    chinese = page(client.get("/hs", params={"q": "榴莲", "lang": "zh"}))
    assert "Nothing matches" not in chinese.text and "没有匹配" not in chinese.text
    assert "请用英文描述您的货品" in chinese.text
    assert _codes(page(client.get("/hs", params={"q": "durian"})))[0] == "081060"


def test_the_measures_title_stands_outside_the_tables_scroll_box(
    client: TestClient[Litestar], page: Parse
) -> None:
    """Defect: the table's caption scrolled with the table on a phone, cut off at the edge."""
    response = client.get("/hs", params={"q": "durian"})
    parsed = page(response)
    assert not parsed.all("caption")
    title = parsed.all("p", class_="table-title", id="measures-08106000")
    assert title and parsed.all("table", **{"aria-labelledby": "measures-08106000"})
    assert parsed.all("div", class_="table-wrap", role="region", tabindex="0")
    assert response.text.index('class="table-title"') < response.text.index('class="table-wrap"')
