"""The dashboard's figures, from declarations lodged through the clearance handlers into the
in-memory stores (the real tariff for the preference margins)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cafta.adapters.crypto import Ed25519Signer, Ed25519Verifier
from cafta.certificates.issuance import issue
from cafta.certificates.policy import VerificationPolicy
from cafta.certificates.trust import TrustList
from cafta.clearance.declaration import Declaration
from cafta.clearance.lifecycle import Lane
from cafta.core.clock import FixedClock
from cafta.core.errors import InvalidInput
from cafta.core.money import Money
from cafta.core.provenance import Status as Provenance
from cafta.origin.rulebook import Rulebook
from cafta.origin.scheme import ACFTA
from cafta.refdata.exchange_rates import default_rate_provider
from cafta.risk.quotas import LaneQuota, OfficeQuota, QuotaTable
from cafta.services.clearance import Action, Clearance, Decide, Lodge
from cafta.services.dashboard import (
    Margin,
    Period,
    Ranked,
    TariffMargins,
    quotas_of,
    read_dashboard,
    top,
)
from cafta.services.ports import Principal, Role
from cafta.services.preference import PreferenceChecker
from cafta.services.risk_lanes import RiskLanes, default_risk_engine
from cafta.tariff.schedule import bundled_schedule

from .fakes import EveryAuthority, FakeUnitOfWork, FixedLanes, Memory

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 6, 1, 8, 0, tzinfo=SHANGHAI)  # Monday 08:00 in Beijing time
IMPORTER = "Guangxi Fresh Fruit Trading Co."
BROKER = "Pingxiang Border Brokers Co."
OFFICER = Principal(Role.OFFICER, "Officer Li (CNYYG)")
RATES = default_rate_provider()
MARGINS = TariffMargins(bundled_schedule, RATES)
WEEK = Period(date(2026, 5, 26), date(2026, 6, 1), SHANGHAI)


def _form_e(signer: Ed25519Signer, invoice: str = "CDE-0528") -> str:
    """A Form E for one truck of durian; each consignment (invoice) has its own."""
    request: dict[str, Any] = {
        "authority": "TH-DFT", "exporting_party": "TH", "importing_party": "CN",
        "issue_date": "2026-05-28",
        "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
        "consignee": {"name": IMPORTER, "country": "CN"},
        "transport": {"departure_date": "2026-05-28", "means": "truck"},
        "invoice": {"number": invoice, "date": "2026-05-28"},
        "items": [{"line": "0810.60", "description": "Fresh durian (Monthong)",
                   "quantity": {"amount": "18000", "unit": "kg"}, "criterion": "WO"}],
    }  # fmt: skip
    return issue(request, signer)[1]


def _durian(office: str = "CNYYG", certificate: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "line": "0810.60.00", "description": "Fresh durian (Monthong)", "origin": "TH",
        "quantity": {"amount": "18000", "unit": "kg"},
        "net_mass": {"amount": "18000", "unit": "kg"},
        "value": {"amount": "612000.00", "currency": "CNY"}, "incoterm": "CIF",
    }  # fmt: skip
    if certificate is not None:
        item["preference"] = {"scheme": "ACFTA", "certificate": certificate}
    return {
        "type": "import", "office": office,
        "declarant": {"name": BROKER, "country": "CN"},
        "importer": {"name": IMPORTER, "country": "CN"},
        "exporter": {"name": "Chanthaburi Durian Export Co.", "country": "TH"},
        "transport": {"mode": "road", "vehicle_plate": "桂F·A1234"},
        "items": [item],
    }  # fmt: skip


class Node:
    """Clearance over in-memory stores, with a clock the test moves and a lane it chooses."""

    def __init__(self, trust: TrustList) -> None:
        self.memory = Memory()
        self.clock = FixedClock(START)
        self.lanes = FixedLanes()
        checker = PreferenceChecker(
            trust=lambda: trust, verifier=Ed25519Verifier(), policy=VerificationPolicy(),
            rules=Rulebook(ACFTA), rates=RATES, received={}.get,
        )  # fmt: skip
        self.clearance = Clearance(
            uow=self.uow, clock=self.clock, schedule=bundled_schedule, rates=RATES,
            preference=checker, lanes=self.lanes, authority=EveryAuthority(),
        )  # fmt: skip

    def uow(self, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.memory)

    def lodge(self, at: datetime, lane: Lane = Lane.GREEN, **document: Any) -> str:
        self.clock.instant = at
        self.lanes.lane = lane
        lodged = self.clearance.lodge(Lodge(_durian(**document), Principal(Role.BROKER, BROKER)))
        return lodged.declaration.id

    def decide(self, declaration_id: str, action: Action, at: datetime) -> None:
        self.clock.instant = at
        self.clearance.decide(Decide(declaration_id, OFFICER, action))


@pytest.fixture
def node(trust: TrustList) -> Node:
    return Node(trust)


def test_declarations_count_in_the_hour_and_on_the_day_they_were_lodged(node: Node) -> None:
    node.lodge(START)  # 08:00 in Shanghai, 00:00 UTC
    node.lodge(START + timedelta(minutes=59))
    node.lodge(START + timedelta(hours=6, minutes=30))  # 14:30
    node.lodge(datetime(2026, 5, 25, 23, 59, tzinfo=SHANGHAI))  # the day before the period
    node.lodge(datetime(2026, 6, 1, 16, 0, tzinfo=UTC))  # 00:00 on 2 June in Shanghai: after
    dash = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS)
    assert dash.declarations == 3
    assert dash.per_hour[8] == 2 and dash.per_hour[14] == 1 and sum(dash.per_hour) == 3
    assert dash.released == 3 and dash.released_share == 1
    utc_day = Period(date(2026, 6, 1), date(2026, 6, 1), UTC)
    in_utc = read_dashboard(node.uow, utc_day, QuotaTable(), MARGINS)
    assert in_utc.declarations == 4
    assert (in_utc.per_hour[0], in_utc.per_hour[6], in_utc.per_hour[16]) == (2, 1, 1)


def test_one_office_or_every_office(node: Node) -> None:
    node.lodge(START, office="CNYYG")
    node.lodge(START + timedelta(minutes=5), office="CNPXG")
    only = Period(WEEK.first, WEEK.last, SHANGHAI, "CNPXG")
    assert read_dashboard(node.uow, only, QuotaTable(), MARGINS).declarations == 1
    assert read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS).declarations == 2


def test_clearance_time_runs_from_lodging_to_release(node: Node) -> None:
    node.lodge(START)  # green: released at once
    held = node.lodge(START + timedelta(minutes=10), Lane.YELLOW)
    node.decide(held, Action.RELEASE, START + timedelta(minutes=10 + 95))
    node.lodge(START + timedelta(minutes=20), Lane.RED)  # still held
    rejected = node.lodge(START + timedelta(minutes=30), Lane.YELLOW)
    node.decide(rejected, Action.REJECT, START + timedelta(hours=2))
    times = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS).clearance
    counts = {(low, high): count for low, high, count in times.bins}
    assert counts[0, 1] == 1 and counts[60, 120] == 1 and sum(counts.values()) == 2
    assert (times.released, times.waiting, times.closed) == (2, 1, 1)
    assert times.median == Decimal("47.5")  # (0 + 95) / 2


def test_lane_shares_against_each_offices_quota_on_its_day(node: Node) -> None:
    for minutes, lane, office in ((0, Lane.GREEN, "CNYYG"), (1, Lane.GREEN, "CNYYG"),
                                  (2, Lane.RED, "CNPXG"), (3, Lane.YELLOW, "CNPXG")):  # fmt: skip
        node.lodge(START + timedelta(minutes=minutes), lane, office=office)
    strict = OfficeQuota("CNPXG", LaneQuota(red=Decimal("0.05"), yellow=Decimal("0.15")))
    quotas = QuotaTable(offices=(strict,))
    lanes = {s.lane: s for s in read_dashboard(node.uow, WEEK, quotas, MARGINS).lanes}
    assert [s.count for s in lanes.values()] == [2, 1, 1, 0]
    assert lanes[Lane.GREEN].share == Decimal("0.5") and lanes[Lane.RED].share == Decimal("0.25")
    # Two declarations at the default (red 3%), two at CNPXG's (red 5%): the target is their mean.
    assert lanes[Lane.RED].target == Decimal("0.04")
    assert lanes[Lane.YELLOW].target == Decimal("0.125")
    assert lanes[Lane.GREEN].target == Decimal("0.835")
    assert lanes[Lane.BLUE].target == 0
    assert sum(s.target for s in lanes.values()) == 1


def test_preference_utilisation_and_duty_saved(node: Node, signer: Ed25519Signer) -> None:
    node.lodge(START, certificate=_form_e(signer))  # claimed, granted: ACFTA 0% instead of 20%
    node.lodge(START + timedelta(minutes=1))  # eligible, not claimed: MFN
    node.lodge(START + timedelta(minutes=2), certificate="E2026TH-NEVER-RECEIVED")  # denied
    held = node.lodge(START + timedelta(minutes=3), Lane.RED,
                      certificate=_form_e(signer, "CDE-0529"))  # fmt: skip
    dash = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS)
    assert held and dash.collected is not None
    use = dash.collected.preference
    value = Money(Decimal("612000.00"), "CNY")
    assert (use.eligible_items, use.claimed_items, use.granted_items) == (3, 2, 1)
    assert use.eligible == Money(Decimal("1836000.00"), "CNY")
    assert (use.claimed, use.granted) == (value + value, value)
    assert use.utilisation == Decimal(2) / 3
    assert use.granted_share == Decimal(1) / 3
    assert use.duty_saved == Money(Decimal("122400.00"), "CNY")  # 20% MFN of 612,000 CNY
    assert use.status is Provenance.OFFICIAL and use.unknown_items == 0
    # Money counts the released declarations only (the held one is left out).
    assert dash.collected.duty == Money(Decimal("244800.00"), "CNY")  # two at MFN 20%
    assert dash.collected.vat.amount == Decimal("55080.00") * 3 + Decimal("244800.00") * Decimal(
        "0.09"
    )
    assert dash.currency == "CNY" and dash.other_currency == 0


def test_items_without_a_margin_are_left_out_and_counted(node: Node) -> None:
    node.lodge(START)

    def unknown(*_: object) -> Margin | None:
        return None

    dash = read_dashboard(node.uow, WEEK, QuotaTable(), unknown)
    assert dash.collected is not None
    use = dash.collected.preference
    assert use.unknown_items == 1 and use.eligible_items == 0 and use.utilisation is None


def test_an_illustrative_rate_makes_the_preference_figures_illustrative(node: Node) -> None:
    node.lodge(START)

    def illustrative(*_: object) -> Margin:
        return Margin(Money(Decimal(10), "CNY"), Money(Decimal(0), "CNY"), Provenance.ILLUSTRATIVE)

    dash = read_dashboard(node.uow, WEEK, QuotaTable(), illustrative)
    assert dash.collected is not None
    assert dash.collected.preference.status is Provenance.ILLUSTRATIVE
    assert dash.collected.status is Provenance.OFFICIAL  # duty and VAT rest on official rates


def test_lines_and_origins_by_value_and_by_count(node: Node) -> None:
    node.lodge(START)
    node.lodge(START + timedelta(minutes=1))
    dash = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS)
    assert dash.lines == (Ranked("08106000", 2, Decimal("1224000.00")),)
    assert dash.origins == (Ranked("TH", 2, Decimal("1224000.00")),)
    entries = [Ranked("A", 1, Decimal(9)), Ranked("B", 5, Decimal(1)), Ranked("C", 2, Decimal(5))]
    assert [r.key for r in top(entries, "value")] == ["A", "C", "B"]
    assert [r.key for r in top(entries, "count", 2)] == ["B", "C"]


def test_an_empty_period_has_no_money_and_the_quota_defaults(node: Node) -> None:
    dash = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS)
    assert dash.declarations == 0 and dash.collected is None and dash.currency is None
    assert dash.released_share is None and dash.clearance.median is None
    assert [s.target for s in dash.lanes] == [Decimal("0.87"), Decimal("0.10"),
                                              Decimal("0.03"), Decimal(0)]  # fmt: skip


def test_only_the_newest_are_read_beyond_the_limit(node: Node) -> None:
    for minutes in range(5):
        node.lodge(START + timedelta(minutes=minutes))
    dash = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS, limit=3)
    assert dash.truncated and dash.declarations == 3
    assert not read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS, limit=5).truncated


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 6, 2), date(2026, 6, 1)), (date(2024, 12, 31), date(2026, 1, 1))],
)
def test_a_period_backwards_or_over_a_year_is_refused(first: date, last: date) -> None:
    with pytest.raises(InvalidInput) as caught:
        Period(first, last, SHANGHAI)
    assert caught.value.code == "dashboard.period"


def test_a_period_runs_from_midnight_to_midnight_in_its_zone() -> None:
    period = Period(date(2026, 6, 1), date(2026, 6, 2), SHANGHAI)
    assert period.start == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 6, 2, 16, 0, tzinfo=UTC)
    assert period.days == 2


def test_the_quotas_are_the_risk_engines() -> None:
    table = QuotaTable(default=LaneQuota(red=Decimal("0.05")))
    lanes = RiskLanes(default_risk_engine(seed=1, quotas=table))
    assert quotas_of(lanes) is table
    assert quotas_of(FixedLanes()) == QuotaTable()


def test_margins_compare_acfta_with_the_duty_open_without_a_form_e(node: Node) -> None:
    declaration_id = node.lodge(START)
    record = node.memory.declarations[declaration_id]
    declaration = Declaration.from_document(record.document, record.version)
    assert declaration.assessment is not None
    margin = MARGINS(declaration, declaration.goods.items[0], declaration.assessment.items[0])
    assert margin == Margin(Money(Decimal("122400.00"), "CNY"), Money(Decimal("0.00"), "CNY"),
                            Provenance.OFFICIAL)  # fmt: skip
    assert margin.eligible


def test_figures_are_the_same_whatever_the_order_read(node: Node) -> None:
    rng = random.Random(3)
    for minutes in rng.sample(range(600), 12):
        node.lodge(START + timedelta(minutes=minutes), rng.choice([Lane.GREEN, Lane.YELLOW]))
    once = read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS)
    node.memory.declarations = dict(reversed(list(node.memory.declarations.items())))
    assert read_dashboard(node.uow, WEEK, QuotaTable(), MARGINS) == once
