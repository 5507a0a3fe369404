"""Workload: games and minutes a player carried over recent days or games.

Day-window functions take `days_before` (whole days from the game to D, 1 = the day before D)
and run in ``agg`` over history rows already limited to `D - 14 <= game_date < D`. Game-window
functions run in ``agg`` over the player's games sorted newest first.
"""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import round_half_away


def games_in_last_days(days_before: pl.Expr, days: int) -> pl.Expr:
    """Rows (any status) in `D - days <= game_date < D`: a DNP row counts as a game, as in the reference."""
    return (days_before <= days).sum().cast(pl.Int64)


def minutes_in_last_days(minutes_played: pl.Expr, days_before: pl.Expr, days: int) -> pl.Expr:
    """Minutes summed over `D - days <= game_date < D`, rounded half away from zero to whole minutes; 0 if none."""
    total = minutes_played.filter(days_before <= days).sum()
    return round_half_away(total, 0).cast(pl.Int64)


def avg_minutes_per_game_last_days(minutes_played: pl.Expr, days_before: pl.Expr, days: int) -> pl.Expr:
    """Minutes over the window divided by its row count (NULL minutes count as games); null without games."""
    in_window = days_before <= days
    games = in_window.sum()
    return pl.when(games > 0).then(minutes_played.filter(in_window).sum() / games)


def avg_usage_rate_last_days(usage_rate: pl.Expr, days_before: pl.Expr, days: int) -> pl.Expr:
    """Mean non-null usage rate (percent of team plays) over `D - days <= game_date < D`; null if none."""
    return usage_rate.filter(days_before <= days).mean()


def minutes_avg_last_10(minutes_played: pl.Expr) -> pl.Expr:
    """Mean minutes of the 10 newest games (newest-first groups); NULL minutes are skipped."""
    return minutes_played.head(10).mean()
