"""The dashboard over a node seeded by ``cafta demo seed``: who may see it, what it shows, its
filters, its languages, its charts (inline SVG within the Content-Security-Policy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from cafta import bootstrap
from cafta.adapters.storage.token_source import StoredTokens
from cafta.api.app import create_app
from cafta.cli.demo_seed import SeedReport, seed_node
from cafta.services.clearance import Lodge
from cafta.services.ports import DeclarationFilter, Principal, Role
from cafta.services.tokens import InMemoryTokenStore, issue_token
from cafta.web import charts
from cafta.web.app import portal_router
from cafta.web.settings import PortalSettings

from .conftest import NOW, SECRET, Page

Client = TestClient[Litestar]
SECTIONS = ["hours", "clearance", "lanes", "preference", "lines", "origins"]
CHARTS = ["hours", "clearance", "lanes", "lines", "origins"]


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, services: bootstrap.Services
) -> Iterator[tuple[bootstrap.Node, SeedReport, str]]:
    database = tmp_path_factory.mktemp("dashboard") / "cafta.db"
    node = bootstrap.open_node(services, f"sqlite:///{database}", upgrade=True, risk_seed=7)
    report = seed_node(node, services, seed=2026)
    with node.uow() as uow:
        gate = issue_token(uow.tokens, Role.GATE, "Youyiguan gate (demo)", NOW)
        uow.commit()
    yield node, report, gate
    node.close()


@pytest.fixture(scope="module")
def seeded_app(
    services: bootstrap.Services, seeded: tuple[bootstrap.Node, SeedReport, str]
) -> Litestar:
    node, _, _ = seeded
    tokens = StoredTokens(node.engine)
    settings = PortalSettings(secret=SECRET)
    portal = portal_router(
        services, tokens=tokens, trust=node.trust, settings=settings, clearance=node.clearance
    )
    return create_app(
        services, tokens=tokens, trust=node.trust, clearance=node.clearance, extra_routes=[portal]
    )


@pytest.fixture
def web(seeded_app: Litestar) -> Iterator[Client]:
    with TestClient(seeded_app) as test_client:
        yield test_client


@pytest.fixture
def analyst(web: Client, seeded: tuple[bootstrap.Node, SeedReport, str]) -> Client:
    web.cookies.set("cafta_token", seeded[1].tokens["analyst"][2])
    return web


def _page(response: object) -> Page:
    return Page.of(response.text)  # type: ignore[attr-defined]


def _section(html: str, key: str) -> str:
    found = re.search(rf'<section class="chart" aria-labelledby="{key}-title">(.*?)</section>',
                      html, re.S)  # fmt: skip
    assert found, f"no section {key}"
    return found.group(1)


def test_a_visitor_is_sent_to_sign_in(web: Client) -> None:
    response = web.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/dashboard"


@pytest.mark.parametrize("who", ["trader", "gate"])
def test_traders_and_gate_operators_are_refused(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport, str], who: str
) -> None:
    _, report, gate = seeded
    web.cookies.set("cafta_token", gate if who == "gate" else report.tokens["trader"][2])
    response = web.get("/dashboard")
    assert response.status_code == 403
    assert not _page(web.get("/")).all("a", href="/dashboard")  # not in their menu


@pytest.mark.parametrize("who", ["officer", "analyst"])
def test_officers_and_analysts_have_it_in_their_menu(
    web: Client, seeded: tuple[bootstrap.Node, SeedReport, str], who: str
) -> None:
    web.cookies.set("cafta_token", seeded[1].tokens[who][2])
    assert _page(web.get("/")).all("a", href="/dashboard")
    response = web.get("/dashboard")
    assert response.status_code == 200
    assert _page(response).all("a", href="/dashboard", **{"aria-current": "page"})


def test_the_dashboard_shows_every_figure_with_its_text_alternative(
    analyst: Client, seeded: tuple[bootstrap.Node, SeedReport, str]
) -> None:
    _, report, _ = seeded
    response = analyst.get("/dashboard")
    assert response.status_code == 200, response.text[:500]
    html, page = response.text, _page(response)
    assert page.title.startswith("Dashboard") and len(page.all("h1")) == 1
    assert "Synthetic demo data" in page.text  # the data is said to be made up
    assert f"Declarations lodged {report.declarations:,}" in page.text
    for name in ("Released", "Median clearance time", "Duty collected", "VAT collected",
                 "Duty saved by ACFTA"):  # fmt: skip
        assert name in page.text
    for key in SECTIONS:
        section = _section(html, key)
        assert f'<h2 id="{key}-title">' in section
        if key in CHARTS:  # a title, a sentence, the drawing and the data as a table
            assert f'<p id="{key}-summary">' in section
            assert 'role="img"' in section and "<svg " in section
            assert f'aria-labelledby="{key}-title {key}-summary"' in section
            assert "<details>" in section and "<table>" in section
    lanes = _section(html, "lanes")
    for lane, count in report.lanes.items():
        label = f"{lane.capitalize()} lane"
        assert re.search(rf"<th scope=\"row\">{label}</th><td class=\"num\">{count}</td>", lanes)
    assert "quota target" in lanes and "#f2c200" in lanes  # the yellow lane, in yellow
    assert "How the figures are counted" in page.text


def test_the_page_stays_within_its_content_security_policy(analyst: Client) -> None:
    response = analyst.get("/dashboard")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html, page = response.text, _page(response)
    assert "style=" not in html and "<style" not in html and "<script>" not in html
    ids = [a["id"] for _, a in page.elements if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique, SVG ones too"
    for tag, attrs in page.elements:
        for name in ("src", "href", "action", "data"):
            if not (tag == "a" and name == "href"):
                assert not re.match(r"^(https?:)?//", attrs.get(name, "")), (tag, attrs)
    labelled = {a["for"] for a in page.all("label")}
    fields = [a for t, a in page.elements if t in ("input", "select")
              and a.get("type") not in ("hidden", "submit")]  # fmt: skip
    assert fields and all(a["id"] in labelled for a in fields)


def test_one_office_and_ranking_by_count(
    analyst: Client, seeded: tuple[bootstrap.Node, SeedReport, str]
) -> None:
    _, report, _ = seeded
    page = _page(analyst.get("/dashboard", params={"office": "cnpxg", "rank": "count"}))
    assert "Declarations lodged at CNPXG" in page.text
    found = re.search(r"Declarations lodged ([\d,]+)", page.text)
    assert found is not None
    count = int(found.group(1).replace(",", ""))
    assert 0 < count < report.declarations
    assert "Top lines (HS) by number of items" in page.text
    assert page.all("input", name="office", value="CNPXG")
    assert page.all("option", value="count", selected="")


def test_a_period_without_declarations(analyst: Client) -> None:
    response = analyst.get("/dashboard", params={"first": "2020-01-01", "last": "2020-01-31"})
    assert response.status_code == 200
    assert "No declarations were lodged in this period." in _page(response).text
    assert "<svg" not in response.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"first": "2026-13-01"}, "first", "Enter a date as YYYY-MM-DD"),
        ({"office": "YOUYI GUAN"}, "office", "UN/LOCODE: five letters"),
        ({"first": "2026-06-02", "last": "2026-06-01"}, "last", "The last day is before"),
        ({"first": "2024-01-01", "last": "2026-06-01"}, "last", "one year at most"),
    ],
)
def test_wrong_filters_come_back_with_the_form(
    analyst: Client, params: dict[str, str], field: str, message: str
) -> None:
    response = analyst.get("/dashboard", params=params)
    assert response.status_code == 400
    page = _page(response)
    assert message in page.text and page.all("a", href=f"#f-{field}")
    assert page.all("input", id=f"f-{field}", **{"aria-invalid": "true"})
    assert "<svg" not in response.text


def test_in_chinese_and_in_vietnamese(analyst: Client) -> None:
    chinese = analyst.get("/dashboard", params={"lang": "zh"})
    assert _page(chinese).lang() == "zh-Hans"
    lanes = _section(chinese.text, "lanes")
    assert ">绿色通道<" in lanes and "配额目标" in lanes  # in the drawing and around it
    vietnamese = analyst.get("/dashboard", params={"lang": "vi"})
    page = _page(vietnamese)
    assert "Bảng tổng quan" in page.text and ">Luồng xanh<" in vietnamese.text
    assert re.search(r"\d{1,3}\.\d{3}\.\d{3},\d{2} CNY", page.text)  # 1.234.567,89 CNY
    assert re.search(r">\d{1,3}\.\d{3}\.\d{3}<", _section(vietnamese.text, "lines"))


def test_charts_are_drawn_once_then_come_from_the_cache(analyst: Client) -> None:
    analyst.get("/dashboard", params={"rank": "count"})
    hits = charts.CACHE.hits
    analyst.get("/dashboard", params={"rank": "count"})
    assert charts.CACHE.hits == hits + len(CHARTS)


def test_without_a_node_database_the_dashboard_is_unavailable(
    client: Client, tokens: InMemoryTokenStore
) -> None:
    client.cookies.set("cafta_token", issue_token(tokens, Role.ADMIN, "Risk analyst", NOW))
    response = client.get("/dashboard")
    assert response.status_code == 503


def test_figures_are_kept_for_the_interval_and_counted_again_after_it(
    services: bootstrap.Services, seeded: tuple[bootstrap.Node, SeedReport, str]
) -> None:
    node, report, _ = seeded
    tokens = StoredTokens(node.engine)

    def lodged_count(refresh: int) -> list[str]:
        settings = PortalSettings(secret=SECRET, dashboard_refresh=timedelta(seconds=refresh))
        portal = portal_router(services, tokens=tokens, settings=settings,
                               clearance=node.clearance)  # fmt: skip
        app = create_app(services, tokens=tokens, clearance=node.clearance,
                         extra_routes=[portal])  # fmt: skip
        counts = []
        with TestClient(app) as client:
            client.cookies.set("cafta_token", report.tokens["analyst"][2])
            for _ in range(2):
                page = _page(client.get("/dashboard"))
                assert "Counted at" in page.text
                counts.append(re.search(r"Declarations lodged (\d+)", page.text).group(1))  # type: ignore[union-attr]
                _lodge_one(node)
        return counts

    kept = lodged_count(60)  # the test clock stands still: both views fall in one minute
    assert kept[0] == kept[1]
    fresh = lodged_count(0)
    assert int(fresh[1]) == int(fresh[0]) + 1


def _lodge_one(node: bootstrap.Node) -> None:
    with node.uow(read_only=True) as uow:
        latest = uow.declarations.list(DeclarationFilter(limit=1))[0]
    node.clearance.lodge(Lodge(dict(latest.document["filed"]), Principal(Role.ADMIN, "test")))


# --- what the review found (each test failed before its fix) --------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"first": "9999-12-31", "last": "9999-12-31"}, "first"),
        ({"last": "0001-01-02"}, "last"),
        ({"first": "0001-01-01", "last": "0001-01-02"}, "first"),
        ({"first": "1999-12-31"}, "first"),
        ({"last": "2101-01-01"}, "last"),
    ],
)
def test_days_beyond_the_range_are_refused_next_to_their_field(
    analyst: Client, params: dict[str, str], field: str
) -> None:
    """Defect: these days overflowed while the period was worked out (a 500 page)."""
    response = analyst.get("/dashboard", params=params)
    assert response.status_code == 400
    page = _page(response)
    assert "Enter a day from 2000-01-01 to 2100-12-31." in page.text
    assert page.all("input", id=f"f-{field}", **{"aria-invalid": "true"})
    assert page.all("input", id="f-first", min="2000-01-01", max="2100-12-31")


def test_a_first_day_alone_keeps_the_default_last_day(analyst: Client) -> None:
    """The default first day is worked out only when none is given (it was worked out from
    the last day even when the first was given, and overflowed for 0001-01-02)."""
    response = analyst.get("/dashboard", params={"first": "2026-05-30"})
    assert response.status_code == 200
    assert _page(response).all("input", id="f-last", value="2026-06-01")  # the node's today
    # More than a year up to today: said next to the last day, not an error page.
    longest = analyst.get("/dashboard", params={"first": "2000-01-01"})
    assert longest.status_code == 400 and _page(longest).all("a", href="#f-last")


@pytest.mark.parametrize(("params", "field"), [({"rank": "bogus"}, "rank")])
def test_a_ranking_the_list_does_not_offer_is_refused(
    analyst: Client, params: dict[str, str], field: str
) -> None:
    """Defect: ``rank=bogus`` was read as "by customs value"."""
    response = analyst.get("/dashboard", params=params)
    assert response.status_code == 400
    page = _page(response)
    assert "There is no such choice: pick one from the list." in page.text
    assert page.all("select", id=f"f-{field}", **{"aria-invalid": "true"})
    assert page.all("a", href=f"#f-{field}")
