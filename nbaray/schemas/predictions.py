"""Phase 4's last output, in nba_predictions: the ML feature store (D10).

The bookkeeping columns of the reference (source hashes and probes, data_hash, circuit-breaker,
reprocess and override fields, per-player generation time) are not kept (D3); every row carries
the run columns instead.
"""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import Column, TableSchema
from nbaray.schemas.precompute import COMPLETENESS_COLUMNS, MISSING_GAMES_COLUMN, RUN_COLUMNS

I64, F64, STR, BOOL, DATE = pl.Int64(), pl.Float64(), pl.String(), pl.Boolean(), pl.Date()

ML_FEATURE_STORE_V2 = TableSchema(
    dataset="nba_predictions",
    name="ml_feature_store_v2",
    doc="Per player playing on the date: the versioned feature vector the points model reads, and its quality.",
    key=("player_lookup", "game_date"),
    partition="game_date",
    clustering=("player_lookup", "feature_version", "game_date"),
    columns=(
        Column("player_lookup", STR, nullable=False),
        Column("universal_player_id", STR, doc="from the player's context row"),
        Column("game_date", DATE, nullable=False, doc="the analysis date D"),
        Column("game_id", STR, nullable=False, doc="from the player's context row"),
        Column("features", pl.List(F64), doc="feature values in feature_names order; never NULL or NaN"),
        Column("feature_names", pl.List(STR), doc="the feature set's names, in index order"),
        Column("feature_sources", pl.List(STR),
               doc="per feature, where its value came from: phase4 | phase3 | calculated | default"),
        Column("feature_count", I64, nullable=False),
        Column("feature_version", STR, nullable=False, doc="e.g. v1_baseline_25"),
        Column("feature_quality_score", F64, scale=2, nullable=False,
               doc="0-100: mean source weight (phase4 100, phase3 75, calculated 100, default 40)"),
        Column("quality_tier", STR, nullable=False, doc="gold >= 95 | silver >= 75 | bronze >= 50 | poor >= 25 | unusable"),
        Column("data_source", STR, nullable=False,
               doc="phase4 (>= 90 % Phase 4 values) | phase4_partial (>= 50 %) | phase3 (>= 50 % Phase 3) | mixed"),
        Column("opponent_team_abbr", STR),
        Column("is_home", BOOL, doc="context home_game"),
        Column("days_rest", I64, doc="context days_rest; 1 = played yesterday; NULL without a previous game"),
        *COMPLETENESS_COLUMNS,
        MISSING_GAMES_COLUMN,
        Column("data_quality_issues", pl.List(STR),
               doc="own_data_incomplete and upstream_*_incomplete for each of the four Phase 4 rows not ready"),
        Column("season_boundary_detected", BOOL, nullable=False, doc="D in October, November or April"),
        Column("backfill_bootstrap_mode", BOOL, nullable=False, doc="D within 30 days of October 1"),
        *RUN_COLUMNS,
    ),
)  # fmt: skip

# Written by `nbaray predict` (nbaray.train.predict), not by the backfill.
PLAYER_POINTS_PREDICTIONS = TableSchema(
    dataset="nba_predictions",
    name="player_points_predictions",
    doc="Per player in the feature store on the date: the trained points model's prediction.",
    key=("player_lookup", "game_date"),
    partition="game_date",
    clustering=("player_lookup", "model_id", "game_date"),
    columns=(
        Column("player_lookup", STR, nullable=False),
        Column("game_date", DATE, nullable=False, doc="the feature store's game_date"),
        Column("game_id", STR, nullable=False, doc="from the feature store row"),
        Column("predicted_points", F64, scale=2, nullable=False, doc="the model's points for the game"),
        Column("model_id", STR, nullable=False, doc="sha256 of the model's model.json"),
        Column("feature_version", STR, nullable=False, doc="the feature vector the model reads, e.g. v1_baseline_25"),
        Column("feature_quality_score", F64, scale=2, doc="copied from the feature store row, 0-100"),
        Column("run_id", STR, nullable=False, doc="the predict run that wrote the row"),
        Column("processed_at", pl.Datetime("us", "UTC"), nullable=False, doc="UTC time the run started"),
    ),
)  # fmt: skip
