"""What the portal writes the page's way around the engines' English: the numbers of a working,
an item's Form E status, the advice that replaces a command line's hint, and where the language
switch of a page answering a form leads."""

from __future__ import annotations

import pytest
from babel import Locale
from litestar.datastructures import FormMultiDict

from cafta.core.errors import InvalidInput, NotFound
from cafta.web import labels
from cafta.web.declaration_view import item_claim, timeline
from cafta.web.forms import engine_message
from cafta.web.language_switch import get_address, row_fields
from cafta.web.templating import _working


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("207,207.00 CNY × 0%", "207.207,00 CNY × 0%"),
        ("value + duty 10,053,203.88 CNY", "value + duty 10.053.203,88 CNY"),
        ("at 1 USD = 6.765070 CNY of 2026-06-01", "at 1 USD = 6,765070 CNY of 2026-06-01"),
        (
            "(300,000.00 CNY + duty 45,000.00 CNY) / (1 - 25%) × 25%",
            "(300.000,00 CNY + duty 45.000,00 CNY) / (1 - 25%) × 25%",
        ),
        ("12.5% * 11/12", "12,5% * 11/12"),
        ("(1000.00 − 300.00) / 1000.00 × 100 = 70%", "(1.000,00 − 300,00) / 1.000,00 × 100 = 70%"),
        ("5900 kg × 0.5 CNY/kg", "5.900 kg × 0,5 CNY/kg"),
        ("rule W1 and R7", "rule W1 and R7"),
        ("declared", "declared"),
    ],
)
def test_a_working_is_written_the_pages_way_its_dates_and_names_kept(
    english: str, vietnamese: str
) -> None:
    assert _working(Locale.parse("vi"))(english) == vietnamese
    assert _working(Locale.parse("zh_Hans"))(english) == _working(Locale.parse("en"))(english)
    assert _working(Locale.parse("en"))("207,207.00 CNY × 0%") == "207,207.00 CNY × 0%"


def test_an_items_form_e_status_is_split_into_fixed_words_and_the_engines_reason() -> None:
    assert item_claim("granted") == (labels.CLAIMS["granted"], "")
    assert item_claim("granted with discrepancies")[0] == "granted with discrepancies"
    assert item_claim("not claimed") == ("not claimed", "")
    assert item_claim("denied: the certificate does not cover this item") == (
        "denied",
        "the certificate does not cover this item",
    )
    assert item_claim("something new") == (None, "something new")


def test_the_timeline_labels_an_assessed_total_with_the_assessments_status() -> None:
    entries = [
        {
            "event": "DutyAssessed",
            "at": "2026-06-01T10:00:00+08:00",
            "actor": "system",
            "detail": {"total": "10.00", "currency": "CNY"},
        }
    ]
    (event,) = timeline(entries, assessed="illustrative")
    assert event.details[0].status == "illustrative" and event.actor == "system"
    assert labels.ACTORS["system"] == "system"


def test_a_lane_assigned_entry_without_reasons_shows_the_lane_only() -> None:
    entries = [
        {
            "event": "LaneAssigned",
            "at": "2026-06-01T10:00:00+08:00",
            "actor": "system",
            "detail": {"lane": "red"},
        }
    ]
    (event,) = timeline(entries)
    assert [d.label for d in event.details] == ["Lane"]


def test_command_line_hints_become_the_portals_advice() -> None:
    unknown = NotFound(
        "HS code 0100.99 is not a code of the HS 2022 nomenclature",
        code="hs.unknown",
        hint="look the goods up with `cafta hs search`",
    )
    message = engine_message(unknown)
    assert message.hint is None and message.link == ("/hs", "Find your product")
    assert message.advice.startswith("Check the digits")
    short = InvalidInput(
        "0810 is a heading of 8 HS subheadings",
        code="tariff.code_too_short",
        hint="Such as 0810.10: find yours with 'cafta hs search'.",
        details={"subheadings": ["081010", "081020", "081030", "081040"]},
    )
    assert engine_message(short).values == {"examples": "0810.10, 0810.20, 0810.30"}
    early = NotFound(
        "no duty rate for 0810.60.00",
        code="tariff.no_measures",
        hint="The loaded rates for this line start on 2024-01-01; ask for a later "
        "date, or import a fuller official schedule with 'cafta tariff import'.",
    )
    assert engine_message(early).values == {"day": "2024-01-01"} and not engine_message(early).link
    other = InvalidInput("bad", code="duty.zero_quantity", hint="Give a quantity.")
    assert engine_message(other).hint == "Give a quantity." and not engine_message(other).advice


def test_a_form_sent_elsewhere_switches_language_where_it_is_shown() -> None:
    assert get_address("/declarations/CD1/decision") == "/declarations/CD1"
    assert get_address("/declarations/CD1/cancellation") == "/declarations/CD1"
    assert get_address("/declarations/CD1/amendment") == "/declarations/CD1"
    assert get_address("/declarations/CD1/amend") == "/declarations/CD1/amend"
    assert get_address("/declarations/upload") == "/declarations/new"
    assert get_address("/origin/upload") == "/origin"
    assert get_address("/certificates") == "/certificates"


def test_the_rows_sent_again_are_those_the_page_shows() -> None:
    form = FormMultiDict(
        [
            ("m-0-value", "1"),
            ("m-1-value", "2"),
            ("remove", "0"),
            ("action", "add_rows"),
            ("numbers", "vi"),
            ("fob", "10"),
        ]
    )
    sent = row_fields(form, "m", 0, "en")
    assert sorted(sent) == [("fob", "10"), ("m-1-value", "2"), ("numbers", "en")]
