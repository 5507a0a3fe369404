"""Phase 4 outputs in nba_precompute, and the failure table in nba_processing.

Every output row carries the run columns (D3) and the completeness columns (D4).
"""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import TIMESTAMP, Column, TableSchema

I64, F64, STR, BOOL, DATE = pl.Int64(), pl.Float64(), pl.String(), pl.Boolean(), pl.Date()

RUN_COLUMNS: tuple[Column, ...] = (
    Column("processor_version", STR, nullable=False, doc="processor name and version that wrote the row"),
    Column("run_id", STR, nullable=False, doc="the backfill run that wrote the row"),
    Column("processed_at", TIMESTAMP, nullable=False, doc="UTC time the run started"),
)

COMPLETENESS_COLUMNS: tuple[Column, ...] = (
    Column("expected_games_count", I64, doc="scheduled games in the completeness window (D4)"),
    Column("actual_games_count", I64, doc="games present in the Phase 3 input in that window (D4)"),
    Column("completeness_percentage", F64, scale=1, doc="min(100, 100 * actual / expected); NULL when expected is 0"),
    Column("is_production_ready", BOOL, nullable=False, doc="completeness >= 70 and every upstream row ready"),
)


def _zone_columns() -> tuple[Column, ...]:
    cols: list[Column] = []
    for zone, label in (("paint", "paint (<= 8 ft)"), ("mid_range", "2-pt beyond 8 ft"), ("three_pt", "three-point")):
        cols += [
            Column(f"{zone}_pct_allowed_last_15", F64, scale=3, doc=f"opponent FG% from {label}, last 15 games"),
            Column(f"{zone}_attempts_allowed_per_game", F64, scale=1, doc=f"opponent {label} attempts per game"),
        ]
        if zone == "paint":
            cols.append(Column("paint_points_allowed_per_game", F64, scale=1, doc="opponent paint points per game"))
        cols += [
            Column(f"{zone}_blocks_per_game", F64, scale=1, doc=f"own blocks of {label} shots per game"),
            Column(f"{zone}_defense_vs_league_avg", F64, scale=2,
                   doc="FG% allowed minus the league average, percentage points; negative = better defence"),
        ]  # fmt: skip
    return tuple(cols)


TEAM_DEFENSE_ZONE_ANALYSIS = TableSchema(
    dataset="nba_precompute",
    name="team_defense_zone_analysis",
    doc="Per team and analysis date: opponents' shooting by zone over the team's last 15 games before the date.",
    key=("team_abbr", "analysis_date"),
    partition="analysis_date",
    clustering=("team_abbr", "analysis_date"),
    columns=(
        Column("team_abbr", STR, nullable=False),
        Column("analysis_date", DATE, nullable=False),
        *_zone_columns(),
        Column("defensive_rating_last_15", F64, scale=2, doc="mean points allowed per 100 possessions"),
        Column("opponent_points_per_game", F64, scale=1),
        Column("opponent_pace", F64, scale=1, doc="mean pace allowed"),
        Column("games_in_sample", I64, nullable=False),
        Column("strongest_zone", STR, doc="paint | mid_range | perimeter: lowest vs-league value"),
        Column("weakest_zone", STR, doc="paint | mid_range | perimeter: highest vs-league value"),
        Column("data_quality_tier", STR, nullable=False),
        Column("calculation_notes", STR),
        *COMPLETENESS_COLUMNS,
        *RUN_COLUMNS,
    ),
)

PLAYER_SHOT_ZONE_ANALYSIS = TableSchema(
    dataset="nba_precompute",
    name="player_shot_zone_analysis",
    doc="Per player and analysis date: shot distribution and efficiency by zone over the last 10 games played.",
    key=("player_lookup", "analysis_date"),
    partition="analysis_date",
    clustering=("player_lookup", "universal_player_id", "analysis_date"),
    columns=(
        Column("player_lookup", STR, nullable=False),
        Column("universal_player_id", STR),
        Column("analysis_date", DATE, nullable=False),
        Column("paint_rate_last_10", F64, scale=2, doc="percent of zone attempts in the paint"),
        Column("mid_range_rate_last_10", F64, scale=2, doc="percent of zone attempts from mid-range"),
        Column("three_pt_rate_last_10", F64, scale=2, doc="percent of zone attempts from three"),
        Column("total_shots_last_10", I64),
        Column("games_in_sample_10", I64, nullable=False),
        Column("sample_quality_10", STR, nullable=False),
        Column("paint_pct_last_10", F64, scale=3),
        Column("mid_range_pct_last_10", F64, scale=3),
        Column("three_pt_pct_last_10", F64, scale=3),
        Column("paint_attempts_per_game", F64, scale=1),
        Column("mid_range_attempts_per_game", F64, scale=1),
        Column("three_pt_attempts_per_game", F64, scale=1),
        Column("paint_rate_last_20", F64, scale=2, doc="NULL with fewer than 15 games"),
        Column("paint_pct_last_20", F64, scale=3, doc="NULL with fewer than 15 games"),
        Column("games_in_sample_20", I64, nullable=False),
        Column("sample_quality_20", STR, nullable=False),
        Column("assisted_rate_last_10", F64, scale=2, doc="percent of made FG that were assisted"),
        Column("unassisted_rate_last_10", F64, scale=2),
        Column("player_position", STR),
        Column("primary_scoring_zone", STR, doc="paint | perimeter | mid_range | balanced"),
        Column("data_quality_tier", STR, nullable=False),
        Column("calculation_notes", STR),
        *COMPLETENESS_COLUMNS,
        *RUN_COLUMNS,
    ),
)

