"""Processor 4 of 5: player_daily_cache.

One row per player on D's roster (`player_game_context`) with at least 5 qualifying games this
season before D: scoring, minutes, usage and shooting form, his team's recent pace and offence,
copies of his workload context and of his shot-zone row, and completeness (D4).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.context import missing_roster_failures
from nbaray.features import pace, scoring, season_flags, usage, workload
from nbaray.features.completeness import player_completeness_windows
from nbaray.features.recent_games import newest_before
from nbaray.features.windows import dates_frame, window_aggregates
from nbaray.processors import INSUFFICIENT_DATA, ProcessorOutput, failures
from nbaray.schemas.precompute import PLAYER_DAILY_CACHE

TABLE = PLAYER_DAILY_CACHE
VERSION = "player_daily_cache/1"

MIN_GAMES = 5  # qualifying season games before D; fewer -> INSUFFICIENT_DATA
EARLY_SEASON_GAMES = 10  # fewer qualifying games -> early_season_flag
SEASON_GAMES_CAP = 82  # newest qualifying games a season average uses
TEAM_WINDOW_GAMES = 10  # team games before D, any season
COMPLETENESS_WINDOWS = {"l5": {"last_games": 5}, "l10": {"last_games": 10}, "l7d": {"days": 7}, "l14d": {"days": 14}}

KEY = ["player_lookup", "analysis_date"]
_CONTEXT_COPIES = [
    "games_in_last_7_days", "games_in_last_14_days", "minutes_in_last_7_days", "minutes_in_last_14_days",
    "back_to_backs_last_14_days", "avg_minutes_per_game_last_7", "fourth_quarter_minutes_last_7", "player_age",
]  # fmt: skip
_SHOT_ZONE_COPIES = ["primary_scoring_zone", "paint_rate_last_10", "three_pt_rate_last_10"]


def compute(
    *,
    player_game_summary: pl.DataFrame,
    team_offense_game_summary: pl.DataFrame,
    player_game_context: pl.DataFrame,
    player_shot_zone_analysis: pl.DataFrame,
    schedule: pl.DataFrame,
    analysis_dates: list[date],
) -> ProcessorOutput:
    """Rows for roster players with 5+ qualifying games before D; INSUFFICIENT_DATA failures for the rest."""
    roster = (
        player_game_context.rename({"game_date": "analysis_date"})
        .join(dates_frame(analysis_dates), on="analysis_date")
        .select(*KEY, "universal_player_id", "team_abbr", *_CONTEXT_COPIES)
    )
    stats = _season_form(player_game_summary, roster.select(KEY))
    candidates = roster.join(stats, on=KEY, how="left").with_columns(pl.col("games_played_season").fill_null(0))
    enough = pl.col("games_played_season") >= MIN_GAMES
    kept = candidates.filter(enough)
    shot_zones = player_shot_zone_analysis.select(*KEY, *_SHOT_ZONE_COPIES, shot_zone_data_available=pl.lit(True))
    rows = (
        kept.join(_team_form(team_offense_game_summary, kept), on=["team_abbr", "analysis_date"], how="left")
        .join(shot_zones, on=KEY, how="left")
        .join(_completeness(schedule, player_game_summary, kept.select(KEY)), on=KEY, how="left")
        .with_columns(
            pl.col("shot_zone_data_available").fill_null(False),
            early_season_flag=pl.col("games_played_season") < EARLY_SEASON_GAMES,
            season_boundary_detected=season_flags.season_boundary_detected(pl.col("analysis_date")),
            backfill_bootstrap_mode=season_flags.backfill_bootstrap_mode(pl.col("analysis_date")),
        )
        .with_columns(
            insufficient_data_reason=pl.when(pl.col("early_season_flag")).then(
                pl.format("Only {} games played, need {} minimum", "games_played_season", pl.lit(EARLY_SEASON_GAMES))
            ),
            cache_date=pl.col("analysis_date"),
        )
    )
    too_few = failures(
        candidates.filter(~enough),
        entity="player_lookup",
        date_column="analysis_date",
        category=INSUFFICIENT_DATA,
        reason=pl.format("Only {} games played, need {} minimum", "games_played_season", pl.lit(MIN_GAMES)),
    )
    return ProcessorOutput(
        rows=rows.select(_output_columns()).sort("cache_date", "player_lookup"),
        failures=pl.concat([too_few, missing_roster_failures(player_game_context, analysis_dates)]),
    )


def _season_form(player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Per (player, D): scoring, minutes, usage and shooting over his qualifying games this season before D."""
    # SQL's three-valued OR: NULL minutes pass only with points > 0
    played = (pl.col("minutes_played") > 0).fill_null(False) | (pl.col("points") > 0).fill_null(False)
    columns = ["player_lookup", "game_id", "game_date", "points", "minutes_played", "usage_rate", "ts_pct",
               "fg_makes", "assisted_fg_makes"]  # fmt: skip
    qualifying = player_game_summary.filter(pl.col("is_active") & played).select(columns)
    points, usage_rate = pl.col("points"), pl.col("usage_rate")
    form = [
        pl.len().cast(pl.Int64).alias("games_played_season"),
        scoring.points_avg_last_5(points).alias("points_avg_last_5"),
        scoring.points_avg_last_10(points).alias("points_avg_last_10"),
        scoring.points_avg_season(points).alias("points_avg_season"),
        scoring.points_std_last_10(points).alias("points_std_last_10"),
        workload.minutes_avg_last_10(pl.col("minutes_played")).alias("minutes_avg_last_10"),
        usage.usage_rate_last_10(usage_rate).alias("usage_rate_last_10"),
        scoring.ts_pct_last_10(pl.col("ts_pct")).alias("ts_pct_last_10"),
        usage.player_usage_rate_season(usage_rate).alias("player_usage_rate_season"),
        scoring.assisted_rate_last_10(pl.col("fg_makes"), pl.col("assisted_fg_makes")).alias("assisted_rate_last_10"),
    ]
    return window_aggregates(qualifying, keys, form, by=["player_lookup"], n=SEASON_GAMES_CAP, same_season=True)


