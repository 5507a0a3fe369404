"""Usage rate (percent of team plays used while on the floor) over a player's games before D.

Functions run in ``agg`` over one player's season games sorted newest first; NULLs are skipped.
"""

from __future__ import annotations

import polars as pl


def usage_rate_last_10(usage_rate: pl.Expr) -> pl.Expr:
    """Mean usage rate (percent) of the 10 newest games."""
    return usage_rate.head(10).mean()


def player_usage_rate_season(usage_rate: pl.Expr) -> pl.Expr:
    """Mean usage rate (percent) of the season's games (at most the 82 newest)."""
    return usage_rate.mean()
