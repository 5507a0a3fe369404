"""Processor 5 of 5: ml_feature_store_v2, the feature vector the points model reads.

One row per player on D's roster (`player_game_context`, D6), whatever data he has: each
feature of `FEATURE_SET` takes its Phase 4 value, else its Phase 3 value, else its default,
and records which (`feature_sources`); the quality score, tier and `data_source` summarise
those labels. No player is dropped, so there is no INSUFFICIENT_DATA failure; a date with no
roster gets a DATE_LEVEL MISSING_DEPENDENCY failure, and an exception becomes a
PROCESSING_ERROR in the pipeline (D8).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.context import missing_roster_failures
from nbaray.features import feature_vector, season_flags
from nbaray.features.completeness import own_completeness
from nbaray.features.feature_sets import (
    COMPOSITE_FACTORS,
    DAILY_CACHE,
    SHOT_ZONES,
    TEAM_DEFENSE,
    V1_BASELINE_25,
    FeatureSet,
)
from nbaray.features.lists import as_list
from nbaray.features.quality_score import data_source, feature_quality_score, quality_tier
from nbaray.features.windows import dates_frame, window_aggregates
from nbaray.processors import ProcessorOutput
from nbaray.schemas.precompute import RUN_COLUMNS
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2

TABLE = ML_FEATURE_STORE_V2
VERSION = "ml_feature_store_v2/1"
FEATURE_SET: FeatureSet = V1_BASELINE_25

RECENT_DAYS = 60  # days before D the recent-games window reaches back
RECENT_GAMES = 10  # newest games in that window

KEY = ["player_lookup", "analysis_date"]
# Phase 4 table -> (its entity column, the roster column it matches, its date column). The
# team-defense row read is the opponent's: that is the defence the player faces on D.
PHASE4_JOINS = {
    DAILY_CACHE: ("player_lookup", "player_lookup", "cache_date"),
    COMPOSITE_FACTORS: ("player_lookup", "player_lookup", "game_date"),
    SHOT_ZONES: ("player_lookup", "player_lookup", "analysis_date"),
    TEAM_DEFENSE: ("team_abbr", "opponent_team_abbr", "analysis_date"),
}
UPSTREAM_ISSUES = {
    DAILY_CACHE: "upstream_player_daily_cache_incomplete",
    COMPOSITE_FACTORS: "upstream_player_composite_factors_incomplete",
    SHOT_ZONES: "upstream_player_shot_zone_incomplete",
    TEAM_DEFENSE: "upstream_team_defense_zone_incomplete",
}
_CONTEXT = ["universal_player_id", "game_id", "team_abbr", "opponent_team_abbr", "home_game", "days_rest",
            "back_to_back", "opponent_days_rest", "player_status", "season_phase"]  # fmt: skip
_RECENT_STATS = {"last_10_points": "points", "last_10_minutes": "minutes_played", "last_10_ft_makes": "ft_makes"}
_OUTPUT_COLUMNS = [c for c in TABLE.column_names if c not in {r.name for r in RUN_COLUMNS}]


def compute(
    *,
    player_game_context: pl.DataFrame,
    player_game_summary: pl.DataFrame,
    team_offense_game_summary: pl.DataFrame,
    schedule: pl.DataFrame,
    player_daily_cache: pl.DataFrame,
    player_composite_factors: pl.DataFrame,
    player_shot_zone_analysis: pl.DataFrame,
    team_defense_zone_analysis: pl.DataFrame,
    analysis_dates: list[date],
) -> ProcessorOutput:
    """One feature-store row per roster player of each D; a DATE_LEVEL failure for a date with no roster."""
    roster = (
        player_game_context.rename({"game_date": "analysis_date"})
        .join(dates_frame(analysis_dates), on="analysis_date")
        .select(*KEY, *_CONTEXT)
    )
    phase4 = {
        DAILY_CACHE: player_daily_cache,
        COMPOSITE_FACTORS: player_composite_factors,
        SHOT_ZONES: player_shot_zone_analysis,
        TEAM_DEFENSE: team_defense_zone_analysis,
    }
    keys = roster.select(KEY)
    inputs = (
        _with_phase4(roster, phase4)
        .join(_recent_games(player_game_summary, keys), on=KEY, how="left")
        .join(_season_averages(player_game_summary, keys), on=KEY, how="left")
        .join(_team_season(team_offense_game_summary, roster), on=["team_abbr", "analysis_date"], how="left")
        .with_columns(pl.col(name).fill_null(pl.lit([], dtype=pl.List(pl.Float64))) for name in _RECENT_STATS)
    )  # fmt: skip
    rows = (
        feature_vector.with_feature_vector(inputs, FEATURE_SET)
        .with_columns(feature_count=pl.lit(len(FEATURE_SET), pl.Int64), feature_version=pl.lit(FEATURE_SET.version))
        .with_columns(
            feature_quality_score(pl.col("feature_sources"), len(FEATURE_SET)),
            data_source(pl.col("feature_sources")),
        )
        .with_columns(quality_tier(pl.col("feature_quality_score")))
        .join(own_completeness(schedule, player_game_summary, keys), on=KEY, how="left")
        .with_columns(
            _readiness(list(phase4)),
            game_date=pl.col("analysis_date"),
            is_home=pl.col("home_game"),
            season_boundary_detected=season_flags.season_boundary_detected(pl.col("analysis_date")),
            backfill_bootstrap_mode=season_flags.backfill_bootstrap_mode(pl.col("analysis_date")),
        )
        .with_columns(_data_quality_issues(list(phase4)))
    )
    return ProcessorOutput(
        rows=rows.select(_OUTPUT_COLUMNS).sort("game_date", "player_lookup"),
        failures=missing_roster_failures(player_game_context, analysis_dates),
    )


def _with_phase4(roster: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The roster with every Phase 4 column the feature set reads, plus per table a row flag and readiness."""
    columns = FEATURE_SET.phase4_columns
    for table, frame in tables.items():
        entity, roster_column, date_column = PHASE4_JOINS[table]
        row = frame.select(
            pl.col(entity).alias(roster_column),
            pl.col(date_column).alias("analysis_date"),
            *(pl.col(c.column).alias(c.alias) for c in columns if c.table == table),
            pl.lit(True).alias(feature_vector.has_row(table)),
            pl.col("is_production_ready").fill_null(False).alias(_ready(table)),
        )
        roster = roster.join(row, on=[roster_column, "analysis_date"], how="left").with_columns(
            pl.col(feature_vector.has_row(table), _ready(table)).fill_null(False)  # no row: not ready (D4)
        )
    return roster


