"""The engine end to end (rules → score → lane), and the rule-based scorer."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

import pytest

from cafta.core.errors import InvalidInput
from cafta.core.provenance import Status
from cafta.risk.engine import RiskEngine, daily_period, monthly_period, weekly_period
from cafta.risk.lanes import LaneAllocator, SelectedBy
from cafta.risk.quotas import QuotaTable
from cafta.risk.rules import Lane, RuleHit
from cafta.risk.ruleset import default_rules
from cafta.risk.scoring import RuleScorer, Score, Scorer
from cafta.risk.subject import RiskItem, RiskSubject

MakeSubject = Callable[..., RiskSubject]
MakeItem = Callable[..., RiskItem]


def engine(rng_seed: int = 0) -> RiskEngine:
    return RiskEngine(
        default_rules(), RuleScorer(), LaneAllocator(QuotaTable(), random.Random(rng_seed))
    )


def test_a_watch_listed_importer_is_red_with_every_reason(
    make_subject: MakeSubject, make_item: MakeItem
) -> None:
    s = make_subject(
        make_item(value=Decimal("200"), preference_claimed=True, certificate_outcome="rejected"),
        importer="Example Undervaluation Trading Co.",
    )
    decision = engine().assess(s)
    assert (decision.lane, decision.selected_by) == (Lane.RED, SelectedBy.RULE)
    assert decision.status is Status.ILLUSTRATIVE
    assert [h.rule_id for h in decision.hits] == ["R1", "R3", "R4"]
    assert decision.reasons[0] == "red: rule R1 party watch-list"
    assert decision.reasons[2:5] == (
        "rule R1 party watch-list: importer 'Example Undervaluation Trading Co.' is on "
        "watch-list W1 (reason: repeated undervaluation findings) (illustrative)",
        "rule R3 unit value: item 1: value per kg 5.00 CNY is below 25% of the reference "
        "30.00 CNY/kg for 0810.60 (illustrative)",
        "rule R4 certificate of origin: item 1: preference claimed but the Form E was rejected "
        "(MFN duty applies, check the documents)",
    )
    assert decision.score == pytest.approx(1 - 0.98 * 0.1 * 0.5 * 0.5, abs=1e-4)
    assert decision.reasons[-1] == "score: base rate 0.02"


def test_a_clean_declaration_is_green_and_counted(make_subject: MakeSubject) -> None:
    risk = engine()
    decision = risk.assess(make_subject())
    assert (decision.lane, decision.selected_by, decision.score) == (
        Lane.GREEN,
        SelectedBy.DEFAULT,
        0.02,
    )
    assert decision.status is Status.OFFICIAL
    assert risk.allocator.stats("CNPXG", "2026-11-30").counts[Lane.GREEN] == 1


def test_the_scorer_is_a_port(make_subject: MakeSubject) -> None:
    class Fixed:
        def score(self, subject: RiskSubject, hits: Sequence[RuleHit] = ()) -> Score:
            return Score(0.5, ("model v0",))

    scorer: Scorer = Fixed()
    risk = RiskEngine(
        default_rules(),
        scorer,
        LaneAllocator(QuotaTable(), random.Random(0)),
        period=monthly_period,
    )
    decision = risk.assess(make_subject())
    assert decision.score == 0.5 and decision.reasons[-1] == "score: model v0"
    assert risk.allocator.stats("CNPXG", "2026-11").total == 1


def test_rule_scorer_combines_hits_as_a_noisy_or(make_subject: MakeSubject) -> None:
    hits = (
        RuleHit("R3", "unit value", Lane.YELLOW, Decimal("0.5"), "..."),
        RuleHit("R4", "certificate of origin", None, Decimal("0.2"), "..."),
    )
    score = RuleScorer().score(make_subject(), hits)
    assert score.value == 0.608  # 1 - 0.98 x 0.5 x 0.8
    assert score.reasons == (
        "rule R3 unit value adds weight 0.5",
        "rule R4 certificate of origin adds weight 0.2",
        "base rate 0.02",
    )
    trusted = RuleScorer().score(make_subject(trusted_trader=True), hits)
    assert trusted.value == 0.304
    assert trusted.reasons[-1] == "trusted trader (AEO): score x 0.5"
    assert RuleScorer().score(make_subject()).value == 0.02


def test_scores_are_checked() -> None:
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(InvalidInput):
            Score(bad)
    with pytest.raises(InvalidInput):
        RuleScorer(base=Decimal(1))
    assert str(Score(0.04)) == "0.04"


def test_periods(make_subject: MakeSubject) -> None:
    on = make_subject(on=date(2026, 11, 30)).on
    assert (daily_period(on), weekly_period(on), monthly_period(on)) == (
        "2026-11-30",
        "2026-W49",
        "2026-11",
    )
