"""Pace: possessions per 48 minutes, a team's recent level and the pace factor of composite factors."""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import round_half_away

PACE_SCORE_LIMIT = 3.0  # points of adjustment, either way


def pace_last_10(pace: pl.Expr) -> pl.Expr:
    """Mean pace of the team's 10 newest games before D, any season (use in ``agg``); null without games."""
    return pace.mean()


def off_rating_last_10(offensive_rating: pl.Expr) -> pl.Expr:
    """Mean offensive rating (points per 100 possessions) of the team's 10 newest games before D."""
    return offensive_rating.mean()


def pace_differential(team_pace_last_10: pl.Expr, opponent_pace_last_10: pl.Expr) -> pl.Expr:
    """Team pace minus opponent pace over each side's last 10 games, rounded to 2 decimals (D6)."""
    return round_half_away(team_pace_last_10 - opponent_pace_last_10, 2)


def pace_score(pace_differential: pl.Expr) -> pl.Expr:
    """Half the pace differential, clamped to [-3, 3]; 0 when unknown. Faster games mean more points."""
    return (pace_differential.cast(pl.Float64).fill_null(0.0) / 2).clip(-PACE_SCORE_LIMIT, PACE_SCORE_LIMIT)
