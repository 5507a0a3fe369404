"""Rest: days since the previous game, back-to-backs (D6: 1 = played yesterday).

Window functions take `days_before`, the whole days from a history game to D (1 = the day
before D), on history rows already limited to the window (`history_before(..., days=k)`).
"""

from __future__ import annotations

import polars as pl


def days_rest(previous_game_date: pl.Expr, analysis_date: pl.Expr) -> pl.Expr:
    """Days from the previous game to D: 1 = played yesterday; null without a previous game (D6)."""
    return (analysis_date - previous_game_date).dt.total_days().cast(pl.Int64)


def back_to_back(days_rest: pl.Expr) -> pl.Expr:
    """True when D is the second of two days in a row (days_rest == 1, D6); False without a previous game."""
    return (days_rest == 1).fill_null(False)


def back_to_backs(days_before: pl.Expr) -> pl.Expr:
    """Pairs of games on consecutive days inside the window (use in ``agg``)."""
    return (days_before.unique().sort().diff() == 1).sum().cast(pl.Int64)
