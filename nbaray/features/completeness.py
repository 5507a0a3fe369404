"""Completeness (D4): how much of the data a window should hold is actually there.

Measured and reported on every row; never used to drop a row. Counts are distinct game dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from nbaray.features.windows import entity_dates, games_before, season_start
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

    `team_game_dates` holds the processor's Phase 3 input rows (`team_column`, `game_date`). A
    team with neither a scheduled nor a present game in the window has no row.
    """
    scheduled = _numbered_dates(schedule_team_dates(schedule), "team_abbr")
    present = _numbered_dates(team_game_dates.select(pl.col(team_column).alias("team_abbr"), "game_date"), "team_abbr")
    keys = entity_dates(pl.concat([scheduled.select("team_abbr"), present.select("team_abbr")]), analysis_dates,
                        by=["team_abbr"]).with_columns(_season_start=season_start(pl.col("analysis_date")))  # fmt: skip
    counts = keys
    for name, dates in (("expected_games_count", scheduled), ("actual_games_count", present)):
        counts = _dates_before(dates, counts, by="team_abbr", bound="analysis_date", name=f"{name}_before_d")
        counts = _dates_before(dates, counts, by="team_abbr", bound="_season_start", name=f"{name}_before_season")
        counts = counts.with_columns((pl.col(f"{name}_before_d") - pl.col(f"{name}_before_season")).alias(name))
    return (
        counts.filter((pl.col("expected_games_count") > 0) | (pl.col("actual_games_count") > 0))
        .select("team_abbr", "analysis_date", "expected_games_count", "actual_games_count")
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
    window = {"last_games": last_games, "days": days}
    return player_completeness_windows(schedule, player_game_summary, players, {"window": window})["window"]


def player_completeness_windows(
    schedule: pl.DataFrame,
    player_game_summary: pl.DataFrame,
    players: pl.DataFrame,
    windows: Mapping[str, Mapping[str, int | None]],
) -> dict[str, pl.DataFrame]:
    """`player_completeness` of `players` for each window (name -> its `last_games` and `days`), sharing the work.

    Counted by position, without pairing rows with dates: the team's games in a window are a
    run of its scheduled dates ending at its newest one before D, so the counts are differences
    of "dates before" counts, and the run's first date is where the player's dates are counted.
    """
    keys = players.select("player_lookup", "analysis_date").unique()
    season = _season_windows(schedule, player_game_summary, keys)
    return {name: _window_completeness(season, keys, **window) for name, window in windows.items()}


@dataclass(frozen=True)
class _SeasonWindows:
    """What every window of a player's D shares: his team and first game of the season before D, and the numbered
    dates of players and teams (only those of the seasons of the keys, which every count below stays within)."""

    windows: pl.DataFrame  # player_lookup, analysis_date, team_abbr, first_game, _team_before_d
    own_dates: pl.DataFrame
    team_dates: pl.DataFrame


def _season_windows(schedule: pl.DataFrame, player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> _SeasonWindows:
    # The latest row of the season before D names the team; without one nothing is expected.
    latest = games_before(
        player_game_summary.select("player_lookup", "team_abbr", "game_date", "game_id"),
        keys, by=["player_lookup"], n=1, same_season=True,
    ).select("player_lookup", "analysis_date", "team_abbr")  # fmt: skip
    reach = _within_seasons(keys)
    own_dates = _numbered_dates(player_game_summary.filter(reach), "player_lookup")
    team_dates = _numbered_dates(schedule_team_dates(schedule.filter(reach)), "team_abbr")
    windows = _first_date_from(own_dates, latest, by="player_lookup", bound=season_start(pl.col("analysis_date")))
    windows = _dates_before(team_dates, windows, by="team_abbr", bound="analysis_date", name="_team_before_d")
    return _SeasonWindows(windows, own_dates, team_dates)


def _window_completeness(
    season: _SeasonWindows, keys: pl.DataFrame, *, last_games: int | None = None, days: int | None = None
) -> pl.DataFrame:
    lower = pl.col("first_game")
    if days is not None:
        lower = pl.max_horizontal(lower, pl.col("analysis_date") - pl.duration(days=days))
    windows = _dates_before(season.team_dates, season.windows.with_columns(_lower=lower), by="team_abbr",
                            bound="_lower", name="_team_before_lower")  # fmt: skip
    expected = pl.col("_team_before_d") - pl.col("_team_before_lower")
    if last_games is not None:
        expected = pl.min_horizontal(expected, pl.lit(last_games))
    windows = windows.with_columns(expected_games_count=expected).filter(pl.col("expected_games_count") > 0)
    # The window's first scheduled date: number (count before D) - expected + 1 of the team's dates.
    starts = season.team_dates.select("team_abbr", pl.col("game_date").alias("window_start"), _number="_dates_through")
    windows = windows.with_columns(_number=pl.col("_team_before_d") - pl.col("expected_games_count") + 1).join(
        starts, on=["team_abbr", "_number"]
    )
    own = season.own_dates
    windows = _dates_before(own, windows, by="player_lookup", bound="analysis_date", name="_own_before_d")
    windows = _dates_before(own, windows, by="player_lookup", bound="window_start", name="_own_before_start")
    counts = windows.select(
        "player_lookup", "analysis_date", "expected_games_count",
        actual_games_count=pl.col("_own_before_d") - pl.col("_own_before_start"),
    )  # fmt: skip
    return (
        keys.join(counts, on=["player_lookup", "analysis_date"], how="left")
        .with_columns(pl.col("expected_games_count", "actual_games_count").fill_null(0))
        .with_columns(
            completeness_percentage=completeness_pct(pl.col("expected_games_count"), pl.col("actual_games_count"))
        )
        .with_columns(is_production_ready=is_ready(pl.col("completeness_percentage")))
    )


def _within_seasons(keys: pl.DataFrame) -> pl.Expr:
    """Rows from October 1 of the first key's season to the last key's date, exclusive: all a season window reads."""
    if keys.is_empty():
        return pl.lit(False)
    first, last = keys["analysis_date"].min(), keys["analysis_date"].max()
    return (pl.col("game_date") >= season_start(pl.lit(first))) & (pl.col("game_date") < last)


def _numbered_dates(rows: pl.DataFrame, by: str) -> pl.DataFrame:
    """The distinct (`by`, `game_date`) of `rows`, sorted by date, with `_dates_through`: the entity's dates up to this one."""
    distinct = rows.select(by, "game_date").unique().sort(by, "game_date")
    return distinct.with_columns(_dates_through=pl.int_range(1, pl.len() + 1).over(by)).sort("game_date")


def _dates_before(numbered: pl.DataFrame, keys: pl.DataFrame, *, by: str, bound: str, name: str) -> pl.DataFrame:
    """`keys` with `name`: how many of the entity's dates in `numbered` fall strictly before its `bound` date."""
    return (
        keys.sort(bound)
        .join_asof(
            numbered.select(by, pl.col("game_date").alias("_date"), pl.col("_dates_through").alias(name)),
            left_on=bound, right_on="_date", by=by, strategy="backward", allow_exact_matches=False,
            check_sortedness=False,  # both sorted by date; polars cannot verify it per `by` group
        )
        .drop("_date")
        .with_columns(pl.col(name).fill_null(0))
    )  # fmt: skip


def _first_date_from(numbered: pl.DataFrame, keys: pl.DataFrame, *, by: str, bound: pl.Expr) -> pl.DataFrame:
    """`keys` with `first_game`: the entity's first date in `numbered` on or after `bound`."""
    return (
        keys.with_columns(_bound=bound)
        .sort("_bound")
        .join_asof(
            numbered.select(by, pl.col("game_date").alias("first_game")),
            left_on="_bound", right_on="first_game", by=by, strategy="forward", allow_exact_matches=True,
            check_sortedness=False,  # both sorted by date; polars cannot verify it per `by` group
        )
        .drop("_bound")
    )  # fmt: skip


def own_completeness(schedule: pl.DataFrame, player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Per (player_lookup, analysis_date) of `keys`: season-to-date completeness before D, `own_ready` (D4)."""
    return player_completeness(schedule, player_game_summary, keys).select(
        "player_lookup",
        "analysis_date",
        "expected_games_count",
        "actual_games_count",
        "completeness_percentage",
        missing_games_count=(pl.col("expected_games_count") - pl.col("actual_games_count")).clip(lower_bound=0),
        own_ready=pl.col("is_production_ready").fill_null(False),
    )
