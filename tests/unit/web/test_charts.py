"""Charts drawn on the server: SVG without inline style, ids scoped per chart, text escaped,
nothing fetched, numbers in the page's language, and each drawing kept in the cache."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cafta.web import charts
from cafta.web.i18n import LANGUAGES

ENGLISH, CHINESE, VIETNAMESE = LANGUAGES
LANES = [
    {"lane": "green", "label": "绿色通道", "share": 0.8, "target": 0.87, "text": "80.0%"},
    {"lane": "yellow", "label": "Luồng vàng", "share": 0.12, "target": 0.1, "text": "12.0%"},
    {"lane": "red", "label": "Red lane", "share": 0.08, "target": 0.03, "text": "8.0%"},
    {"lane": "blue", "label": "Blue lane", "share": 0.0, "target": 0.0, "text": "0.0%"},
]


def _lanes() -> dict[str, Any]:
    return charts.lane_bars(LANES, x_title="Share", description="lanes")


def test_the_svg_has_no_inline_style_and_refers_to_nothing_outside() -> None:
    svg = charts.render(_lanes(), ENGLISH, "chart-lanes")
    assert svg.startswith("<svg ") and 'aria-hidden="true"' in svg
    assert "style=" not in svg and "<style" not in svg
    assert not re.search(r"""(href|src)=["'](https?:)?//""", svg)
    assert "<script" not in svg and "<foreignObject" not in svg


def test_lanes_are_drawn_in_their_colours_beside_their_names() -> None:
    svg = charts.render(_lanes(), ENGLISH, "chart-lanes")
    for colour in charts.LANE_COLOURS.values():
        assert f'fill="{colour}"' in svg
    for row in LANES:
        assert f">{row['label']}<" in svg and f">{row['text']}<" in svg


def test_ids_are_scoped_to_their_chart() -> None:
    spec = {"data": {"values": [{"a": "x", "b": 1}]}, "mark": {"type": "bar", "clip": True},
            "encoding": {"x": {"field": "a", "type": "nominal"},
                         "y": {"field": "b", "type": "quantitative",
                               "scale": {"domain": [0, 0.5]}}}}  # fmt: skip
    svg = charts.render(spec, ENGLISH, "chart-one")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-one-") for i in ids)
    assert all(f"url(#{i})" in svg for i in ids)


def test_text_is_escaped() -> None:
    rows = [{"label": '<b onclick="x()">&', "amount": 3.0, "text": "3"}]
    svg = charts.render(charts.bars(rows, x_title="n", x_format=",d", description=""), ENGLISH, "e")
    assert "<b " not in svg and "&lt;b" in svg


def test_nothing_is_fetched() -> None:
    spec = {"data": {"url": "https://example.com/data.json"}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal"}}}  # fmt: skip
    with pytest.raises(ValueError, match="not allowed"):
        charts.render(spec, ENGLISH, "remote")


def test_numbers_follow_the_language() -> None:
    assert charts.format_locale(VIETNAMESE)["decimal"] == ","
    assert charts.format_locale(VIETNAMESE)["thousands"] == "."
    assert charts.format_locale(CHINESE)["thousands"] == ","
    rows = [{"label": "Việt Nam", "amount": 13040444.0, "text": "13.040.444"}]
    spec = charts.bars(rows, x_title="CNY", x_format=",.0f", description="")
    assert ">5.000.000<" in charts.render(spec, VIETNAMESE, "vi")
    assert ">5,000,000<" in charts.render(spec, ENGLISH, "en")


def test_a_chart_drawn_before_comes_from_the_cache() -> None:
    spec = charts.columns([{"label": "00", "count": 1}, {"label": "01", "count": 4}],
                          x_title="hour", y_title="n", description="cache")  # fmt: skip
    first = charts.render(spec, ENGLISH, "c")
    hits = charts.CACHE.hits
    assert charts.render(spec, ENGLISH, "c") is first
    assert charts.CACHE.hits == hits + 1
    assert charts.render(spec, VIETNAMESE, "c") is not first  # another language, another drawing


def test_the_cache_is_bounded() -> None:
    cache = charts._SvgCache(2)
    for key in ("a", "b", "c"):
        cache.put(key, key)
    assert cache.get("a") is None and cache.get("c") == "c"
    cache.get("b")
    cache.put("d", "d")
    assert cache.get("c") is None and cache.get("b") == "b"
