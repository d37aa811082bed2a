"""Charts as SVG, drawn on the server from Vega-Lite specifications with ``vl-convert``.

The portal sends no charting script: each chart is a Vega-Lite spec built here, with every label
already translated and the numbers formatted for the page's language (a d3-format locale made
from Babel's symbols), and rendered to SVG by :func:`vl_convert.vegalite_to_svg` (Vega's own
renderer in an embedded JavaScript runtime, offline). The SVG goes into the page inline: it is
made of presentation attributes only, never ``style`` attributes or ``<style>`` elements (checked
here, since the Content-Security-Policy allows no inline style), element ids are prefixed per
chart so that several charts on one page never share one, and external data requests are refused
(``allowed_base_urls=[]``): nothing is fetched, the ``$schema`` URL is only a name.

Cost, measured on the development machine: the first conversion in a process starts the runtime
(about 0.3 s and 60 MB), each one after takes 10-30 ms. So :func:`warm_up` starts the runtime once
in a background thread when the portal is built, :func:`render` keeps the SVGs in a bounded LRU
cache keyed by the SHA-256 of the spec (the same data in the same language is drawn once), and
the page renders in a worker thread (``anyio.to_thread``), never on the event loop.

Colours: the lanes are drawn in their own colours (green, yellow, red, blue), always beside the
lane's name on the axis (state is never shown by colour alone), with a dark outline so that even
the yellow bar stands out from the page (WCAG 2.1, 1.4.11).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from babel import Locale

from cafta.web.i18n import Language

__all__ = [
    "LANE_COLOURS",
    "SCHEMA",
    "bars",
    "columns",
    "lane_bars",
    "render",
    "warm_up",
]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
"""The Vega-Lite schema a spec names (a name only: nothing fetches it)."""
INK = "#1b1f24"
BRAND = "#0c3b5e"
LANE_COLOURS = {"green": "#1a7f37", "yellow": "#f2c200", "red": "#c62828", "blue": "#1f5fbf"}
"""The lanes' colours, outlined in ink."""
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
"""Fonts with one set of metrics (Liberation Sans is Arial's, and what the server measures text
with), so labels take in the browser the room the layout gave them; other scripts (Chinese)
fall back to the browser's fonts."""
WIDTH = 560
_CACHE_SIZE = 128
_STYLE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*')|<style\b[^>]*>.*?</style>""", re.S)
_ID = re.compile(r"""\bid="([^"]+)\"""")


def _config() -> dict[str, Any]:
    return {
        "aria": False,
        "background": "#ffffff",
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": INK, "titleColor": INK,
                 "domainColor": INK, "tickColor": INK, "gridColor": "#d5dae0", "labelLimit": 220},
        "bar": {"stroke": INK, "strokeWidth": 1},
    }  # fmt: skip


@cache
def format_locale(language: Language) -> dict[str, Any]:
    """A d3-format locale with the symbols Babel gives for ``language``."""
    symbols = Locale.parse(language.locale).number_symbols["latn"]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", ""],
        "percent": symbols["percentSign"],
    }


def _spec(description: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA, "description": description, "width": WIDTH, "config": _config(),
            **body}  # fmt: skip


def columns(
    rows: Sequence[Mapping[str, Any]],
    *,
    x_title: str,
    y_title: str,
    description: str,
    label_angle: int = 0,
) -> dict[str, Any]:
    """Vertical bars, one per ``rows`` entry (``label``, ``count``), in the order given."""
    data = [{"label": r["label"], "count": r["count"], "order": i} for i, r in enumerate(rows)]
    return _spec(description, {
        "height": 220,
        "data": {"values": data},
        "mark": {"type": "bar", "color": BRAND},
        "encoding": {
            "x": {"field": "label", "type": "ordinal", "title": x_title,
                  "sort": {"field": "order"}, "axis": {"labelAngle": label_angle}},
            "y": {"field": "count", "type": "quantitative", "title": y_title,
                  "axis": {"format": ",d", "tickMinStep": 1}},
        },
    })  # fmt: skip


def bars(
    rows: Sequence[Mapping[str, Any]], *, x_title: str, x_format: str, description: str
) -> dict[str, Any]:
    """Horizontal bars, one per ``rows`` entry (``label``, ``amount``), longest first; each ends
    with its ``text``."""
    data = [{"label": r["label"], "amount": r["amount"], "text": r["text"], "order": i}
            for i, r in enumerate(rows)]  # fmt: skip
    y = {"field": "label", "type": "nominal", "title": None, "sort": {"field": "order"}}
    # Room on the right for the figure written after the longest bar.
    longest = max((float(r["amount"]) for r in rows), default=0.0) * 1.25 or 1.0
    x = {"field": "amount", "type": "quantitative", "title": x_title,
         "axis": {"format": x_format, "tickCount": 5},
         "scale": {"domain": [0, longest]}}  # fmt: skip
    return _spec(description, {
        "height": {"step": 26},
        "data": {"values": data},
        "encoding": {"y": y},
        "layer": [
            {"mark": {"type": "bar", "color": BRAND, "size": 18}, "encoding": {"x": x}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "color": INK, "fontSize": 12},
             "encoding": {"x": {"field": "amount", "type": "quantitative"},
                          "text": {"field": "text"}}},
        ],
    })  # fmt: skip


