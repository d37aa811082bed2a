"""``/dashboard``: what the declarations lodged over some days show, for officers and analysts.

Customs officers and administrators (the analyst signs in as an administrator) see, for the
declarations lodged at an office (or every office) from a first to a last day: declarations per
hour of the day, the clearance time from lodging to release, each lane's share against its quota
target, the use of ACFTA preferences and the duty they saved, and the lines and origins declared.
The figures come from :mod:`cafta.services.dashboard`; the charts are SVG drawn on the server
(:mod:`cafta.web.charts`), each with its title, a sentence saying what it shows, and its data as
a table. The filters are a GET form, so a dashboard can be bookmarked and needs no script.
Traders, brokers and gate operators get 403; visitors who have not signed in are sent to sign in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from anyio import to_thread
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent
from litestar import Response, get
from litestar.response import Redirect
from markupsafe import Markup

from cafta.clearance.lifecycle import Lane
from cafta.core.errors import InvalidInput
from cafta.identifiers import hs, locode
from cafta.services.clearance import Clearance
from cafta.services.dashboard import (
    Dashboard,
    Period,
    Ranked,
    TariffMargins,
    quotas_of,
    read_dashboard,
    top,
)
from cafta.services.ports import Principal, Role
from cafta.web import charts
from cafta.web.access import admitted
from cafta.web.context import portal_of
from cafta.web.forms import BAD_OFFICE, NO_SUCH_CHOICE, Errors, Message, own, text_of
from cafta.web.i18n import N_, Language, translations
from cafta.web.rendering import AnyRequest, language_of, page

__all__ = ["dashboard"]

_VIEWERS = frozenset({Role.OFFICER, Role.ADMIN})
_NOT_ALLOWED = "the dashboard is for customs officers and administrators"
_DEFAULT_DAYS = 7
_TOP = 10
RANKS = {"value": N_("customs value"), "count": N_("number of items")}
FIELDS = {
    "office": N_("Office (UN/LOCODE)"),
    "first": N_("First day"),
    "last": N_("Last day"),
    "rank": N_("Rank lines and origins by"),
}
_BAD_DATE = N_("Enter a date as YYYY-MM-DD, e.g. 2026-06-01.")
_OUT_OF_RANGE = N_("Enter a day from %(first)s to %(last)s.")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
"""The days a dashboard may cover. Customs declarations of this system are from the 2020s; the
bounds leave room both ways and keep every day the period works out (the midnight after its
last, a default first day a week before) within what dates can hold: ``9999-12-31`` overflowed.
"""
_BACKWARDS = N_("The last day is before the first.")
_TOO_LONG = N_("Choose a period of one year at most.")
LANES = {
    Lane.GREEN: N_("Green lane"),
    Lane.YELLOW: N_("Yellow lane"),
    Lane.RED: N_("Red lane"),
    Lane.BLUE: N_("Blue lane"),
}
_RANKING_TITLES = {
    ("lines", "value"): N_("Top lines (HS) by customs value"),
    ("lines", "count"): N_("Top lines (HS) by number of items"),
    ("origins", "value"): N_("Top origins by customs value"),
    ("origins", "count"): N_("Top origins by number of items"),
}


async def _viewer(request: AnyRequest) -> Principal | Redirect:
    return await admitted(request, _VIEWERS, _NOT_ALLOWED)


def _day(text: str, name: str, errors: Errors) -> date | None:
    """The day typed in the field ``name`` (``None``: empty, or wrong and said in ``errors``)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = own(_BAD_DATE)
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        values = {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        errors[name] = Message(_OUT_OF_RANGE, values=values)
        return None
    return day


def _query(
    request: AnyRequest, clearance: Clearance
) -> tuple[dict[str, str], Period | None, Errors]:
    """The form's values as typed, the period they ask for (``None`` when invalid), errors."""
    params = request.query_params
    now = clearance.clock.now()
    today = now.date()
    form = {
        "office": text_of(params, "office", 20).replace(" ", "").upper(),
        "first": text_of(params, "first", 20),
        "last": text_of(params, "last", 20),
        "rank": text_of(params, "rank", 10) or "value",
    }
    errors: Errors = {}
    if form["office"] and not locode.is_valid(form["office"]):
        errors["office"] = own(BAD_OFFICE)
    if form["rank"] not in RANKS:
        errors["rank"] = own(NO_SUCH_CHOICE)
    first = _day(form["first"], "first", errors)
    last = _day(form["last"], "last", errors)
    if errors:
        return form, None, errors
    # The defaults only for a day not given: the last, today; the first, a week before the last
    # (never before the first day a dashboard covers).
    last = last or max(today, first or today)
    first = first or max(last - timedelta(days=_DEFAULT_DAYS - 1), FIRST_DAY)
    form["first"], form["last"] = first.isoformat(), last.isoformat()
    assert now.tzinfo is not None  # the clock is time-zone aware
    try:
        period = Period(first, last, now.tzinfo, locode.compact(form["office"]) or None)
    except InvalidInput:
        errors["last"] = own(_BACKWARDS if last < first else _TOO_LONG)
        return form, None, errors
    return form, period, errors


class _Formats:
    """Numbers, shares, amounts and days for one language, and its messages."""

    def __init__(self, language: Language) -> None:
        self.locale = Locale.parse(language.locale)
        self._gettext = translations(language).gettext

    def gettext(self, message: str, **values: object) -> str:
        """``message`` translated, then formatted with ``values`` (``%(name)s``)."""
        text = self._gettext(message)
        return text % values if values else text

    def number(self, value: Decimal | int, places: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return str(format_decimal(value, pattern, locale=self.locale))

    def share(self, value: Decimal | None) -> str:
        return "–" if value is None else str(format_percent(value, "#,##0.0%", locale=self.locale))

    def day(self, value: date) -> str:
        return str(format_date(value, "medium", locale=self.locale))

    def time(self, value: datetime) -> str:
        return str(format_time(value, "medium", locale=self.locale))

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code, code))


