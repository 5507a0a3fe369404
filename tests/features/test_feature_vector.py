"""Resolving a feature: Phase 4, else Phase 3, else default, with the winning source recorded."""

from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import feature_vector
from nbaray.features.feature_sets import (
    V1_BASELINE_25,
    Feature,
    FeatureSet,
    Phase4Column,
    derived,
    percent_to_fraction,
)

PDC = Phase4Column("player_daily_cache", "points_avg_last_10")
PSZA_PAINT = Phase4Column("player_shot_zone_analysis", "paint_rate_last_10")
PDC_PAINT = Phase4Column("player_daily_cache", "paint_rate_last_10")


def recent_mean(last_10_points: pl.Expr) -> pl.Expr:
    return pl.when(last_10_points.list.len() > 0).then(last_10_points.list.mean())


POINTS = Feature("points_avg_last_10", (PDC,), derived(recent_mean), 10.0)
PAINT = Feature("pct_paint", (PSZA_PAINT, PDC_PAINT), default=30.0, transform=percent_to_fraction)


def resolve(feature: Feature, **columns: list) -> list[tuple[float, str]]:
    frame = pl.DataFrame(columns, strict=False)
    value, source = feature_vector.value_and_source(feature)
    return list(frame.select(value.alias("v"), source.alias("s")).iter_rows())


def test_phase4_then_phase3_then_default() -> None:
    rows = resolve(
        POINTS,
        **{"player_daily_cache.has_row": [True, True, False, False],
           "player_daily_cache.points_avg_last_10": [21.5, None, None, None],
           "last_10_points": [[1.0], [12.0, 14.0], [12.0, 14.0], []]},
    )  # fmt: skip
    assert rows == [(21.5, "phase4"), (13.0, "phase3"), (13.0, "phase3"), (10.0, "default")]


def test_nan_counts_as_missing() -> None:
    rows = resolve(
        POINTS,
        **{"player_daily_cache.has_row": [True], "player_daily_cache.points_avg_last_10": [float("nan")],
           "last_10_points": [[]]},
    )  # fmt: skip
    assert rows == [(10.0, "default")]


def test_first_table_with_a_row_wins_even_when_its_value_is_null() -> None:
    rows = resolve(
        PAINT,
        **{"player_shot_zone_analysis.has_row": [True, True, False, False],
           "player_shot_zone_analysis.paint_rate_last_10": [40.0, None, None, None],
           "player_daily_cache.has_row": [True, True, True, False],
           "player_daily_cache.paint_rate_last_10": [10.0, 10.0, 25.0, None]},
    )  # fmt: skip
    assert rows == [(0.4, "phase4"), (0.3, "default"), (0.25, "phase4"), (0.3, "default")]


def test_calculated_features_are_always_labelled_calculated() -> None:
    feature = V1_BASELINE_25.features[V1_BASELINE_25.names.index("team_win_pct")]
    assert resolve(feature, team_season_wins=[None], team_season_games=[None]) == [(0.5, "calculated")]


def test_vector_columns_follow_index_order() -> None:
    feature_set = FeatureSet("t", (PAINT, POINTS))
    frame = pl.DataFrame(
        {"player_shot_zone_analysis.has_row": [False], "player_shot_zone_analysis.paint_rate_last_10": [None],
         "player_daily_cache.has_row": [True], "player_daily_cache.paint_rate_last_10": [50.0],
         "player_daily_cache.points_avg_last_10": [None], "last_10_points": [[8.0]]},
        schema_overrides={"player_shot_zone_analysis.paint_rate_last_10": pl.Float64,
                          "player_daily_cache.points_avg_last_10": pl.Float64},
    )  # fmt: skip
    row = frame.select(
        feature_vector.features(feature_set),
        feature_vector.feature_sources(feature_set),
        feature_vector.feature_names(feature_set),
    ).row(0, named=True)
    assert row == {
        "features": pytest.approx([0.5, 8.0]),
        "feature_sources": ["phase4", "phase3"],
        "feature_names": ["pct_paint", "points_avg_last_10"],
    }
