"""The NBA season calendar: season year, opening night, the 14-day bootstrap (D2), processable dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

BOOTSTRAP_DAYS = 14  # days 0-13 after opening night produce nothing (D2)
DEFAULT_OPENING_DAY = (10, 22)  # month, day estimated when neither the schedule nor the table knows
OPENING_NIGHTS: dict[int, date] = {
    2021: date(2021, 10, 19),
    2022: date(2022, 10, 18),
    2023: date(2023, 10, 24),
    2024: date(2024, 10, 22),
    2025: date(2025, 10, 21),
}


def season_year(day: date) -> int:
    """The year the season containing `day` started: October onwards is the new season."""
    return day.year if day.month >= 10 else day.year - 1


def season_window_start(day: date) -> date:
    """October 1 of the season of `day`: where the per-season windows begin."""
    return date(season_year(day), 10, 1)


def season_year_of(day: pl.Expr) -> pl.Expr:
    """`season_year` of a date expression: October onwards is the new season."""
    return pl.when(day.dt.month() >= 10).then(day.dt.year()).otherwise(day.dt.year() - 1).cast(pl.Int64)


def opening_nights(schedule: pl.DataFrame) -> dict[int, date]:
    """First final regular-season game of each season in the schedule."""
    firsts = (
        schedule.filter(
            pl.col("is_regular_season") & (pl.col("game_status") == 3)
            & (pl.col("game_date") >= pl.date(pl.col("season_year"), 7, 1))
        )
        .group_by("season_year")
        .agg(pl.col("game_date").min())
    )  # fmt: skip
    return dict(zip(firsts["season_year"].to_list(), firsts["game_date"].to_list(), strict=True))


def opening_night(year: int, from_schedule: dict[int, date] | None = None) -> date:
    """Opening night of season `year`: the schedule, else the fallback table, else October 22."""
    if from_schedule and year in from_schedule:
        return from_schedule[year]
    return OPENING_NIGHTS.get(year, date(year, *DEFAULT_OPENING_DAY))


def is_bootstrap(day: date, from_schedule: dict[int, date] | None = None) -> bool:
    """True in the first 14 days of a season, from opening night (D2)."""
    return 0 <= (day - opening_night(season_year(day), from_schedule)).days < BOOTSTRAP_DAYS


def processable_dates(schedule: pl.DataFrame, start: date, end: date) -> list[date]:
    """Dates in [start, end] with a scheduled game, less the bootstrap days of each season."""
    openers = opening_nights(schedule)
    game_days = (
        schedule.filter(pl.col("game_date").is_between(start, end))
        .get_column("game_date").unique().sort().to_list()
    )  # fmt: skip
    return [d for d in game_days if not is_bootstrap(d, openers)]


def date_range(start: date, end: date) -> list[date]:
    """Every calendar date from start to end, inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def chunks(dates: Sequence[date], size: int) -> list[list[date]]:
    """Consecutive runs of at most `size` dates."""
    return [list(dates[i : i + size]) for i in range(0, len(dates), size)]
