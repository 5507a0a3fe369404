"""The fatigue factor of composite factors: 0-100, higher = fresher, and its point adjustment.

Unknown inputs take the reference's defaults: 1 day of rest, no back-to-back, 3 games and
200 minutes in 7 days, 30 minutes per game, no back-to-backs in 14 days, age 25.
"""

from __future__ import annotations

import polars as pl

FRESH = 100  # score of a rested young player with a light week


def fatigue_score(
    days_rest: pl.Expr,
    back_to_back: pl.Expr,
    games_in_last_7_days: pl.Expr,
    minutes_in_last_7_days: pl.Expr,
    avg_minutes_per_game_last_7: pl.Expr,
    back_to_backs_last_14_days: pl.Expr,
    player_age: pl.Expr,
) -> pl.Expr:
    """100 minus penalties for a back-to-back, a heavy week, recent back-to-backs and age, +5 after 3+ days off."""
    rest = pl.when(back_to_back.fill_null(False)).then(-15).when(days_rest.fill_null(1) >= 3).then(5).otherwise(0)
    busy_week = pl.when(games_in_last_7_days.fill_null(3) >= 4).then(-10).otherwise(0)
    heavy_week = pl.when(minutes_in_last_7_days.cast(pl.Float64).fill_null(200.0) > 240).then(-10).otherwise(0)
    long_games = pl.when(avg_minutes_per_game_last_7.cast(pl.Float64).fill_null(30.0) > 35).then(-8).otherwise(0)
    recent_b2bs = back_to_backs_last_14_days.fill_null(0)
    b2b_load = pl.when(recent_b2bs >= 2).then(-12).when(recent_b2bs == 1).then(-5).otherwise(0)
    age = player_age.fill_null(25)
    age_load = pl.when(age >= 35).then(-10).when(age >= 30).then(-5).otherwise(0)
    score = FRESH + rest + busy_week + heavy_week + long_games + b2b_load + age_load
    return score.clip(0, FRESH).cast(pl.Int64)


def fatigue_adjustment(fatigue_score: pl.Expr) -> pl.Expr:
    """Points added to the projection: (score - 100) / 20, so 100 -> 0 and 50 -> -2.5."""
    return (fatigue_score.cast(pl.Float64) - FRESH) / 20
