from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import scoring, usage

# PDC-2 re-derived: johnroe's six games before 2024-11-08, newest first
GAMES = pl.DataFrame({
    "points": [3, 15, 9, 14, 11, 8],
    "ts_pct": [None, 0.612, 0.480, 0.590, 0.533, 0.500],
    "usage_rate": [None, 21.0, 17.25, 20.0, 18.75, 16.5],
    "fg_makes": [1, 6, 4, 6, 4, 3],
    "assisted_fg_makes": [1, 5, 3, 4, 3, 3],
})  # fmt: skip
points = pl.col("points")


def test_scoring_features_match_pdc2() -> None:
    result = GAMES.select(
        last_5=scoring.points_avg_last_5(points), last_10=scoring.points_avg_last_10(points),
        season=scoring.points_avg_season(points), std=scoring.points_std_last_10(points),
        ts=scoring.ts_pct_last_10(pl.col("ts_pct")),
        assisted=scoring.assisted_rate_last_10(pl.col("fg_makes"), pl.col("assisted_fg_makes")),
        usage_10=usage.usage_rate_last_10(pl.col("usage_rate")),
        usage_season=usage.player_usage_rate_season(pl.col("usage_rate")),
    ).row(0, named=True)  # fmt: skip
    assert result == pytest.approx(
        {
            "last_5": 10.4,
            "last_10": 10.0,
            "season": 10.0,
            "std": 96**0.5 / 5**0.5,
            "ts": 0.543,
            "assisted": 19 / 24,
            "usage_10": 18.7,
            "usage_season": 18.7,
        }
    )


def test_assisted_rate_is_null_without_a_make() -> None:
    frame = pl.DataFrame({"fg_makes": [0, 0], "assisted_fg_makes": [0, 0]})
    assert frame.select(scoring.assisted_rate_last_10(pl.col("fg_makes"), pl.col("assisted_fg_makes"))).item() is None


def test_points_std_is_null_for_a_single_game() -> None:
    assert pl.DataFrame({"points": [12]}).select(scoring.points_std_last_10(points)).item() is None
