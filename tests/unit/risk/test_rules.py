"""Each rule hits and misses, with the exact words an officer reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from cafta.core.dates import Validity
from cafta.core.errors import NotFound
from cafta.core.provenance import Status
from cafta.refdata.exchange_rates import ExchangeRate
from cafta.risk.rules import (
    CertificateRule,
    Control,
    Effect,
    Lane,
    RestrictedGoods,
    RestrictedGoodsRule,
    RuleContext,
    amount_text,
    percent,
)
from cafta.risk.subject import RiskItem, RiskSubject
from cafta.risk.unit_values import ReferenceUnitValue, UnitValueRule
from cafta.risk.watchlists import (
    ConveyanceWatchRule,
    PartyWatchRule,
    WatchEntry,
    WatchKind,
    WatchList,
    normalise_conveyance,
    normalise_party,
)

MakeSubject = Callable[..., RiskSubject]
MakeItem = Callable[..., RiskItem]
CTX = RuleContext()
RED, YELLOW = Effect.forcing(Lane.RED), Effect.forcing(Lane.YELLOW)


def watch_list(*entries: WatchEntry, status: Status = Status.OFFICIAL) -> WatchList:
    return WatchList("W1", "office list", entries, "office circular 7/2026", status)


# R1, R2: watch-lists ------------------------------------------------------------------------


def test_party_names_and_plates_are_normalised() -> None:
    assert normalise_party("  ＡＢＣ  Trading\tCo ") == "abc trading co"
    assert normalise_conveyance(" 29c-123.45 ") == "29C12345"
    # Already compact (as declarations store them), and the same however often asked.
    assert normalise_conveyance("桂a12345") == normalise_conveyance("桂A12345") == "桂A12345"
    assert normalise_party("ＡＢＣ Co") == normalise_party("ＡＢＣ Co") == "abc co"


def test_an_importer_on_a_watch_list_is_red(make_subject: MakeSubject) -> None:
    entry = WatchEntry(WatchKind.IMPORTER, "LOTUS trading  co", "undervaluation in 2025", RED)
    rule = PartyWatchRule((watch_list(entry),))
    hit = rule.evaluate(make_subject(importer="Lotus Trading Co"), CTX)
    assert hit is not None
    assert (hit.rule_id, hit.lane, hit.weight) == ("R1", Lane.RED, Decimal("0.9"))
    assert hit.reason == (
        "importer 'Lotus Trading Co' is on watch-list W1 (reason: undervaluation in 2025)"
    )
    assert str(hit) == f"rule R1 party watch-list: {hit.reason}"


def test_a_party_entry_matches_any_role_and_each_entry_sets_its_lane(
    make_subject: MakeSubject,
) -> None:
    rule = PartyWatchRule(
        (
            watch_list(
                WatchEntry(WatchKind.PARTY, "Mekong Exports", "false origin claims", YELLOW),
                WatchEntry(WatchKind.DECLARANT, "Quick Broker", "late filings", YELLOW),
            ),
        )
    )
    hit = rule.evaluate(make_subject(exporter="MEKONG EXPORTS", declarant="quick broker"), CTX)
    assert hit is not None
    assert hit.lane is Lane.YELLOW
    assert hit.reason == (
        "declarant 'quick broker' is on watch-list W1 (reason: late filings); "
        "exporter 'MEKONG EXPORTS' is on watch-list W1 (reason: false origin claims)"
    )


def test_watch_list_misses(make_subject: MakeSubject) -> None:
    entries = (
        WatchEntry(WatchKind.EXPORTER, "Lotus Trading Co", "wrong role", RED),
        WatchEntry(
            WatchKind.IMPORTER,
            "Guangxi Fresh Fruit Import Co.",
            "expired entry",
            RED,
            Validity(date(2025, 1, 1), date(2025, 12, 31)),
        ),
        WatchEntry(WatchKind.IMPORTER, "Guangxi Fresh Fruit Import", "not the same name", RED),
    )
    rule = PartyWatchRule((watch_list(*entries),))
    assert rule.evaluate(make_subject(importer="Lotus Trading Co"), CTX) is None
    assert rule.evaluate(make_subject(), CTX) is None


def test_plates_and_containers_on_a_watch_list(make_subject: MakeSubject) -> None:
    rule = ConveyanceWatchRule(
        (
            watch_list(
                WatchEntry(WatchKind.PLATE, "29C 12345", "linked to a seizure", RED),
                WatchEntry(WatchKind.CONTAINER, "MSCU1234565", "seal tampering", YELLOW),
                status=Status.ILLUSTRATIVE,
            ),
        )
    )
    hit = rule.evaluate(make_subject(vehicle_plate="29C-123.45", container="mscu 123456 5"), CTX)
    assert hit is not None
    assert (hit.rule_id, hit.lane, hit.status) == ("R2", Lane.RED, Status.ILLUSTRATIVE)
    assert hit.reason == (
        "vehicle plate '29C-123.45' is on watch-list W1 (reason: linked to a seizure) "
        "(illustrative); container 'mscu 123456 5' is on watch-list W1 "
        "(reason: seal tampering) (illustrative)"
    )
    assert rule.evaluate(make_subject(vehicle_plate="29C-123.46"), CTX) is None
    assert rule.evaluate(make_subject(), CTX) is None


# R3: unit value -----------------------------------------------------------------------------

DURIAN = ReferenceUnitValue(
    "0810.60", Decimal("1.40"), "CNY", "test reference", Status.ILLUSTRATIVE
)


@pytest.mark.parametrize(
    ("value", "lane", "reason"),
    [
        (
            "12.40",  # 0.31 CNY/kg over 40 kg
            Lane.YELLOW,
            "item 1: value per kg 0.31 CNY is below 25% of the reference 1.40 CNY/kg "
            "for 0810.60 (illustrative)",
        ),
        (
            "5.00",  # 0.125 CNY/kg
            Lane.RED,
            "item 1: value per kg 0.13 CNY is below 10% of the reference 1.40 CNY/kg "
            "for 0810.60 (illustrative)",
        ),
    ],
)
def test_value_per_kg_far_below_the_reference(
    make_subject: MakeSubject, make_item: MakeItem, value: str, lane: Lane, reason: str
) -> None:
    rule = UnitValueRule((DURIAN,))
    hit = rule.evaluate(make_subject(make_item(value=Decimal(value))), CTX)
    assert hit is not None
    assert (hit.rule_id, hit.lane, hit.reason, hit.status) == (
        "R3",
        lane,
        reason,
        Status.ILLUSTRATIVE,
    )
    assert hit.weight == (Decimal("0.9") if lane is Lane.RED else Decimal("0.5"))


def test_unit_value_misses(make_subject: MakeSubject, make_item: MakeItem) -> None:
    rule = UnitValueRule((DURIAN,), red_ratio=None)
    at_threshold = make_item(value=Decimal("14.00"))  # exactly 25% of 1.40 x 40: not below
    no_mass = make_item(value=Decimal("1"), net_mass_kg=None)
    other_line = make_item(line="0804.50", value=Decimal("1"))
    other_currency = make_item(value=Decimal("1"), currency="USD")  # no rates in the context
    s = make_subject(at_threshold, no_mass, other_line, other_currency)
    assert rule.evaluate(s, CTX) is None
    assert rule.evaluate(make_subject(make_item(value=Decimal("5"))), CTX) is not None  # yellow


def test_the_longest_prefix_in_force_applies(
    make_subject: MakeSubject, make_item: MakeItem
) -> None:
    old = ReferenceUnitValue(
        "08106000",
        Decimal("100"),
        "CNY",
        "old",
        Status.OFFICIAL,
        Validity(date(2020, 1, 1), date(2020, 12, 31)),
    )
    heading = ReferenceUnitValue("0810", Decimal("4"), "CNY", "heading", Status.OFFICIAL)
    rule = UnitValueRule((old, DURIAN, heading))
    assert rule.reference_for("08106000", date(2026, 1, 1)) is DURIAN
    assert rule.reference_for("08106000", date(2020, 6, 1)) is old
    assert rule.reference_for("08109010", date(2026, 1, 1)) is heading
    assert rule.reference_for("08045010", date(2026, 1, 1)) is None


class _Rates:
    def rate(self, base: str, quote: str, on: date) -> ExchangeRate:
        if (base, quote) != ("CNY", "VND"):
            raise NotFound(f"no {base}/{quote} rate", code="fx.rate_unavailable")
        return ExchangeRate("CNY", "VND", Decimal("3500"), on, "test", Status.OFFICIAL)


def test_a_reference_in_another_currency_is_converted(
    make_subject: MakeSubject, make_item: MakeItem
) -> None:
    rule = UnitValueRule((DURIAN,))
    cheap = make_subject(make_item(value=Decimal("40000"), currency="VND"))  # 1,000 VND/kg
    hit = rule.evaluate(cheap, RuleContext(rates=_Rates()))
    assert hit is not None
    assert hit.reason == (
        "item 1: value per kg 1,000 VND is below 25% of the reference 4,900 VND/kg "
        "(converted from 1.40 CNY/kg) for 0810.60 (illustrative)"
    )
    in_usd = make_subject(make_item(value=Decimal("1"), currency="USD"))
    assert rule.evaluate(in_usd, RuleContext(rates=_Rates())) is None  # no rate: not compared


# R4: certificate of origin ------------------------------------------------------------------


def test_certificate_findings(make_subject: MakeSubject, make_item: MakeItem) -> None:
    s = make_subject(
        make_item(certificate_outcome="accepted_with_discrepancies"),
        make_item(preference_claimed=True, certificate_outcome="rejected"),
        make_item(preference_claimed=True, certificate_outcome="missing"),
    )
    hit = CertificateRule().evaluate(s, CTX)
    assert hit is not None
    assert (hit.rule_id, hit.lane, hit.weight) == ("R4", Lane.YELLOW, Decimal("0.5"))
    assert hit.reason.split("; ") == [
        "item 1: Form E accepted with discrepancies",
        "item 2: preference claimed but the Form E was rejected "
        "(MFN duty applies, check the documents)",
        "item 3: preference claimed but no Form E was produced "
        "(MFN duty applies, check the documents)",
    ]


def test_certificate_misses(make_subject: MakeSubject, make_item: MakeItem) -> None:
    s = make_subject(
        make_item(preference_claimed=True, certificate_outcome="accepted"),
        make_item(preference_claimed=True, certificate_outcome="waived"),
        make_item(certificate_outcome="rejected"),  # no preference claimed: MFN anyway
        make_item(certificate_outcome="missing"),
        make_item(),
    )
    assert CertificateRule().evaluate(s, CTX) is None
    off = CertificateRule(discrepancies=None)
    flagged = make_subject(make_item(certificate_outcome="accepted_with_discrepancies"))
    assert off.evaluate(flagged, CTX) is None


# R5: prohibited or restricted goods ---------------------------------------------------------


def test_restricted_goods(make_subject: MakeSubject, make_item: MakeItem) -> None:
    arms = RestrictedGoods(
        "93",
        Control.RESTRICTED,
        "arms and ammunition; licence required",
        RED,
        "ref",
        Status.ILLUSTRATIVE,
    )
    fruit_from_x = RestrictedGoods(
        "0810.60",
        Control.PROHIBITED,
        "quarantine ban",
        RED,
        "ref",
        Status.OFFICIAL,
        frozenset({"my"}),
    )
    rule = RestrictedGoodsRule((arms, fruit_from_x))
    s = make_subject(make_item(), make_item(line="9302.00.00"), make_item(origin="MY"))
    hit = rule.evaluate(s, CTX)
    assert hit is not None
    assert (hit.rule_id, hit.lane, hit.status) == ("R5", Lane.RED, Status.ILLUSTRATIVE)
    assert hit.reason == (
        "item 2: HS 9302.00.00 is restricted under 93: arms and ammunition; licence required "
        "(illustrative); item 3: HS 0810.60.00 from MY is prohibited under 0810.60: "
        "quarantine ban"
    )
    assert rule.evaluate(make_subject(), CTX) is None


def test_formatting_helpers() -> None:
    assert [percent(Decimal(x)) for x in ("0.25", "0.003", "0.10", "1")] == [
        "25%",
        "0.3%",
        "10%",
        "100%",
    ]
    assert amount_text(Decimal("0.31"), "CNY") == "0.31 CNY"
    assert amount_text(Decimal("35000"), "VND") == "35,000 VND"
    assert amount_text(Decimal("0.0004"), "CNY") == "0.0004 CNY"
