"""The online lane allocator: quotas met over a stream, hard cap, rules, offices, threads."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

import pytest

from cafta.core.errors import InvalidInput
from cafta.risk.lanes import LaneAllocator, LaneDecision, SelectedBy
from cafta.risk.quotas import LaneQuota, OfficeQuota, QuotaTable
from cafta.risk.rules import Lane, RuleHit
from cafta.risk.scoring import Score
from cafta.risk.subject import RiskItem, RiskSubject

DAY = "2026-11-30"
ITEM = RiskItem(
    line="08106000", origin="TH", value=Decimal(1200), currency="CNY", net_mass_kg=Decimal(40)
)
RED_HIT = RuleHit("R1", "party watch-list", Lane.RED, Decimal("0.9"), "importer 'X' is on W1")
YELLOW_HIT = RuleHit("R4", "certificate of origin", Lane.YELLOW, Decimal("0.5"), "item 1: ...")
SCORE_HIT = RuleHit("R3", "unit value", None, Decimal("0.3"), "item 1: ...")


@cache
def _subject(office: str, trusted: bool) -> RiskSubject:
    return RiskSubject(
        declaration_id="D-1",
        office=office,
        on=date(2026, 11, 30),
        importer="Guangxi Fresh Fruit Import Co.",
        items=(ITEM,),
        trusted_trader=trusted,
    )


def subject(n: int = 0, office: str = "CNPXG", *, trusted: bool = False) -> RiskSubject:
    """A declaration at ``office`` (the allocator reads only office, day and AEO status)."""
    return _subject(office, trusted)


@dataclass(frozen=True)
class Arrival:
    """One simulated declaration: its score, rule hits and whether its importer is an AEO."""

    n: int
    score: float
    hits: tuple[RuleHit, ...]
    trusted: bool


def stream(
    seed: int, count: int, *, red_rules: float = 0.005, yellow_rules: float = 0.02
) -> Iterator[Arrival]:
    """Scores from Beta(2, 8) rounded to 4 places; a few rule-forced reds and yellows."""
    rng = random.Random(seed)
    for n in range(count):
        score = round(rng.betavariate(2, 8), 4)
        u = rng.random()
        hits = (
            (RED_HIT,) if u < red_rules else (YELLOW_HIT,) if u < red_rules + yellow_rules else ()
        )
        yield Arrival(n, score, hits, rng.random() < 0.1)


@dataclass
class Run:
    decisions: list[tuple[Arrival, LaneDecision]]
    red_share_after: list[float]  # the red share of the period after each decision

    def count(self, lane: Lane, by: SelectedBy | None = None) -> int:
        return sum(
            d.lane is lane and (by is None or d.selected_by is by) for _, d in self.decisions
        )


def simulate(allocator: LaneAllocator, arrivals: Iterator[Arrival], office: str = "CNPXG") -> Run:
    run = Run([], [])
    for a in arrivals:
        decision = allocator.decide(
            subject(a.n, office, trusted=a.trusted), Score(a.score), a.hits, DAY
        )
        run.decisions.append((a, decision))
        run.red_share_after.append(allocator.stats(office, DAY).share(Lane.RED))
    return run


def test_a_stream_of_10000_meets_the_targets() -> None:
    allocator = LaneAllocator(QuotaTable(), random.Random(7))
    run = simulate(allocator, stream(42, 10_000))
    stats = allocator.stats("CNPXG", DAY)
    assert stats.total == 10_000 == sum(stats.counts.values()) == sum(stats.selected_by.values())

    assert stats.share(Lane.RED) == pytest.approx(0.03, abs=0.007)
    assert stats.share(Lane.YELLOW) == pytest.approx(0.10, abs=0.02)
    assert stats.share(Lane.BLUE) == 0  # blue is off by default
    assert stats.share(Lane.GREEN) >= 0.80
    random_reds = run.count(Lane.RED, SelectedBy.RANDOM)
    assert random_reds / stats.counts[Lane.RED] == pytest.approx(0.10, abs=0.05)
    assert run.count(Lane.RED, SelectedBy.SCORE) > 0.5 * stats.counts[Lane.RED]  # exploitation

    for (arrival, decision), share in zip(run.decisions, run.red_share_after, strict=True):
        if RED_HIT in arrival.hits:
            assert (decision.lane, decision.selected_by) == (Lane.RED, SelectedBy.RULE)
        elif YELLOW_HIT in arrival.hits:
            assert decision.lane in (Lane.YELLOW, Lane.RED)
        if (
            decision.selected_by in (SelectedBy.SCORE, SelectedBy.RANDOM)
            and decision.lane is Lane.RED
        ):
            assert share <= 0.10
    assert stats.red_over_cap == 0


def test_the_hard_cap_holds_for_score_selections_when_rules_force_many_reds() -> None:
    quota = LaneQuota(red=Decimal("0.05"), red_cap=Decimal("0.06"))
    allocator = LaneAllocator(QuotaTable(quota), random.Random(5))
    run = simulate(allocator, stream(8, 5_000, red_rules=0.055))
    stats = allocator.stats("CNPXG", DAY)
    rule_reds = run.count(Lane.RED, SelectedBy.RULE)
    assert rule_reds == sum(RED_HIT in a.hits for a, _ in run.decisions)
    for (_, decision), share in zip(run.decisions, run.red_share_after, strict=True):
        if decision.lane is Lane.RED and decision.selected_by is not SelectedBy.RULE:
            assert share <= 0.06
    assert stats.share(Lane.RED) <= 0.06 + 1 / 50
    over = [
        d
        for _, d in run.decisions
        if d.selected_by is SelectedBy.RULE and "hard cap" in d.reasons[1]
    ]
    assert stats.red_over_cap == len(over) > 0
    assert over[0].reasons[1].endswith("hard cap (rule-forced selections may exceed it)")


def test_rules_may_exceed_the_cap_and_say_so() -> None:
    allocator = LaneAllocator(QuotaTable(), random.Random(1))
    first = allocator.decide(subject(), Score(0.9), (RED_HIT,), DAY)
    assert first.lane is Lane.RED
    assert first.reasons[:3] == (
        "red: rule R1 party watch-list",
        "red lane at 100.0% is above its 10% hard cap (rule-forced selections may exceed it)",
        "rule R1 party watch-list: importer 'X' is on W1",
    )
    assert allocator.stats("CNPXG", DAY).red_over_cap == 1


def test_offices_have_independent_quotas_and_counts() -> None:
    busy = LaneQuota(red=Decimal("0.05"), yellow=Decimal("0.05"))
    table = QuotaTable(offices=(OfficeQuota("VNHPH", busy),))
    allocator = LaneAllocator(table, random.Random(9))
    rng = random.Random(4)
    for n, arrival in enumerate(stream(21, 12_000, red_rules=0, yellow_rules=0)):
        office = "VNHPH" if rng.random() < 0.5 else "CNPXG"
        allocator.decide(subject(n, office), Score(arrival.score), (), DAY)
    cn, vn = allocator.stats("CNPXG", DAY), allocator.stats("VNHPH", DAY)
    assert cn.total + vn.total == 12_000
    assert cn.share(Lane.RED) == pytest.approx(0.03, abs=0.007)
    assert cn.share(Lane.YELLOW) == pytest.approx(0.10, abs=0.02)
    assert vn.share(Lane.RED) == pytest.approx(0.05, abs=0.01)
    assert vn.share(Lane.YELLOW) == pytest.approx(0.05, abs=0.015)
    assert allocator.stats("THBKK", DAY).total == 0


def test_blue_takes_trusted_traders_up_to_its_quota() -> None:
    allocator = LaneAllocator(QuotaTable(LaneQuota(blue=Decimal("0.02"))), random.Random(2))
    run = simulate(allocator, stream(3, 10_000))
    stats = allocator.stats("CNPXG", DAY)
    assert stats.share(Lane.BLUE) == pytest.approx(0.02, abs=0.004)
    blues = [(a, d) for a, d in run.decisions if d.lane is Lane.BLUE]
    assert all(a.trusted and d.selected_by is SelectedBy.QUOTA for a, d in blues)
    assert (
        blues[0][1]
        .reasons[0]
        .startswith("blue: trusted trader (AEO) released for post-clearance audit; blue lane at")
    )


class Draws(random.Random):
    """A random source that returns the given values first, then 0.99."""

    def __init__(self, *values: float) -> None:
        super().__init__(0)
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0) if self.values else 0.99


def _warm_allocator(rng: random.Random, **quota: Decimal) -> LaneAllocator:
    """Recent scores 0.000 ... 0.999 at CNPXG, and 20 green declarations already today."""
    allocator = LaneAllocator(QuotaTable(LaneQuota(**quota)), rng)
    allocator.warm("CNPXG", (i / 1000 for i in range(1000)))
    for n in range(20):
        allocator.decide(subject(n), Score(0.0), (), DAY)
    return allocator


def test_decision_reasons_name_the_rule_or_the_threshold() -> None:
    allocator = _warm_allocator(Draws())
    green = allocator.decide(subject(), Score(0.04, ("base rate 0.02",)), (), DAY)
    assert (green.lane, green.selected_by) == (Lane.GREEN, SelectedBy.DEFAULT)
    assert green.reasons == (
        "green: score 0.04 below the red threshold 0.97 and yellow threshold 0.87; no rule hit",
        "score: base rate 0.02",
    )
    red = allocator.decide(subject(), Score(0.99), (), DAY)
    assert (red.lane, red.selected_by) == (Lane.RED, SelectedBy.SCORE)
    assert red.reasons[0] == (
        "red: score 0.99 is in the top 3.0% of the last 1,000 would-be-green scores at CNPXG "
        "(red threshold 0.97); red lane at 0.0% of its 3% quota"
    )
    yellow = allocator.decide(subject(), Score(0.9), (SCORE_HIT,), DAY)
    assert (yellow.lane, yellow.selected_by) == (Lane.YELLOW, SelectedBy.SCORE)
    assert yellow.reasons == (
        "yellow: score 0.90 is in the top 13.0% of the last 1,000 would-be-green scores at CNPXG "
        "(yellow threshold 0.871); yellow lane at 0.0% of its 10% quota",
        "rule R3 unit value: item 1: ...",
    )
    forced = allocator.decide(subject(), Score(0.5), (YELLOW_HIT, SCORE_HIT), DAY)
    assert forced.reasons[0] == "yellow: rule R4 certificate of origin"
    assert forced.selected_by is SelectedBy.RULE
    only_score = allocator.decide(subject(), Score(0.3), (SCORE_HIT,), DAY)
    assert only_score.reasons[0] == (
        "green: score 0.30 below the red threshold 0.97 and yellow threshold 0.869; "
        "rule R3 adds to the score only"
    )


def test_random_selection_says_so() -> None:
    allocator = _warm_allocator(Draws(*[0.99] * 20, 0.001))
    decision = allocator.decide(subject(), Score(0.01), (), DAY)
    assert (decision.lane, decision.selected_by) == (Lane.RED, SelectedBy.RANDOM)
    assert decision.reasons == ("red: random selection (0.3% of declarations)",)


def test_a_full_red_lane_sends_a_high_score_to_yellow() -> None:
    allocator = _warm_allocator(Draws())
    assert allocator.decide(subject(), Score(0.99), (), DAY).lane is Lane.RED
    second = allocator.decide(subject(), Score(0.995), (), DAY)
    assert second.lane is Lane.YELLOW
    assert second.reasons[1] == (
        "score is in the red band but the red lane at 4.8% of its 3% quota"
    )


def test_ties_and_warm_up_are_explained() -> None:
    allocator = LaneAllocator(QuotaTable(), Draws(), min_history=5)
    cold = allocator.decide(subject(), Score(0.5), (), DAY)
    assert cold.reasons[0] == (
        "green: score 0.50; ranking warming up (0 of 5 recent scores at CNPXG); no rule hit"
    )
    allocator.warm("CNPXG", [0.02] * 999)
    for n in range(20):
        allocator.decide(subject(n), Score(0.02), (), DAY)
    tied = allocator.decide(subject(), Score(0.02), (), DAY)
    assert tied.reasons[0] == (
        "green: score 0.02 tied, not drawn, at the red threshold 0.02 and tied, not drawn, at "
        "the yellow threshold 0.02; no rule hit"
    )


def test_periods_count_separately_and_old_ones_are_dropped() -> None:
    allocator = LaneAllocator(QuotaTable(), random.Random(0), keep_periods=2)
    for period in ("2026-11-28", "2026-11-29", "2026-11-30"):
        for n in range(5):
            allocator.decide(subject(n), Score(0.1), (), period)
    assert allocator.stats("CNPXG", "2026-11-30").total == 5
    assert allocator.stats("CNPXG", "2026-11-29").total == 5
    assert allocator.stats("CNPXG", "2026-11-28").total == 0  # dropped


def test_allocator_settings_are_checked() -> None:
    with pytest.raises(InvalidInput):
        LaneAllocator(QuotaTable(), random.Random(0), window=10, min_history=20)


def test_the_allocator_is_thread_safe() -> None:
    allocator = LaneAllocator(QuotaTable(), random.Random(13))
    arrivals = list(stream(17, 10_000))
    lanes: Counter[Lane] = Counter()
    guard = threading.Lock()
    start = threading.Barrier(4)

    def work(part: list[Arrival]) -> None:
        local: Counter[Lane] = Counter()
        start.wait()
        for a in part:
            local[allocator.decide(subject(a.n), Score(a.score), a.hits, DAY).lane] += 1
        with guard:
            lanes.update(local)

    threads = [threading.Thread(target=work, args=(arrivals[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = allocator.stats("CNPXG", DAY)
    assert stats.total == 10_000 == sum(lanes.values())
    assert dict(stats.counts) == {lane: lanes[lane] for lane in Lane}
    assert sum(stats.selected_by.values()) == 10_000
    assert stats.share(Lane.RED) == pytest.approx(0.03, abs=0.007)


def test_a_restarted_allocator_recalls_the_decisions_made_before_it() -> None:
    before = LaneAllocator(QuotaTable(), random.Random(3))
    run = simulate(before, stream(11, 400))
    after = LaneAllocator(QuotaTable(), random.Random(3))
    for arrival, decision in run.decisions:
        after.recall("CNPXG", DAY, decision.lane, decision.selected_by, arrival.score)
    # The period's counts are back, lane by lane and source by source ...
    assert after.stats("CNPXG", DAY) == before.stats("CNPXG", DAY)
    # ... and so is the ranking: the same next declaration gets the same lane and reasons,
    # where a fresh allocator would still be warming up.
    fresh = LaneAllocator(QuotaTable(), random.Random(5))
    probe = [(0.9, ()), (0.05, ()), (0.4, ())]
    for score, hits in probe:
        same = before.decide(subject(), Score(score), hits, DAY)
        again = after.decide(subject(), Score(score), hits, DAY)
        assert (again.lane, again.reasons) == (same.lane, same.reasons)
    assert "warming up" in fresh.decide(subject(), Score(0.9), (), DAY).reasons[0]