def _team_form(team_offense_game_summary: pl.DataFrame, players: pl.DataFrame) -> pl.DataFrame:
    """Per (team of the context row, D): pace and offensive rating of the team's 10 newest games before D."""
    keys = players.select("team_abbr", "analysis_date").unique()
    games = team_offense_game_summary.select("team_abbr", "game_date", "game_id", "pace", "offensive_rating")
    return (
        newest_before(games, keys, by=["team_abbr"], n=TEAM_WINDOW_GAMES)
        .group_by("team_abbr", "analysis_date")
        .agg(
            team_pace_last_10=pace.pace_last_10(pl.col("pace")),
            team_off_rating_last_10=pace.off_rating_last_10(pl.col("offensive_rating")),
        )
    )


def _completeness(schedule: pl.DataFrame, player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Season-to-date completeness (D4) plus the L5, L10, 7-day and 14-day windows, per (player, D)."""
    measured = player_completeness_windows(schedule, player_game_summary, keys, {"season": {}, **COMPLETENESS_WINDOWS})
    season = measured.pop("season").with_columns(
        missing_games_count=(pl.col("expected_games_count") - pl.col("actual_games_count")).clip(lower_bound=0),
        is_production_ready=pl.col("is_production_ready").fill_null(False),
    )
    for name, window in measured.items():
        season = season.join(
            window.select(
                *KEY,
                pl.col("completeness_percentage").alias(f"{name}_completeness_pct"),
                pl.col("is_production_ready").fill_null(False).alias(f"{name}_is_complete"),
            ),
            on=KEY,
            how="left",
        )
    ready = [pl.col(f"{name}_is_complete") for name in COMPLETENESS_WINDOWS]
    return season.with_columns(all_windows_complete=pl.all_horizontal(ready))


def _output_columns() -> list[str]:
    run_columns = {"processor_version", "run_id", "processed_at"}
    return [c for c in TABLE.column_names if c not in run_columns]