# --- player_daily_cache: defined with processor 4 (issue: daily cache and composite factors) ---

MISSING_GAMES_COLUMN = Column("missing_games_count", I64, doc="max(0, expected - actual) games (D4)")


def _window_completeness_columns(*windows: tuple[str, str]) -> tuple[Column, ...]:
    cols: list[Column] = []
    for window, label in windows:
        cols += [
            Column(f"{window}_completeness_pct", F64, scale=1, doc=f"completeness of {label} before D (D4)"),
            Column(f"{window}_is_complete", BOOL, nullable=False, doc=f"{window}_completeness_pct >= 70"),
        ]
    return tuple(cols)


PLAYER_DAILY_CACHE = TableSchema(
    dataset="nba_precompute",
    name="player_daily_cache",
    doc="Per player on the date's roster: season and last-10 form, team pace, workload context, shot-zone copies.",
    key=("player_lookup", "cache_date"),
    partition="cache_date",
    clustering=("player_lookup", "universal_player_id"),
    columns=(
        Column("player_lookup", STR, nullable=False),
        Column("universal_player_id", STR, doc="from the player's context row"),
        Column("cache_date", DATE, nullable=False, doc="the analysis date D"),
        Column("points_avg_last_5", F64, scale=1, doc="mean points, 5 newest qualifying games before D"),
        Column("points_avg_last_10", F64, scale=1, doc="mean points, 10 newest qualifying games"),
        Column("points_avg_season", F64, scale=1, doc="mean points, season games before D (newest 82)"),
        Column("points_std_last_10", F64, scale=2, doc="sample standard deviation of points, 10 newest games"),
        Column("minutes_avg_last_10", F64, scale=1, doc="mean minutes, 10 newest games"),
        Column("usage_rate_last_10", F64, scale=2, doc="mean usage rate (percent of team plays), 10 newest games"),
        Column("ts_pct_last_10", F64, scale=3, doc="mean true shooting (fraction), 10 newest games"),
        Column("games_played_season", I64, nullable=False, doc="qualifying season games before D (at most 82)"),
        Column("team_pace_last_10", F64, scale=1, doc="mean pace of the team's 10 newest games, any season"),
        Column("team_off_rating_last_10", F64, scale=2, doc="mean offensive rating of those games"),
        Column("player_usage_rate_season", F64, scale=2, doc="mean usage rate (percent), season games"),
        Column("games_in_last_7_days", I64, doc="context copy"),
        Column("games_in_last_14_days", I64, doc="context copy"),
        Column("minutes_in_last_7_days", I64, doc="context copy"),
        Column("minutes_in_last_14_days", I64, doc="context copy"),
        Column("back_to_backs_last_14_days", I64, doc="context copy"),
        Column("avg_minutes_per_game_last_7", F64, scale=1, doc="context copy"),
        Column("fourth_quarter_minutes_last_7", I64, doc="context copy"),
        Column("primary_scoring_zone", STR, doc="shot-zone copy: paint | mid_range | perimeter | balanced"),
        Column("paint_rate_last_10", F64, scale=2, doc="shot-zone copy, percent of attempts"),
        Column("three_pt_rate_last_10", F64, scale=2, doc="shot-zone copy, percent of attempts"),
        Column("assisted_rate_last_10", F64, scale=2, doc="assisted makes / makes, 10 newest games (fraction 0-1)"),
        Column("player_age", I64, doc="context copy"),
        Column("early_season_flag", BOOL, nullable=False, doc="fewer than 10 qualifying games"),
        Column("insufficient_data_reason", STR, doc="set when early_season_flag"),
        Column("shot_zone_data_available", BOOL, nullable=False, doc="the player has a shot-zone row for D"),
        *COMPLETENESS_COLUMNS,
        MISSING_GAMES_COLUMN,
        *_window_completeness_columns(
            ("l5", "the team's last 5 games"), ("l10", "the team's last 10 games"),
            ("l7d", "the team's games in the 7 days"), ("l14d", "the team's games in the 14 days"),
        ),
        Column("all_windows_complete", BOOL, nullable=False, doc="all four window completeness values >= 70"),
        Column("season_boundary_detected", BOOL, nullable=False, doc="D in October, November or April"),
        Column("backfill_bootstrap_mode", BOOL, nullable=False, doc="D within 30 days of October 1"),
        *RUN_COLUMNS,
    ),
)  # fmt: skip