def _recent_games(player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Per (player, D): points, minutes and free throws made of his 10 newest rows in `[D - 60, D)`, newest first."""
    rows = player_game_summary.select(
        "player_lookup", "game_date", "game_id", *(pl.col(c).cast(pl.Float64) for c in _RECENT_STATS.values())
    )
    recent = [pl.col(stat).sort_by("recency_rank").alias(name) for name, stat in _RECENT_STATS.items()]
    return window_aggregates(rows, keys, recent, by=["player_lookup"], n=RECENT_GAMES, days=RECENT_DAYS)


def _season_averages(player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Per (player, D): mean points and minutes of his rows from October 1 to D, exclusive (nulls skipped)."""
    rows = player_game_summary.select("player_lookup", "game_date", "game_id", "points", "minutes_played")
    averages = [
        pl.col("points").cast(pl.Float64).fill_nan(None).mean().alias("season_points_avg"),
        pl.col("minutes_played").cast(pl.Float64).fill_nan(None).mean().alias("season_minutes_avg"),
    ]
    return window_aggregates(rows, keys, averages, by=["player_lookup"], same_season=True)


def _team_season(team_offense_game_summary: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Per (team, D): games and wins of the team from October 1 to D, exclusive (D5)."""
    games = team_offense_game_summary.select("team_abbr", "game_date", "game_id", "win_flag")
    record = [pl.len().cast(pl.Int64).alias("team_season_games"),
              pl.col("win_flag").sum().cast(pl.Int64).alias("team_season_wins")]  # fmt: skip
    return window_aggregates(games, roster.select("team_abbr", "analysis_date"), record, by=["team_abbr"],
                             same_season=True)  # fmt: skip


def _readiness(tables: list[str]) -> pl.Expr:
    """D4: own completeness ready, and each of the four Phase 4 rows exists and is ready."""
    return pl.all_horizontal(pl.col("own_ready").fill_null(False), *(pl.col(_ready(t)) for t in tables)).alias(
        "is_production_ready"
    )


def _data_quality_issues(tables: list[str]) -> pl.Expr:
    issues = [pl.when(~pl.col("own_ready").fill_null(False)).then(pl.lit("own_data_incomplete"))]
    issues += [pl.when(~pl.col(_ready(t))).then(pl.lit(UPSTREAM_ISSUES[t])) for t in tables]
    return as_list(issues).list.drop_nulls().alias("data_quality_issues")


def _ready(table: str) -> str:
    return f"{table}.ready"
