"""Scoring and shooting form over a player's games before D.

Each function runs in ``agg`` over one player's qualifying games of the season, sorted newest
first (ties by date desc, then game id desc, D7) and capped at 82 rows. NULLs are skipped.
"""

from __future__ import annotations

import polars as pl


def points_avg_last_5(points: pl.Expr) -> pl.Expr:
    """Mean points of the 5 newest games."""
    return points.head(5).mean()


def points_avg_last_10(points: pl.Expr) -> pl.Expr:
    """Mean points of the 10 newest games."""
    return points.head(10).mean()


def points_avg_season(points: pl.Expr) -> pl.Expr:
    """Mean points of the season's games (at most the 82 newest)."""
    return points.mean()


def points_std_last_10(points: pl.Expr) -> pl.Expr:
    """Sample standard deviation (ddof 1) of points over the 10 newest games; null with fewer than 2 values."""
    return points.head(10).std(ddof=1)


def ts_pct_last_10(ts_pct: pl.Expr) -> pl.Expr:
    """Mean true-shooting fraction (0-1) of the 10 newest games."""
    return ts_pct.head(10).mean()


def assisted_rate_last_10(fg_makes: pl.Expr, assisted_fg_makes: pl.Expr) -> pl.Expr:
    """Assisted makes / all makes over the 10 newest games, a fraction 0-1; null without a make."""
    made = fg_makes.head(10).sum()
    return pl.when(made > 0).then(assisted_fg_makes.head(10).sum() / made)