# --- player_composite_factors: defined with processor 3 (issue: daily cache and composite factors) ---

PLAYER_COMPOSITE_FACTORS = TableSchema(
    dataset="nba_precompute",
    name="player_composite_factors",
    doc="Per player playing on the date: four contextual factor scores and their summed point adjustment.",
    key=("player_lookup", "game_date"),
    partition="game_date",
    clustering=("player_lookup", "universal_player_id", "game_date"),
    columns=(
        Column("player_lookup", STR, nullable=False),
        Column("universal_player_id", STR, doc="from the player's context row"),
        Column("game_date", DATE, nullable=False, doc="the analysis date D"),
        Column("game_id", STR, nullable=False, doc="from the player's context row"),
        Column("analysis_date", DATE, nullable=False),
        Column("fatigue_score", I64, nullable=False, doc="0-100, higher = fresher"),
        Column("shot_zone_mismatch_score", F64, scale=1, nullable=False,
               doc="-10..10: opponent defence in the player's main zone, positive = favourable"),
        Column("pace_score", F64, scale=1, nullable=False, doc="-3..3: half the pace differential"),
        Column("usage_spike_score", F64, scale=1, nullable=False, doc="-3..3: projected minus recent usage; 0 unknown"),
        Column("referee_favorability_score", F64, scale=1, nullable=False, doc="deferred: always 0"),
        Column("look_ahead_pressure_score", F64, scale=1, nullable=False, doc="deferred: always 0"),
        Column("travel_impact_score", F64, scale=1, nullable=False, doc="deferred: always 0"),
        Column("opponent_strength_score", F64, scale=1, nullable=False, doc="deferred: always 0"),
        Column("total_composite_adjustment", F64, scale=2, nullable=False,
               doc="points: (fatigue - 100) / 20 + shot zone + pace + usage spike, unrounded parts"),
        Column("data_completeness_pct", F64, scale=2, nullable=False,
               doc="percent of the 5 inputs known: days_rest, projected usage, pace, shot-zone row, defence row"),
        Column("missing_data_fields", STR, doc="the unknown inputs among those 5, comma separated"),
        Column("has_warnings", BOOL, nullable=False),
        Column("warning_details", STR, doc="EXTREME_FATIGUE / EXTREME_MATCHUP / EXTREME_ADJUSTMENT messages"),
        Column("early_season_flag", BOOL, nullable=False, doc="always False (reference behaviour)"),
        Column("insufficient_data_reason", STR, doc="always NULL (reference behaviour)"),
        *COMPLETENESS_COLUMNS,
        MISSING_GAMES_COLUMN,
        Column("data_quality_issues", pl.List(STR), doc="own_data_incomplete, upstream_*_incomplete"),
        Column("upstream_player_shot_ready", BOOL, nullable=False, doc="his shot-zone row exists and is ready"),
        Column("upstream_team_defense_ready", BOOL, nullable=False,
               doc="the opponent's team-defense row exists and is ready"),
        Column("all_upstreams_ready", BOOL, nullable=False),
        Column("season_boundary_detected", BOOL, nullable=False, doc="D in October, November or April"),
        Column("backfill_bootstrap_mode", BOOL, nullable=False, doc="D within 30 days of October 1"),
        *RUN_COLUMNS,
    ),
)  # fmt: skip

PRECOMPUTE_FAILURES = TableSchema(
    dataset="nba_processing",
    name="precompute_failures",
    doc="Entities a processor dropped or could not compute, per analysis date (D8).",
    key=("processor_name", "analysis_date", "entity_id"),
    partition="analysis_date",
    clustering=("processor_name", "failure_category"),
    columns=(
        Column("processor_name", STR, nullable=False),
        Column("analysis_date", DATE, nullable=False),
        Column("entity_id", STR, nullable=False, doc="player_lookup, team_abbr, or DATE_LEVEL"),
        Column("failure_category", STR, nullable=False,
               doc="INSUFFICIENT_DATA | MISSING_DEPENDENCY | PROCESSING_ERROR"),
        Column("failure_reason", STR, nullable=False),
        Column("run_id", STR, nullable=False),
        Column("created_at", TIMESTAMP, nullable=False),
    ),
)  # fmt: skip

BACKFILL_LEDGER = TableSchema(
    dataset="nba_processing",
    name="backfill_ledger",
    doc="The run that last wrote each analysis date, and whether the date finished; read by backfill --resume.",
    key=("analysis_date",),
    partition="analysis_date",
    clustering=("run_id",),
    columns=(
        Column("analysis_date", DATE, nullable=False),
        Column("run_id", STR, nullable=False),
        Column("status", STR, nullable=False, doc="DONE | FAILED (a date whose computation raised)"),
        Column("range_start", DATE, nullable=False, doc="the run's --start"),
        Column("range_end", DATE, nullable=False, doc="the run's --end"),
        Column("processed_at", TIMESTAMP, nullable=False, doc="UTC time the run started"),
    ),
)
