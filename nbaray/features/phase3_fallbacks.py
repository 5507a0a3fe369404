"""Phase 3 values of feature-store features: used when the Phase 4 value is missing (or none exists).

Row-wise over the feature store's input frame, like `calculated`: the player's recent games as
lists, newest first (`player_game_summary` rows with `D - 60 <= game_date < D`, at most 10; a
missing statistic counts as 0), his season averages, and his context row for D. A null result
means "no Phase 3 value": the feature then takes its default.
"""

from __future__ import annotations

import polars as pl

LAST_5_MIN_GAMES = 5  # recent games the 5-game average needs


def points_avg_last_5(last_10_points: pl.Expr) -> pl.Expr:
    """Mean points of his 5 newest recent games (feature 0); null with fewer than 5."""
    games = last_10_points.list.len().fill_null(0)
    return pl.when(games >= LAST_5_MIN_GAMES).then(_zero_filled(last_10_points).list.head(5).list.mean())


def points_avg_last_10(last_10_points: pl.Expr) -> pl.Expr:
    """Mean points of his recent games, at most 10 (feature 1); null without one."""
    games = last_10_points.list.len().fill_null(0)
    return pl.when(games > 0).then(_zero_filled(last_10_points).list.mean())


def points_avg_season(season_points_avg: pl.Expr) -> pl.Expr:
    """Mean points of his rows this season before D, missing points skipped (feature 2); null without one."""
    return season_points_avg.cast(pl.Float64)


def home_away(home_game: pl.Expr) -> pl.Expr:
    """1.0 when he plays at home on D, else 0.0; unknown counts as away (feature 15)."""
    return home_game.fill_null(False).cast(pl.Float64)


def back_to_back(back_to_back: pl.Expr) -> pl.Expr:
    """1.0 when D is the second of two days in a row for him, else 0.0; unknown counts as no (feature 16)."""
    return back_to_back.fill_null(False).cast(pl.Float64)


def playoff_game(season_phase: pl.Expr) -> pl.Expr:
    """1.0 when the lower-cased season phase of D is 'playoffs', else 0.0 (feature 17)."""
    return (season_phase.str.to_lowercase() == "playoffs").fill_null(False).cast(pl.Float64)


def _zero_filled(recent: pl.Expr) -> pl.Expr:
    return recent.list.eval(pl.element().cast(pl.Float64).fill_nan(None).fill_null(0.0))
