"""Phase 3 values of features 0-2 and 15-17 (spec 2.5, 2.6)."""

from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import phase3_fallbacks

EXAMPLE_A_POINTS = [12, 15, 9, 20, 22, 18, 14, 16, 11, 13]  # newest first


def on(values: list, dtype: pl.DataType, expr) -> list:
    return pl.DataFrame({"x": values}, schema={"x": dtype}).select(expr(pl.col("x")))["x"].to_list()


def test_points_averages_example_b2() -> None:
    points = pl.List(pl.Int64)
    assert on([EXAMPLE_A_POINTS], points, phase3_fallbacks.points_avg_last_5) == [pytest.approx(15.6)]
    assert on([EXAMPLE_A_POINTS], points, phase3_fallbacks.points_avg_last_10) == [15.0]


def test_points_averages_need_games_and_count_missing_points_as_zero() -> None:
    points = pl.List(pl.Int64)
    assert on([[10, 10, 10, 10], [], None], points, phase3_fallbacks.points_avg_last_5) == [None, None, None]
    assert on([[10, None, 10, 10, 10]], points, phase3_fallbacks.points_avg_last_5) == [8.0]
    assert on([[], None, [9, None]], points, phase3_fallbacks.points_avg_last_10) == [None, None, 4.5]


def test_context_flags_count_unknown_as_zero() -> None:
    assert on([True, False, None], pl.Boolean, phase3_fallbacks.home_away) == [1.0, 0.0, 0.0]
    assert on([True, False, None], pl.Boolean, phase3_fallbacks.back_to_back) == [1.0, 0.0, 0.0]
    assert on(["Playoffs", "mid", None], pl.String, phase3_fallbacks.playoff_game) == [1.0, 0.0, 0.0]


def test_points_avg_season_passes_the_season_mean_through() -> None:
    assert on([14.2, None], pl.Float64, phase3_fallbacks.points_avg_season) == [14.2, None]
