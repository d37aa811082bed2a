"""The lane allocator: rules, then a random floor, then quotas filled by risk ranking, online.

ASYCUDA's selectivity (MODSEL, UNCTAD ASYCUDA++ Functional Manual §6; risk-anchors.md §5) picks
lanes by (1) local criteria, (2) random selection at a minimum random rate, (3) filling each
lane up to its expected rate from the would-be-green declarations ranked by risk, precedence
red → yellow → blue. :class:`LaneAllocator` does this one declaration at a time, as they arrive:

1. **rule**: a hit forcing red makes the declaration red, even above the hard cap (such
   declarations are counted in :attr:`LaneStats.red_over_cap` and say so in their reasons);
2. **random**: otherwise it is drawn red with probability ``red * random_share`` (0.3% by
   default), unless that would take the red share above the hard cap;
3. **rule**: a hit forcing yellow or blue sets that lane;
4. **score**: otherwise (would-be-green) its score is ranked against the office's recent
   would-be-green scores (:mod:`.ranking`): in the top ``red`` share → red, in the top
   ``red + yellow`` share → yellow, each only while that lane is below its quota for the period
   (its count is below ``target * declarations so far``) and, for red, the red share stays
   within the hard cap. A declaration the red quota refuses falls to yellow, and one the yellow
   quota refuses to the next step;
5. **quota**: a trusted trader (AEO) goes blue while the blue lane is below its quota;
6. **default**: green.

The ranking shares are divided by the share of declarations that reach step 4 (estimated over
the period with 20 pseudo-declarations, so the first of a day are not over-weighted): the lanes'
targets are shares of *all* declarations, and rules and random draws have already filled part
of them. This over-supplies candidates slightly; the quota check trims the surplus, which is how
the realised shares track the targets.

State (per office: the score window; per office and period: the counts) lives in the allocator
object, injected with its random source; a lock guards it, since the API decides from threads.
The period is a key the caller chooses (``2026-11-30`` for a day); the allocator keeps the
latest ``keep_periods`` of them per office.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cafta.core.errors import InvalidInput
from cafta.core.frozen import direct_init
from cafta.identifiers import locode
from cafta.risk.decision import LaneDecision, LaneStats, SelectedBy
from cafta.risk.quotas import LaneQuota, QuotaTable
from cafta.risk.ranking import Cut, ScoreWindow
from cafta.risk.rules import Lane, RuleHit, percent
from cafta.risk.scoring import Score
from cafta.risk.subject import RiskSubject

__all__ = ["LaneAllocator", "LaneDecision", "LaneStats", "SelectedBy"]

_POOL_PRIOR = 20


class _Tally:
    __slots__ = ("lanes", "pool", "red_over_cap", "sources", "total")

    def __init__(self) -> None:
        self.total = 0
        self.pool = 0
        self.red_over_cap = 0
        self.lanes = dict.fromkeys(Lane, 0)
        self.sources = dict.fromkeys(SelectedBy, 0)

    def share_text(self, lane: Lane) -> str:
        return f"{100 * self.lanes[lane] / self.total:.1f}%" if self.total else "0.0%"


class _Office:
    __slots__ = ("periods", "window")

    def __init__(self, window: int) -> None:
        self.window = ScoreWindow(window)
        self.periods: OrderedDict[str, _Tally] = OrderedDict()


# Scores and thresholds take few distinct values (rule scores have 4 decimals), and every
# reason shows some: the two helpers below remember their answers.


@lru_cache(maxsize=4096)
def _places(score: float, *thresholds: float) -> int:
    """Decimals (2 to 6) at which ``score`` compares with every threshold as it really does."""
    for places in range(2, 6):
        shown = round(score, places)
        if all((shown == round(t, places)) == (score == t) for t in thresholds):
            return places
    return 6


def _num(value: float, places: int) -> str:
    """``value`` with at least ``places`` decimals, and up to 4 when it has them: 0.99, 0.995."""
    # -0.0 is the same key as 0.0 but is written "-0.00": only positive values are remembered.
    return _num_text(value, places) if value > 0 else _write(value, places)


def _write(value: float, places: int) -> str:
    text = f"{value:.{max(places, 4)}f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(places, '0')}"


_num_text = lru_cache(maxsize=4096)(_write)


@direct_init
@dataclass(frozen=True, slots=True)
class _Context:
    """One decision in progress, decided under the allocator's lock."""

    subject: RiskSubject
    quota: LaneQuota
    tally: _Tally
    score: float

    @property
    def seen(self) -> int:
        """Declarations of the period including this one."""
        return self.tally.total + 1

    def below(self, lane: Lane) -> bool:
        return self.tally.lanes[lane] < self.quota.target(lane) * self.seen

    def within_cap(self) -> bool:
        return self.tally.lanes[Lane.RED] + 1 <= self.quota.red_cap * self.seen

    def quota_text(self, lane: Lane) -> str:
        target = percent(self.quota.target(lane))
        return f"{lane} lane at {self.tally.share_text(lane)} of its {target} quota"


