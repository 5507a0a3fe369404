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

# --- player_composite_factors: defined with processor 3 (issue: daily cache and composite factors) ---

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
