"""Season-calendar flags that the daily cache and composite factors carry for their readers."""

from __future__ import annotations

import polars as pl

from nbaray.features.windows import season_start

BOUNDARY_MONTHS = (10, 11, 4)  # season start and end months, where windows are thin or cross a season
BOOTSTRAP_WINDOW_DAYS = 30  # days after October 1 (D4's season window start)


def season_boundary_detected(analysis_date: pl.Expr) -> pl.Expr:
    """True when D falls in October, November or April."""
    return analysis_date.dt.month().is_in(BOUNDARY_MONTHS)


def backfill_bootstrap_mode(analysis_date: pl.Expr) -> pl.Expr:
    """True when D is fewer than 30 days after October 1 of its season (the reference's name for it)."""
    return (analysis_date - season_start(analysis_date)).dt.total_days() < BOOTSTRAP_WINDOW_DAYS
