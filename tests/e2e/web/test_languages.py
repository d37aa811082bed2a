"""English, Simplified Chinese and Vietnamese: the switch, the browser's preference, and
catalogs that are complete and compiled."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from litestar import Litestar
from litestar.testing import TestClient

from cafta.web.i18n import LANGUAGES, negotiate

Parse = Callable[[Any], Any]
Token = Callable[[TestClient[Litestar], str], str]
WEB = Path(__file__).resolve().parents[3] / "src" / "cafta" / "web"
CATALOGS = [language.catalog for language in LANGUAGES if language.catalog]


def test_the_switch_gives_chinese_and_remembers_it(
    client: TestClient[Litestar], page: Parse
) -> None:
    first = client.get("/tariff", params={"lang": "zh"})
    parsed = page(first)
    assert parsed.lang() == "zh-Hans"
    assert "关税与税款" in parsed.text and "原产地证书（Form E）" in parsed.text
    assert "lang=zh" in first.headers["set-cookie"]
    again = page(client.get("/hs"))  # the cookie keeps the choice
    assert again.lang() == "zh-Hans" and "查找您的产品" in again.text


def test_the_switch_keeps_the_question_asked(client: TestClient[Litestar], page: Parse) -> None:
    parsed = page(client.get("/hs", params={"q": "durian"}))
    switch = [a["href"] for a in parsed.all("a", hreflang="vi")]
    assert switch == ["/hs?q=durian&lang=vi"]
    vietnamese = page(client.get(switch[0]))
    assert vietnamese.lang() == "vi" and "Kết quả cho “durian”" in vietnamese.text


def test_the_switch_on_a_result_page_leads_back_to_its_form(
    client: TestClient[Litestar], page: Parse, form_token: Token
) -> None:
    token = form_token(client, "/origin")
    result = page(
        client.post(
            "/origin/upload",
            data={"csrf_token": token},
            files={"bom_file": ("", b"", "application/octet-stream")},
        )
    )
    # Nothing was read (no file), so nothing is sent again: the switch leads to the form.
    switch = [a["href"] for a in result.all("a", hreflang="zh-Hans")]
    assert switch == ["/origin?lang=zh"]
    chinese = page(client.get(switch[0]))
    assert chinese.lang() == "zh-Hans" and "原产地检查" in chinese.text


@pytest.mark.parametrize(
    ("header", "tag", "phrase"),
    [
        ("vi-VN,vi;q=0.9,en;q=0.5", "vi", "Tìm sản phẩm của bạn"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "查找您的产品"),
        ("zh-Hans", "zh-Hans", "查找您的产品"),
        ("fr-FR,en;q=0.3", "en", "Find your product"),
        ("en;q=0.2,vi;q=0.8", "vi", "Tìm sản phẩm của bạn"),
    ],
)
def test_the_browser_language_is_used_when_none_was_chosen(
    client: TestClient[Litestar], page: Parse, header: str, tag: str, phrase: str
) -> None:
    parsed = page(client.get("/", headers={"Accept-Language": header}))
    assert parsed.lang() == tag and phrase in parsed.text


def test_the_chosen_language_wins_over_the_browsers(
    client: TestClient[Litestar], page: Parse
) -> None:
    client.get("/", params={"lang": "en"})
    parsed = page(client.get("/", headers={"Accept-Language": "vi"}))
    assert parsed.lang() == "en"


def test_a_duty_in_vietnamese_formats_numbers_and_says_what_stays_in_english(
    client: TestClient[Litestar], page: Parse
) -> None:
    params = {
        "line": "0810.60",
        "origin": "TH",
        "destination": "CN",
        "value": "100000",
        "currency": "CNY",
        "on": "2026-06-01",
        "lang": "vi",
    }
    parsed = page(client.get("/tariff", params=params))
    assert "Thuế suất MFN" in parsed.text and "Thuế suất ACFTA" in parsed.text
    assert "21.800,00 CNY" in parsed.text
    assert "Cách tính và căn cứ pháp lý được ghi bằng tiếng Anh." in parsed.text
    assert parsed.all("th", lang="en")  # the engine's labels are marked as English


def test_negotiation_ignores_weights_of_zero_and_junk() -> None:
    assert negotiate("vi;q=0, zh;q=0.5").code == "zh"
    assert negotiate(";;,*").code == "en"
    assert negotiate("zh-TW").code == "zh"


def _messages(catalog: Any) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("name", CATALOGS)
def test_the_compiled_catalog_matches_its_source(name: str) -> None:
    folder = WEB / "locale" / name / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        source = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    with (folder / "messages.mo").open("rb") as handle:
        shipped = read_mo(handle)
    assert _messages(shipped) == _messages(read_mo(compiled)), (
        "messages.mo is out of date: run pybabel compile -d src/cafta/web/locale"
    )


@pytest.mark.parametrize("name", CATALOGS)
def test_every_message_of_the_portal_is_translated(name: str) -> None:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "N_": None}
    wanted = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(WEB), method_map, options_map=options, keywords=keywords
        )
    }
    assert len(wanted) > 200
    with (WEB / "locale" / name / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == []
    for message in catalog:
        if not message.id:
            continue
        # Messages are %-formatted when shown: a lone % would break the page.
        assert "%" not in re.sub(r"%%|%\(\w+\)s", "", str(message.string)), message.id
        placeholders = sorted(set(_placeholders(str(message.id))))
        assert sorted(set(_placeholders(str(message.string)))) == placeholders, message.id


def _placeholders(text: str) -> list[str]:
    return [part.split(")s")[0] for part in text.split("%(")[1:]]
