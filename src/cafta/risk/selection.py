"""Lanes for a batch of declarations: rules, a random floor, then quotas filled by priority.

The batch counterpart of the online :class:`~cafta.risk.lanes.LaneAllocator`, for a day's or a
week's declarations scored together (``cafta risk score``, the replay of :mod:`.replay`). Per
office, with ``n`` declarations and its :class:`~cafta.risk.quotas.LaneQuota`, in ASYCUDA's
order (MODSEL: criteria, then the minimum random rate, then the expected rates filled by risk;
risk-anchors.md §5):

1. **rule**: a declaration a rule forces red is red, even above the hard cap;
2. **random**: ``round(red * n * random_share)`` declarations drawn uniformly from the others
   (with the injected random source) are red, within the hard cap: the unbiased labels that
   keep the model learning and measure the true fraud rate;
3. **score**: the red lane is filled to exactly ``round(red * n)`` declarations (never above
   ``floor(red_cap * n)``) with the highest priorities; ties are broken by expected value, then
   by input order;
4. **rule**: a declaration a rule forces yellow or blue takes that lane;
5. **score**: the yellow lane is filled to ``round(yellow * n)`` with the next priorities;
6. **default**: everything else is green.

Each result carries the reason in words, like the online allocator's.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cafta.risk.decision import SelectedBy
from cafta.risk.quotas import LaneQuota
from cafta.risk.rules import Lane

__all__ = ["Candidate", "Selection", "select_lanes"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored declaration; ``forced`` is a lane a rule imposes (with its reason)."""

    key: str
    office: str
    priority: float
    expected_value: float = 0.0
    forced: Lane | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Selection:
    """The lane of one candidate, what selected it, and why in words."""

    key: str
    lane: Lane
    selected_by: SelectedBy
    reason: str


def _count(share: float, n: int) -> int:
    """``share * n`` rounded half up (3% of 50 is 2)."""
    return math.floor(share * n + 0.5 + 1e-9)


def select_lanes(
    candidates: Sequence[Candidate],
    quota_for: Callable[[str], LaneQuota],
    rng: random.Random,
) -> list[Selection]:
    """Lanes for ``candidates``, in their order (see the module docstring)."""
    by_office: defaultdict[str, list[int]] = defaultdict(list)
    for i, candidate in enumerate(candidates):
        by_office[candidate.office].append(i)
    out: list[Selection | None] = [None] * len(candidates)
    for office in sorted(by_office):
        members = by_office[office]
        for i, selection in zip(
            members, _office(candidates, members, quota_for(office), rng), strict=True
        ):
            out[i] = selection
    return [s for s in out if s is not None]


def _office(
    candidates: Sequence[Candidate],
    members: list[int],
    quota: LaneQuota,
    rng: random.Random,
) -> list[Selection]:
    n = len(members)
    red_target = _count(float(quota.red), n)
    cap = math.floor(float(quota.red_cap) * n + 1e-9)
    yellow_target = _count(float(quota.yellow), n)
    chosen: dict[int, Selection] = {}
    for i in members:
        c = candidates[i]
        if c.forced is Lane.RED:
            chosen[i] = Selection(c.key, Lane.RED, SelectedBy.RULE, f"red: {c.rule}")
    reds = len(chosen)
    draws = min(_count(float(quota.red * quota.random_share), n), max(0, cap - reds))
    free = [i for i in members if i not in chosen and candidates[i].forced is None]
    rate = 100 * float(quota.red * quota.random_share)
    for i in sorted(rng.sample(free, min(draws, len(free)))):
        chosen[i] = Selection(
            candidates[i].key,
            Lane.RED,
            SelectedBy.RANDOM,
            f"red: random selection ({rate:g}% of declarations)",
        )
        reds += 1
    ranked = sorted(
        (i for i in members if i not in chosen and candidates[i].forced is None),
        key=lambda i: (-candidates[i].priority, -candidates[i].expected_value, i),
    )
    position = 0
    while reds < min(red_target, cap) and position < len(ranked):
        i = ranked[position]
        position += 1
        chosen[i] = Selection(
            candidates[i].key,
            Lane.RED,
            SelectedBy.SCORE,
            f"red: priority {candidates[i].priority:.4f} is among the top {red_target} of {n} "
            f"at office {candidates[i].office}",
        )
        reds += 1
    yellows = 0
    for i in members:
        c = candidates[i]
        if i not in chosen and c.forced is not None:
            chosen[i] = Selection(c.key, c.forced, SelectedBy.RULE, f"{c.forced}: {c.rule}")
            yellows += c.forced is Lane.YELLOW
    while yellows < yellow_target and position < len(ranked):
        i = ranked[position]
        position += 1
        if i in chosen:
            continue
        chosen[i] = Selection(
            candidates[i].key,
            Lane.YELLOW,
            SelectedBy.SCORE,
            f"yellow: priority {candidates[i].priority:.4f} is in the next {yellow_target} of "
            f"{n} at office {candidates[i].office}",
        )
        yellows += 1
    for i in members:
        if i not in chosen:
            chosen[i] = Selection(
                candidates[i].key,
                Lane.GREEN,
                SelectedBy.DEFAULT,
                f"green: priority {candidates[i].priority:.4f} is below the red and yellow quotas",
            )
    return [chosen[i] for i in members]