def _table(columns: list[str], rows: list[list[str]], numeric: int = 1) -> dict[str, Any]:
    """A chart's data as a table: ``columns``, ``rows``; columns from ``numeric`` on align as
    numbers."""
    return {"columns": columns, "rows": rows, "numeric": numeric}


def _hours(dash: Dashboard, f: _Formats) -> dict[str, Any]:
    busiest = max(range(24), key=lambda h: (dash.per_hour[h], -h))
    span = [f"{h:02d}:00–{(h + 1) % 24:02d}:00" for h in range(24)]
    summary = f.gettext(
        "Busiest hour: %(hour)s, with %(count)s declarations lodged.",
        hour=span[busiest],
        count=f.number(dash.per_hour[busiest]),
    )
    if dash.period.days > 1:
        summary += " " + f.gettext(
            "Each bar adds up the %(days)s days of the period.", days=f.number(dash.period.days)
        )
    zone = str(dash.period.zone)
    spec = charts.columns(
        [{"label": f"{h:02d}", "count": n} for h, n in enumerate(dash.per_hour)],
        x_title=f.gettext("Hour of the day (%(zone)s)", zone=zone),
        y_title=f.gettext("Declarations"),
        description=summary,
    )
    rows = [[span[h], f.number(n)] for h, n in enumerate(dash.per_hour)]
    return {
        "key": "hours",
        "title": f.gettext("Declarations lodged per hour"),
        "summary": summary,
        "spec": spec,
        "table": _table([f.gettext("Hour (%(zone)s)", zone=zone), f.gettext("Declarations")], rows),
    }


