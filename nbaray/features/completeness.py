"""Completeness (D4): how much of the data a window should hold is actually there.

Measured and reported on every row; never used to drop a row. Counts are distinct game dates.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features.windows import dates_frame, season_start
from nbaray.schemas.columns import round_half_away

READY_COMPLETENESS_PCT = 70.0  # percent; at or above this a window is ready
FINAL_GAME_STATUS = 3  # schedule game_status of a game that was played


def schedule_team_dates(schedule: pl.DataFrame) -> pl.DataFrame:
    """Distinct (team_abbr, game_date) a team played, home or away: final games only.

    A game that never became final (postponed, or still to come) has no data to miss.
    """
    schedule = schedule.filter(pl.col("game_status") == FINAL_GAME_STATUS)
    home = schedule.select(pl.col("home_team_tricode").alias("team_abbr"), "game_date")
    away = schedule.select(pl.col("away_team_tricode").alias("team_abbr"), "game_date")
    return pl.concat([home, away]).unique()


def completeness_pct(expected: pl.Expr, actual: pl.Expr) -> pl.Expr:
    """min(100, 100 * actual / expected), rounded to 0.1 half away from zero (D7); NULL when nothing was expected."""
    pct = pl.min_horizontal(pl.lit(100.0), 100.0 * actual / expected)
    return pl.when(expected > 0).then(round_half_away(pct, 1)).otherwise(None)


def is_ready(pct: pl.Expr) -> pl.Expr:
    return pct.fill_null(0.0) >= READY_COMPLETENESS_PCT


def team_completeness(
    schedule: pl.DataFrame, team_game_dates: pl.DataFrame, analysis_dates: list[date], *, team_column: str
) -> pl.DataFrame:
    """Per (team, analysis_date): scheduled vs present games from October 1 up to D, exclusive.

    `team_game_dates` holds the processor's Phase 3 input rows (`team_column`, `game_date`).
    """
    dates = dates_frame(analysis_dates)

    def counted(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return (
            frame.join_where(dates, pl.col("game_date") < pl.col("analysis_date"))
            .filter(pl.col("game_date") >= season_start(pl.col("analysis_date")))
            .group_by("team_abbr", "analysis_date")
            .agg(pl.col("game_date").n_unique().alias(name))
        )

    expected = counted(schedule_team_dates(schedule), "expected_games_count")
    present = team_game_dates.select(pl.col(team_column).alias("team_abbr"), "game_date").unique()
    actual = counted(present, "actual_games_count")
    return (
        expected.join(actual, on=["team_abbr", "analysis_date"], how="full", coalesce=True)
        .with_columns(pl.col("expected_games_count", "actual_games_count").fill_null(0))
        .with_columns(
            completeness_percentage=completeness_pct(pl.col("expected_games_count"), pl.col("actual_games_count"))
        )
        .with_columns(is_production_ready=is_ready(pl.col("completeness_percentage")))
        .rename({"team_abbr": team_column})
    )


def player_completeness(
    schedule: pl.DataFrame,
    player_game_summary: pl.DataFrame,
    players: pl.DataFrame,
    *,
    last_games: int | None = None,
    days: int | None = None,
) -> pl.DataFrame:
    """Per (player_lookup, analysis_date) of `players`: expected and actual games before D (D4).

    Expected = the schedule's games of the player's team (the team of his latest row before D)
    from his first row of the season up to D, exclusive; actual = distinct dates he has a row
    (any status) in that window. `last_games` narrows the window to the team's last N scheduled
    games; `days` to `D - days <= date < D`.
    """
    keys = players.select("player_lookup", "analysis_date").unique()
    # Only this season's rows: without one the window has no start and nothing is expected, so an
    # older row's team could never count. Cutting before pairing keeps the pairing small.
    rows = player_game_summary.select("player_lookup", "team_abbr", "game_date", "game_id")
    if not keys.is_empty():
        first, last = keys["analysis_date"].min(), keys["analysis_date"].max()
        rows = rows.filter((pl.col("game_date") < last) & (pl.col("game_date") >= season_start(pl.lit(first))))
    season = rows.join(keys, on="player_lookup").filter(
        (pl.col("game_date") < pl.col("analysis_date")) & (pl.col("game_date") >= season_start(pl.col("analysis_date")))
    )
    windows = keys.join(
        season.group_by("player_lookup", "analysis_date").agg(
            pl.col("team_abbr").sort_by("game_date", "game_id", descending=True).first(),  # latest row (D7)
            pl.col("game_date").min().alias("first_game"),
        ),
        on=["player_lookup", "analysis_date"],
        how="left",
    )
    team_games = (
        windows.join(schedule_team_dates(schedule), on="team_abbr")
        .filter((pl.col("game_date") < pl.col("analysis_date")) & (pl.col("game_date") >= pl.col("first_game")))
    )  # fmt: skip
    if days is not None:
        team_games = team_games.filter(pl.col("game_date") >= pl.col("analysis_date") - pl.duration(days=days))
    if last_games is not None:
        team_games = team_games.filter(
            pl.col("game_date").rank("ordinal", descending=True).over("player_lookup", "analysis_date") <= last_games
        )
    window_bounds = team_games.group_by("player_lookup", "analysis_date").agg(
        pl.col("game_date").n_unique().alias("expected_games_count"),
        pl.col("game_date").min().alias("window_start"),
    )
    actual = (
        season.join(window_bounds, on=["player_lookup", "analysis_date"])
        .filter(pl.col("game_date") >= pl.col("window_start"))
        .group_by("player_lookup", "analysis_date")
        .agg(pl.col("game_date").n_unique().alias("actual_games_count"))
    )
    return (
        keys.join(window_bounds.drop("window_start"), on=["player_lookup", "analysis_date"], how="left")
        .join(actual, on=["player_lookup", "analysis_date"], how="left")
        .with_columns(pl.col("expected_games_count", "actual_games_count").fill_null(0))
        .with_columns(
            completeness_percentage=completeness_pct(pl.col("expected_games_count"), pl.col("actual_games_count"))
        )
        .with_columns(is_production_ready=is_ready(pl.col("completeness_percentage")))
    )
