"""The sliding window of recent scores and its top-fraction cut, ties included."""

from __future__ import annotations

import random

import pytest

from cafta.risk.ranking import ScoreWindow


def test_distinct_scores_cut_at_the_top_k() -> None:
    window = ScoreWindow(1000, (i / 1000 for i in range(1000)))
    cut = window.cut(0.03)
    assert cut is not None
    assert (cut.threshold, cut.tie_chance) == (0.970, 1.0)
    draw = random.Random(0).random
    assert cut.admits(0.971, draw) and cut.admits(0.970, draw) and not cut.admits(0.9699, draw)


def test_a_fractional_k_selects_the_last_one_by_chance() -> None:
    window = ScoreWindow(10, (i / 10 for i in range(10)))
    cut = window.cut(0.15)  # k = 1.5 of 10
    assert cut is not None
    assert cut.threshold == 0.8
    assert cut.tie_chance == pytest.approx(0.5)


def test_ties_are_broken_by_chance_so_the_share_is_kept() -> None:
    # 970 declarations tied at the base rate, 30 above it: the top 5% must take 20 of the tied.
    window = ScoreWindow(1000, [0.02] * 970 + [0.5 + i / 100 for i in range(30)])
    cut = window.cut(0.05)
    assert cut is not None
    assert cut.threshold == 0.02
    assert cut.tie_chance == pytest.approx(20 / 970)
    rng = random.Random(3)
    picked = sum(cut.admits(0.02, rng.random) for _ in range(97_000))
    assert picked == pytest.approx(2000, rel=0.1)


def test_the_share_selected_from_the_same_distribution_matches_the_fraction() -> None:
    rng = random.Random(11)
    window = ScoreWindow(1000, (round(rng.betavariate(2, 8), 4) for _ in range(1000)))
    cut = window.cut(0.13)
    assert cut is not None
    picked = sum(cut.admits(round(rng.betavariate(2, 8), 4), rng.random) for _ in range(20_000))
    assert picked / 20_000 == pytest.approx(0.13, abs=0.015)


def test_the_window_slides_and_cuts_of_nothing_are_none() -> None:
    window = ScoreWindow(3)
    assert window.cut(0.5) is None
    for score in (0.9, 0.1, 0.2, 0.3):
        window.add(score)
    assert (len(window), window.size) == (3, 3)
    cut = window.cut(1 / 3)
    assert cut is not None and cut.threshold == 0.3  # 0.9 has left the window
    assert window.cut(0.0) is None
    everything = window.cut(1.5)
    assert everything is not None and everything.threshold == 0.1
    with pytest.raises(ValueError, match="at least one"):
        ScoreWindow(0)