class LaneAllocator:
    """Decides lanes online, by quota per office and period (see the module docstring)."""

    def __init__(
        self,
        quotas: QuotaTable,
        rng: random.Random,
        *,
        window: int = 1000,
        min_history: int = 100,
        keep_periods: int = 8,
    ) -> None:
        if window < 1 or not 0 <= min_history <= window or keep_periods < 1:
            raise InvalidInput(
                "window must be at least 1, min_history from 0 to window, keep_periods at least 1",
                code="risk.invalid_allocator",
            )
        self._quotas = quotas
        self._rng = rng
        self._window = window
        self._min_history = min_history
        self._keep = keep_periods
        self._offices: dict[str, _Office] = {}
        self._lock = threading.Lock()

    @property
    def quotas(self) -> QuotaTable:
        """The quota table the lanes are allocated by."""
        return self._quotas

    def _office(self, office: str) -> _Office:
        state = self._offices.get(office)
        if state is None:
            state = self._offices[office] = _Office(self._window)
        return state

    def _tally(self, office: _Office, period: str) -> _Tally:
        tally = office.periods.get(period)
        if tally is None:
            tally = office.periods[period] = _Tally()
            while len(office.periods) > self._keep:
                office.periods.popitem(last=False)
        return tally

    def warm(self, office: str, scores: Iterable[float]) -> None:
        """Preload an office's window with recent would-be-green scores (e.g. after a restart)."""
        code = locode.compact(office)
        with self._lock:
            window = self._office(code).window
            for value in scores:
                window.add(Score(value).value)

    def recall(
        self, office: str, period_key: str, lane: Lane, selected_by: SelectedBy, score: float
    ) -> None:
        """Count a decision made before this allocator existed (a restart), oldest first: the
        period's lane and source counts, and, for a declaration that was ranked (neither forced
        by a rule nor drawn at random), the window of would-be-green scores and the pool."""
        code = locode.compact(office)
        with self._lock:
            state = self._office(code)
            tally = self._tally(state, period_key)
            tally.total += 1
            tally.lanes[lane] += 1
            tally.sources[selected_by] += 1
            if selected_by not in (SelectedBy.RULE, SelectedBy.RANDOM):
                tally.pool += 1
                state.window.add(Score(score).value)

    def stats(self, office: str, period_key: str) -> LaneStats:
        code = locode.compact(office)
        with self._lock:
            state = self._offices.get(code)
            tally = state.periods.get(period_key) if state else None
            tally = tally or _Tally()
            return LaneStats(
                code,
                period_key,
                tally.total,
                dict(tally.lanes),
                dict(tally.sources),
                tally.red_over_cap,
            )

    def decide(
        self, subject: RiskSubject, score: Score, hits: Sequence[RuleHit], period_key: str
    ) -> LaneDecision:
        """The lane of ``subject`` given its score and rule hits, counted in ``period_key``."""
        found = tuple(hits)
        with self._lock:
            office = self._office(subject.office)
            tally = self._tally(office, period_key)
            quota = self._quotas.for_office(subject.office, subject.on)
            ctx = _Context(subject, quota, tally, score.value)
            lane, by, lines = self._choose(ctx, office.window, found)
            tally.total += 1
            tally.lanes[lane] += 1
            tally.sources[by] += 1
        reasons = (*lines, *(str(h) for h in found), *(f"score: {r}" for r in score.reasons))
        return LaneDecision(lane, score.value, reasons, by, found)

    def _choose(
        self, ctx: _Context, window: ScoreWindow, hits: tuple[RuleHit, ...]
    ) -> tuple[Lane, SelectedBy, list[str]]:
        forced = max(
            (h.lane for h in hits if h.lane is not None), key=lambda lane: lane.rank, default=None
        )
        labels = " + ".join(h.label for h in hits if h.lane is forced)
        if forced is Lane.RED:
            lines = [f"red: {labels}"]
            if not ctx.within_cap():
                ctx.tally.red_over_cap += 1
                red = 100 * (ctx.tally.lanes[Lane.RED] + 1) / ctx.seen
                lines.append(
                    f"red lane at {red:.1f}% is above its {percent(ctx.quota.red_cap)} hard cap "
                    "(rule-forced selections may exceed it)"
                )
            return Lane.RED, SelectedBy.RULE, lines
        notes: list[str] = []
        rate = ctx.quota.random_rate
        if rate > 0 and self._rng.random() < float(rate):
            if ctx.within_cap():
                return (
                    Lane.RED,
                    SelectedBy.RANDOM,
                    [f"red: random selection ({percent(rate)} of declarations)"],
                )
            notes.append("random selection skipped: the red lane is at its hard cap")
        if forced is not None:
            return forced, SelectedBy.RULE, [f"{forced}: {labels}", *notes]
        ctx.tally.pool += 1
        lane, by, lines = self._rank(ctx, window, hits, notes)
        window.add(ctx.score)
        return lane, by, lines

    def _rank(
        self, ctx: _Context, window: ScoreWindow, hits: tuple[RuleHit, ...], notes: list[str]
    ) -> tuple[Lane, SelectedBy, list[str]]:
        red_cut = band_cut = None
        if len(window) >= max(1, self._min_history):
            pool = (ctx.tally.pool + _POOL_PRIOR) / (ctx.seen + _POOL_PRIOR)
            red_cut = window.cut(float(ctx.quota.red) / pool)
            band_cut = window.cut(float(ctx.quota.red + ctx.quota.yellow) / pool)
        s, m = ctx.score, len(window)

        def top(cut: Cut, lane: Lane) -> str:
            places = _places(s, cut.threshold)
            shown, threshold = _num(s, places), _num(cut.threshold, places)
            return (
                f"{lane}: score {shown} is in the top {100 * min(cut.fraction, 1):.1f}% of the "
                f"last {m:,} would-be-green scores at {ctx.subject.office} ({lane} threshold "
                f"{threshold}); {ctx.quota_text(lane)}"
            )

        in_red = red_cut is not None and red_cut.admits(s, self._rng.random)
        if in_red and red_cut is not None:
            if ctx.below(Lane.RED) and ctx.within_cap():
                return Lane.RED, SelectedBy.SCORE, [top(red_cut, Lane.RED), *notes]
            limit = (
                ctx.quota_text(Lane.RED)
                if not ctx.below(Lane.RED)
                else f"red lane at its {percent(ctx.quota.red_cap)} hard cap"
            )
            notes.append(f"score is in the red band but the {limit}")
        in_band = in_red or (band_cut is not None and band_cut.admits(s, self._rng.random))
        if in_band and band_cut is not None:
            if ctx.below(Lane.YELLOW):
                return Lane.YELLOW, SelectedBy.SCORE, [top(band_cut, Lane.YELLOW), *notes]
            notes.append(f"score is in the yellow band but the {ctx.quota_text(Lane.YELLOW)}")
        if ctx.subject.trusted_trader and ctx.quota.blue > 0 and ctx.below(Lane.BLUE):
            line = (
                "blue: trusted trader (AEO) released for post-clearance audit; "
                f"{ctx.quota_text(Lane.BLUE)}"
            )
            return Lane.BLUE, SelectedBy.QUOTA, [line, *notes]
        return (
            Lane.GREEN,
            SelectedBy.DEFAULT,
            [self._green(ctx, m, cuts=(red_cut, band_cut), hits=hits, notes=notes)],
        )

    def _green(
        self,
        ctx: _Context,
        m: int,
        *,
        cuts: tuple[Cut | None, Cut | None],
        hits: tuple[RuleHit, ...],
        notes: list[str],
    ) -> str:
        parts = list(notes)
        named = [(name, cut) for name, cut in zip(("red", "yellow"), cuts, strict=True) if cut]
        places = _places(ctx.score, *(cut.threshold for _, cut in named))
        shown = f"score {_num(ctx.score, places)}"
        if not parts and named:
            if all(ctx.score < cut.threshold for _, cut in named):
                names = [f"{name} threshold {_num(cut.threshold, places)}" for name, cut in named]
                parts.append(f"{shown} below the {' and '.join(names)}")
            else:
                clauses = [
                    f"{'below' if ctx.score < cut.threshold else 'tied, not drawn, at'} the "
                    f"{name} threshold {_num(cut.threshold, places)}"
                    for name, cut in named
                ]
                parts.append(f"{shown} {' and '.join(clauses)}")
        elif not parts and m < self._min_history:
            parts.append(
                f"{shown}; ranking warming up ({m} of {self._min_history} recent scores at "
                f"{ctx.subject.office})"
            )
        elif not parts:
            parts.append(f"{shown}; no red or yellow quota to fill")
        ids = ", ".join(h.rule_id for h in hits)
        only = f"rule {ids} adds" if len(hits) == 1 else f"rules {ids} add"
        parts.append(f"{only} to the score only" if hits else "no rule hit")
        return "green: " + "; ".join(parts)