def lane_bars(
    rows: Sequence[Mapping[str, Any]], *, x_title: str, description: str
) -> dict[str, Any]:
    """Each lane's share (``lane`` key, ``label``, ``share``, ``target``, ``text``) as a bar in
    the lane's colour, its quota target as a dark tick across it, and the share written out."""
    data = [{**r, "end": max(r["share"], r["target"])} for r in rows]
    y = {"field": "label", "type": "nominal", "title": None,
         "sort": [r["label"] for r in rows]}  # fmt: skip
    share = {"field": "share", "type": "quantitative", "title": x_title,
             "scale": {"domain": [0, 1]}, "axis": {"format": ".0%", "tickCount": 5}}  # fmt: skip
    scale = {"domain": list(LANE_COLOURS), "range": list(LANE_COLOURS.values())}
    colour = {"field": "lane", "type": "nominal", "legend": None, "scale": scale}
    return _spec(description, {
        "height": {"step": 40},
        "data": {"values": data},
        "encoding": {"y": y},
        "layer": [
            {"mark": {"type": "bar", "size": 22}, "encoding": {"x": share, "color": colour}},
            {"mark": {"type": "tick", "color": INK, "opacity": 1, "thickness": 4, "size": 36,
                      "stroke": "#ffffff", "strokeWidth": 1},
             "encoding": {"x": {"field": "target", "type": "quantitative"}}},
            {"mark": {"type": "text", "align": "left", "dx": 6, "color": INK, "fontSize": 12},
             "encoding": {"x": {"field": "end", "type": "quantitative"},
                          "text": {"field": "text"}}},
        ],
    })  # fmt: skip


class _SvgCache:
    """SVGs by the hash of what was drawn, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._svgs: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> str | None:
        with self._lock:
            svg = self._svgs.get(key)
            if svg is None:
                self.misses += 1
                return None
            self._svgs.move_to_end(key)
            self.hits += 1
            return svg

    def put(self, key: str, svg: str) -> None:
        with self._lock:
            self._svgs[key] = svg
            self._svgs.move_to_end(key)
            while len(self._svgs) > self._size:
                self._svgs.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._svgs.clear()


CACHE = _SvgCache(_CACHE_SIZE)
"""The process's SVG cache (``CACHE.clear()`` empties it, for a cold measurement)."""
_started = threading.Event()
_starting = threading.Lock()


def _convert(spec: Mapping[str, Any], language: Language) -> str:
    import vl_convert  # noqa: PLC0415 - the native module and its runtime load on first use

    svg: str = vl_convert.vegalite_to_svg(
        dict(spec), allowed_base_urls=[], format_locale=format_locale(language)
    )
    return svg


def warm_up() -> None:
    """Start the rendering runtime in a background thread, once per process. A page that comes
    before it is ready waits inside ``vl_convert`` (which starts its runtime once, under a
    lock) rather than starting a second one."""
    with _starting:
        if _started.is_set():
            return
        _started.set()
    spec = {"mark": "point", "data": {"values": [{}]}}
    english = Language("en", "en", "en", "English")
    threading.Thread(
        target=_convert, args=(spec, english), name="cafta-charts-warm-up", daemon=True
    ).start()


def _scoped(svg: str, prefix: str) -> str:
    """``svg`` with no inline style and its ids (and the references to them) prefixed."""
    svg = _STYLE.sub("", svg)
    for name in set(_ID.findall(svg)):
        scoped = f"{prefix}-{name}"
        svg = svg.replace(f'id="{name}"', f'id="{scoped}"')
        svg = svg.replace(f"url(#{name})", f"url(#{scoped})").replace(f'"#{name}"', f'"#{scoped}"')
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def render(spec: Mapping[str, Any], language: Language, prefix: str) -> str:
    """``spec`` as inline SVG for a page in ``language`` (from the cache when drawn before);
    ``prefix`` scopes its element ids. Blocking: call it from a worker thread."""
    text = json.dumps({"spec": spec, "lang": language.code}, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{prefix}\n{text}".encode()).hexdigest()
    svg = CACHE.get(key)
    if svg is None:
        svg = _scoped(_convert(spec, language), prefix)
        CACHE.put(key, svg)
    return svg