def _clearance_times(dash: Dashboard, f: _Formats) -> dict[str, Any]:
    times = dash.clearance
    labels = [
        f"{f.number(low)}–{f.number(high)}" if high is not None else f"≥ {f.number(low)}"
        for low, high, _ in times.bins
    ]
    if times.median is None:
        summary = f.gettext("No declaration of the period has been released yet.")
    else:
        summary = f.gettext(
            "%(released)s released, half of them within %(median)s minutes of lodging.",
            released=f.number(times.released),
            median=f.number(times.median, 1),
        )
    summary += " " + f.gettext(
        "%(waiting)s not released yet (lodged or held); %(closed)s rejected or cancelled.",
        waiting=f.number(times.waiting),
        closed=f.number(times.closed),
    )
    spec = charts.columns(
        [{"label": label, "count": b[2]} for label, b in zip(labels, times.bins, strict=True)],
        x_title=f.gettext("Minutes from lodging to release"),
        y_title=f.gettext("Released declarations"),
        description=summary,
        label_angle=-30,
    )
    rows = [[label, f.number(b[2])] for label, b in zip(labels, times.bins, strict=True)]
    return {
        "key": "clearance",
        "title": f.gettext("Clearance time, lodged to released"),
        "summary": summary,
        "spec": spec,
        "table": _table([f.gettext("Minutes"), f.gettext("Released declarations")], rows),
    }


def _lanes(dash: Dashboard, f: _Formats) -> dict[str, Any]:
    parts = [
        f.gettext(
            "%(lane)s %(share)s (quota target %(target)s)",
            lane=f.gettext(LANES[s.lane]),
            share=f.share(s.share),
            target=f.share(s.target),
        )
        for s in dash.lanes
    ]
    summary = (
        "; ".join(parts) + ". " + f.gettext("The dark line across each bar marks the quota target.")
    )
    data = [
        {
            "lane": s.lane.value,
            "label": f.gettext(LANES[s.lane]),
            "share": float(s.share),
            "target": float(s.target),
            "text": f.share(s.share),
        }
        for s in dash.lanes
    ]
    spec = charts.lane_bars(
        data, x_title=f.gettext("Share of the declarations given a lane"), description=summary
    )
    rows = [
        [f.gettext(LANES[s.lane]), f.number(s.count), f.share(s.share), f.share(s.target)]
        for s in dash.lanes
    ]
    columns = [
        f.gettext("Lane"),
        f.gettext("Declarations"),
        f.gettext("Share"),
        f.gettext("Quota target"),
    ]
    return {
        "key": "lanes",
        "title": f.gettext("Lane shares against the quota targets"),
        "summary": summary,
        "spec": spec,
        "table": _table(columns, rows),
    }


def _line(code: str) -> str:
    return hs.format(code) if hs.is_valid(code) else code


def _ranking(
    key: str, entries: list[Ranked], dash: Dashboard, rank: str, f: _Formats
) -> dict[str, Any]:
    currency = dash.currency or ""
    label = _line if key == "lines" else f.country
    by_value = rank == "value"
    data = [
        {
            "label": label(r.key),
            "amount": float(r.value) if by_value else r.count,
            "text": f.number(r.value) if by_value else f.number(r.count),
        }
        for r in entries
    ]
    first = entries[0]
    message = (
        N_("Highest value: %(name)s, %(amount)s %(currency)s over %(count)s items.")
        if by_value
        else N_("Most items: %(name)s, %(count)s items worth %(amount)s %(currency)s.")
    )
    summary = f.gettext(
        message,
        name=label(first.key),
        count=f.number(first.count),
        amount=f.number(first.value, 2),
        currency=currency,
    )
    x_title = (
        f.gettext("Customs value (%(currency)s)", currency=currency)
        if by_value
        else f.gettext("Items")
    )
    spec = charts.bars(
        data, x_title=x_title, x_format=",.0f" if by_value else ",d", description=summary
    )
    name = f.gettext("Line (HS)") if key == "lines" else f.gettext("Origin")
    columns = [
        name,
        f.gettext("Items"),
        f.gettext("Customs value (%(currency)s)", currency=currency),
    ]
    rows = [[label(r.key), f.number(r.count), f.number(r.value, 2)] for r in entries]
    title = f.gettext(_RANKING_TITLES[key, rank])
    return {
        "key": key,
        "title": title,
        "summary": summary,
        "spec": spec,
        "table": _table(columns, rows),
    }


