"""``GET /hs``: HS search with ranked results; ``GET /hs/browse[/{code}]``: the HS tree.

Each subheading shown carries its tariff measures for the importing party chosen on the page
(China unless another is picked), from the loaded schedules (:mod:`cafta.web.measures`), or
says that none are loaded for that party. An importing party the list does not offer
(``?destination=ZZ``) is refused next to the list (400), never replaced by China.

The search matches the English words of the nomenclature. A query with letters of another
script or accents (``sầu riêng``, ``榴莲``) is not searched: its words would match English
ones by chance (Sauces, Sausages) or nothing, so the page says to write in English instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from anyio import to_thread
from litestar import Response, get
from litestar.params import FromPath

from cafta.bootstrap import configured
from cafta.refdata.nomenclature import HsEntry, Nomenclature, Section
from cafta.tariff.schedule import Schedule
from cafta.web.context import Portal, portal_of
from cafta.web.forms import NO_SUCH_CHOICE, Errors, own, text_of
from cafta.web.i18n import N_
from cafta.web.measures import LineMeasures, line_measures
from cafta.web.rendering import AnyRequest, page

__all__ = ["browse", "entry", "search"]

_LIMIT = 20
_MAX_QUERY = 200
_LEVELS = {2: N_("Chapter"), 4: N_("Heading"), 6: N_("Subheading")}


@dataclass(frozen=True, slots=True)
class Row:
    """An entry of a list, with its measures when it is a subheading."""

    entry: HsEntry
    level: str
    measures: list[LineMeasures]


def _schedule(portal: Portal) -> Schedule:
    return configured(lambda: portal.services.schedule, "the tariff schedules")


def _party(request: AnyRequest, schedule: Schedule, errors: Errors) -> str:
    """The importing party chosen (China when none is); one the list does not offer is said in
    ``errors`` (and ``""`` returned: no measures are shown)."""
    wanted = text_of(request.query_params, "destination", 20).upper()
    if not wanted:
        return "CN"
    if not schedule.covers(wanted):
        errors["destination"] = own(NO_SUCH_CHOICE)
        return ""
    return wanted


def _english(query: str) -> bool:
    """Whether ``query`` is written in the letters the nomenclature's English uses."""
    return all(character.isascii() for character in query if character.isalpha())


def _rows(entries: list[HsEntry], schedule: Schedule, party: str, on: date) -> list[Row]:
    return [
        Row(
            entry,
            _LEVELS.get(entry.level, ""),
            line_measures(schedule, party, entry.code, on) if entry.level == 6 and party else [],
        )
        for entry in entries
    ]


def _search(query: str, schedule: Schedule, party: str, on: date) -> list[Row]:
    hits = Nomenclature.hs2022().search(query, limit=_LIMIT)
    return _rows([hit.entry for hit in hits], schedule, party, on)


@get("/hs")
async def search(request: AnyRequest) -> Response[str]:
    """The search form, and the ranked matches for ``q``."""
    portal = portal_of(request)
    schedule = _schedule(portal)
    errors: Errors = {}
    party = _party(request, schedule, errors)
    query = " ".join(str(request.query_params.get("q", "")).split())
    rows: list[Row] | None = None
    english = _english(query)
    if len(query) > _MAX_QUERY:
        errors["q"] = own(N_("Use at most 200 characters."))
    elif query and english and not errors:
        today = portal.services.clock.today()
        rows = await to_thread.run_sync(_search, query, schedule, party, today)
    values = {
        "query": query[:_MAX_QUERY],
        "english": english,
        "party": party,
        "parties": schedule.parties,
        "rows": rows,
        "errors": errors,
    }
    return await page(request, "hs_search.html", values, status=400 if errors else 200)


def _tree() -> list[tuple[Section, list[HsEntry]]]:
    nomenclature = Nomenclature.hs2022()
    chapters = nomenclature.chapters()
    return [
        (section, [c for c in chapters if c.section == section.numeral])
        for section in nomenclature.sections()
    ]


@get("/hs/browse")
async def browse(request: AnyRequest) -> Response[str]:
    """The sections of the HS, each with its chapters."""
    tree = await to_thread.run_sync(_tree)
    return await page(request, "hs_browse.html", {"tree": tree})


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: HsEntry
    level: str
    section: Section
    parents: list[HsEntry]
    children: list[Row]
    measures: list[LineMeasures]


def _entry(code: str, schedule: Schedule, party: str, on: date) -> EntryView:
    nomenclature = Nomenclature.hs2022()
    found = nomenclature.get(code)
    return EntryView(
        entry=found,
        level=_LEVELS.get(found.level, ""),
        section=nomenclature.section_of(found.code),
        parents=nomenclature.parents(found.code),
        children=_rows(nomenclature.children(found.code), schedule, party, on),
        measures=(
            line_measures(schedule, party, found.code, on) if found.level == 6 and party else []
        ),
    )


@get("/hs/browse/{code:str}")
async def entry(request: AnyRequest, code: FromPath[str]) -> Response[str]:
    """A chapter, heading or subheading: where it sits, what is below it, its measures."""
    portal = portal_of(request)
    schedule = _schedule(portal)
    errors: Errors = {}
    party = _party(request, schedule, errors)
    today = portal.services.clock.today()
    view = await to_thread.run_sync(_entry, code[:20], schedule, party, today)
    values = {"view": view, "party": party, "parties": schedule.parties, "errors": errors}
    return await page(request, "hs_entry.html", values, status=400 if errors else 200)
