"""Point-in-time windows: for each analysis date D, history strictly before D (D1)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl


def dates_frame(analysis_dates: list[date]) -> pl.DataFrame:
    """One row per distinct analysis date, sorted."""
    return pl.DataFrame({"analysis_date": sorted(set(analysis_dates))}, schema={"analysis_date": pl.Date()})


def season_start(analysis_date: pl.Expr) -> pl.Expr:
    """October 1 of the season of each analysis date: where season windows begin."""
    year = pl.when(analysis_date.dt.month() >= 10).then(analysis_date.dt.year()).otherwise(analysis_date.dt.year() - 1)
    return pl.date(year, 10, 1)


def history_before(
    frame: pl.DataFrame,
    analysis_dates: list[date],
    *,
    date_column: str = "game_date",
    same_season: bool = False,
    days: int | None = None,
) -> pl.DataFrame:
    """Rows of `frame` paired with every analysis date D they precede: `date_column < D` (D1).

    `same_season` keeps rows from October 1 of D's season on; `days` keeps `D - days <= date < D`.
    The result has an `analysis_date` column; nothing on or after D can appear for D.
    """
    dates = dates_frame(analysis_dates)
    if dates.is_empty() or frame.is_empty():
        return frame.head(0).with_columns(pl.lit(None, pl.Date()).alias("analysis_date"))
    lo = dates["analysis_date"].min()
    hi = dates["analysis_date"].max()
    lower = pl.date(1900, 1, 1)
    if same_season:
        lower = season_start(pl.lit(lo))
    if days is not None:
        lower = pl.lit(lo - timedelta(days=days))
    candidates = frame.filter((pl.col(date_column) < hi) & (pl.col(date_column) >= lower))
    paired = candidates.join_where(dates, pl.col(date_column) < pl.col("analysis_date"))
    if same_season:
        paired = paired.filter(pl.col(date_column) >= season_start(pl.col("analysis_date")))
    if days is not None:
        paired = paired.filter(pl.col(date_column) >= pl.col("analysis_date") - pl.duration(days=days))
    return paired


def newest_first(frame: pl.DataFrame, *, by: list[str], date_column: str = "game_date", id_column: str = "game_id") -> pl.DataFrame:
    """Sort each group newest first; ties by date desc then id desc (D7), with a 1-based `recency_rank`."""
    ordered = frame.sort([*by, date_column, id_column], descending=[False] * len(by) + [True, True])
    return ordered.with_columns(pl.int_range(1, pl.len() + 1).over(by).alias("recency_rank"))