def _charts(dash: Dashboard, rank: str, f: _Formats) -> list[dict[str, Any]]:
    if not dash.declarations:
        return []
    found = [_hours(dash, f), _clearance_times(dash, f), _lanes(dash, f)]
    for key, entries in (("lines", dash.lines), ("origins", dash.origins)):
        if entries:
            found.append(_ranking(key, top(entries, rank, _TOP), dash, rank, f))
    return found


def _headline(dash: Dashboard, f: _Formats) -> dict[str, Any]:
    collected = dash.collected
    figures: dict[str, Any] = {
        "declarations": f.number(dash.declarations),
        "released": f.number(dash.released),
        "released_share": f.share(dash.released_share),
        "median": None if dash.clearance.median is None else f.number(dash.clearance.median, 1),
        "waiting": f.number(dash.clearance.waiting),
        "currency": dash.currency,
        "other_currency": dash.other_currency,
        "collected": None,
    }
    if collected is not None:
        use = collected.preference
        figures["collected"] = {
            "duty": f.number(collected.duty.amount, 2),
            "vat": f.number(collected.vat.amount, 2),
            "status": collected.status.value,
            "saved": f.number(use.duty_saved.amount, 2),
            "utilisation": f.share(use.utilisation),
            "granted_share": f.share(use.granted_share),
            "eligible": f.number(use.eligible.amount, 2),
            "claimed": f.number(use.claimed.amount, 2),
            "granted": f.number(use.granted.amount, 2),
            "eligible_items": f.number(use.eligible_items),
            "claimed_items": f.number(use.claimed_items),
            "granted_items": f.number(use.granted_items),
            "unknown_items": use.unknown_items,
            "preference_status": use.status.value,
        }
    return figures


def _render(found: list[dict[str, Any]], language: Language) -> list[dict[str, Any]]:
    """Each chart with its SVG (blocking: run in a worker thread)."""
    # The SVG is Vega's: it escapes the text it draws; charts.render strips any inline style.
    return [
        {**c, "svg": Markup(charts.render(c["spec"], language, f"chart-{c['key']}"))} for c in found
    ]


@get("/dashboard")
async def dashboard(request: AnyRequest) -> Response[str] | Redirect:
    """The dashboard for the office and days chosen (the last seven days by default)."""
    principal = await _viewer(request)
    if isinstance(principal, Redirect):
        return principal
    clearance = portal_of(request).node_clearance()
    language = language_of(request)
    formats = _Formats(language)
    form, period, errors = _query(request, clearance)
    values: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "fields": FIELDS,
        "bounds": {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()},
        "ranks": RANKS,
        "dash": None,
        "charts": [],
        "figures": None,
    }
    if period is None:
        return await page(request, "dashboard.html", values, status=400)
    margins = TariffMargins(clearance.schedule, clearance.rates)
    quotas = quotas_of(clearance.lanes)

    def count() -> Dashboard:
        return read_dashboard(clearance.uow, period, quotas, margins)

    snapshot = await to_thread.run_sync(
        portal_of(request).dashboards.get, period, clearance.clock.now(), count
    )
    dash = snapshot.value
    found = _charts(dash, form["rank"], formats)
    values.update(
        dash=dash,
        figures=_headline(dash, formats),
        charts=await to_thread.run_sync(_render, found, language) if found else [],
        first=formats.day(period.first),
        last=formats.day(period.last),
        zone=str(period.zone),
        office=period.office,
        counted_at=formats.time(snapshot.at.astimezone(period.zone)),
        refresh=int(portal_of(request).settings.dashboard_refresh.total_seconds()),
    )
    return await page(request, "dashboard.html", values)
