"""Every page renders as accessible, self-contained HTML with the portal's security headers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

Parse = Callable[[Any], Any]
PAGES = [
    "/",
    "/hs",
    "/hs?q=durian",
    "/hs/browse",
    "/hs/browse/08",
    "/hs/browse/0810",
    "/hs/browse/081060",
    "/tariff",
    "/tariff?line=0810.60&origin=TH&destination=CN&value=100000&currency=CNY&on=2026-06-01",
    "/origin",
    "/certificates",
    "/signin",
]
FIELDS = ("input", "select", "textarea")
NOT_LABELLED = ("hidden", "submit", "button", "reset", "image")
STATIC = Path(__file__).resolve().parents[3] / "src" / "cafta" / "web" / "static"


def _unlabelled(page: Any) -> list[str]:
    labelled = {a["for"] for a in page.all("label") if a.get("for")}
    missing = []
    for tag, attrs in page.elements:
        if tag not in FIELDS or attrs.get("type") in NOT_LABELLED:
            continue
        if attrs.get("id") not in labelled and not attrs.get("aria-label"):
            missing.append(f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>")
    return missing


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_with_a_label_for_every_field(
    client: TestClient[Litestar], page: Parse, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    parsed = page(response)
    assert parsed.lang() == "en"
    assert parsed.title.endswith("CAFTA Smart Port") and len(parsed.title) > len("· CAFTA")
    assert parsed.all("main", id="main") and parsed.all("a", href="#main")  # the skip link
    assert _unlabelled(parsed) == []
    ids = [a["id"] for _, a in parsed.elements if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique"
    assert len(parsed.all("h1")) == 1


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_site(
    client: TestClient[Litestar], page: Parse, path: str
) -> None:
    parsed = page(client.get(path))
    for tag, attrs in parsed.elements:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name, "")
            if tag == "a" and name == "href":
                continue  # links may lead anywhere; only what the page loads matters
            assert not re.match(r"^(https?:)?//", value), f"<{tag} {name}={value!r}>"
    assert "style=" not in parsed.html, "inline styles would break the CSP"
    scripts = parsed.all("script")
    assert scripts and all(s.get("src", "").startswith("/static/") for s in scripts)


def test_static_files_are_served_and_refer_to_nothing_outside(
    client: TestClient[Litestar],
) -> None:
    css = client.get("/static/portal.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text and ":focus-visible" in css.text
    js = client.get("/static/portal.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    for path in STATIC.iterdir():
        # An SVG's namespace is a name, not an address anything is loaded from.
        text = path.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path.name
        assert "@import" not in text and "http://" not in text and "https://" not in text


@pytest.mark.parametrize("path", ["/", "/hs?q=durian", "/static/portal.css", "/hs/browse/0199"])
def test_security_headers_on_pages_files_and_errors(
    client: TestClient[Litestar], path: str
) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_are_not_kept_by_shared_caches(client: TestClient[Litestar]) -> None:
    response = client.get("/tariff")
    assert response.headers["cache-control"] == "no-store"
    assert "Accept-Language" in response.headers["vary"]


def test_the_page_escapes_what_the_visitor_typed(client: TestClient[Litestar], page: Parse) -> None:
    attack = '<script>alert("x")</script>'
    response = client.get("/hs", params={"q": attack})
    assert response.status_code == 200
    assert attack not in response.text
    assert "&lt;script&gt;" in response.text
    assert len(page(response).all("script")) == 1  # the portal's own, only
    tariff = client.get("/tariff", params={"line": '"><script>x</script>', "origin": "TH"})
    assert "<script>x</script>" not in tariff.text


def test_an_unknown_code_is_a_404_page_in_the_visitors_language(
    client: TestClient[Litestar], page: Parse
) -> None:
    response = client.get("/hs/browse/0199", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    parsed = page(response)
    assert parsed.lang() == "vi"
    assert "Không tìm thấy trang" in parsed.text
    assert "HS code 0199 is not a code" in parsed.text  # the engine's own words, in English


def test_a_malformed_code_is_a_400_page(client: TestClient[Litestar], page: Parse) -> None:
    response = client.get("/hs/browse/zz")
    assert response.status_code == 400
    assert "The request cannot be read" in page(response).text


def test_a_missing_static_file_is_a_404_page(client: TestClient[Litestar], page: Parse) -> None:
    response = client.get("/static/nothing.css")
    assert response.status_code == 404
    assert "Page not found" in page(response).text


def test_an_address_the_portal_does_not_have_is_its_404_page_for_a_browser(
    client: TestClient[Litestar], page: Parse
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "vi"}
    for path in ("/nothing", "/declaration", "/nothing/at/all"):
        response = client.get(path, headers=browser)
        assert response.status_code == 404, path
        parsed = page(response)
        assert parsed.lang() == "vi" and "Không tìm thấy trang" in parsed.text
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.post("/nothing", headers=browser).status_code == 404
    # Other clients, and anything under /api, keep the application's problem details.
    for path, accept in (("/nothing", "*/*"), ("/nothing", "application/json"),
                         ("/api/v1/nothing", "text/html"), ("/api", "text/html")):  # fmt: skip
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json"), path
        assert response.json()["code"] == "http.not_found"
    refused = client.delete("/nothing")
    assert refused.status_code == 404 and refused.json()["code"] == "http.not_found"


def test_an_engine_message_and_its_hint_read_as_two_sentences(
    client: TestClient[Litestar], page: Parse
) -> None:
    params = {"line": "9999.99", "origin": "TH", "destination": "CN", "value": "100", "go": "1"}
    parsed = page(client.get("/tariff", params=params))
    assert "(the HS ends at chapter 97). Check the first two digits" in parsed.text


def test_long_messages_wrap_inside_their_row(client: TestClient[Litestar]) -> None:
    css = client.get("/static/portal.css").text
    assert ".row-grid > * { min-width: 0; }" in css
    wrapping = next(rule for rule in css.split("}") if "overflow-wrap: anywhere" in rule)
    assert ".field-error" in wrapping and ".error-summary li" in wrapping


def test_the_api_keeps_its_own_routes_and_documents(client: TestClient[Litestar]) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/api/v1/hs/search", params={"q": "durian"}).status_code == 401
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert all(p.startswith("/api/v1") or p == "/healthz" for p in paths), sorted(paths)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ink", "paper"),
        ("muted", "paper"),
        ("muted", "wash"),
        ("link", "paper"),
        ("link", "wash"),
        ("link-visited", "paper"),
        ("error", "paper"),
        ("good-ink", "good-wash"),
        ("warn-ink", "warn-wash"),
        ("bad-ink", "bad-wash"),
        ("paper", "brand"),
        ("focus", "brand"),
    ],
)
def test_colours_meet_wcag_aa_contrast(text: str, background: str) -> None:
    css = (STATIC / "portal.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6});", css))
    assert _contrast(colours[text], colours[background]) >= 4.5
