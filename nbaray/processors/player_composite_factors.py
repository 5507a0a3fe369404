"""Processor 3 of 5: player_composite_factors.

One row per player on D's roster (`player_game_context`): fatigue, shot-zone mismatch, pace and
usage-spike scores (four deferred factors at 0) and their sum, a point adjustment to his
projection. Reads his shot-zone row and his opponent's team-defense row for D; a missing one
counts as no mismatch. No player is dropped.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.context import missing_roster_failures
from nbaray.features import fatigue, pace, season_flags, shot_zone_mismatch, usage_spike
from nbaray.features.completeness import own_completeness
from nbaray.features.lists import as_list
from nbaray.features.windows import dates_frame
from nbaray.processors import ProcessorOutput
from nbaray.schemas.precompute import PLAYER_COMPOSITE_FACTORS

TABLE = PLAYER_COMPOSITE_FACTORS
VERSION = "player_composite_factors/1"

EXTREME_FATIGUE_BELOW = 50  # fatigue score
EXTREME_MATCHUP_ABOVE = 8.0  # |shot-zone score|, points
EXTREME_ADJUSTMENT_ABOVE = 12.0  # |total adjustment|, points
DEFERRED_FACTORS = ("referee_favorability_score", "look_ahead_pressure_score", "travel_impact_score",
                    "opponent_strength_score")  # fmt: skip

KEY = ["player_lookup", "analysis_date"]
_SHOT_ZONE = ["primary_scoring_zone", "paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10"]
_DEFENSE = ["paint_defense_vs_league_avg", "mid_range_defense_vs_league_avg", "three_pt_defense_vs_league_avg"]
# The five inputs data_completeness_pct counts, in the order missing_data_fields names them.
_KNOWN_INPUTS = {
    "days_rest": pl.col("days_rest").is_not_null(),
    "projected_usage_rate": pl.col("projected_usage_rate").is_not_null(),
    "pace_differential": pl.col("pace_differential").is_not_null(),
    "player_shot_zone": pl.col("has_player_shot_zone"),
    "team_defense_zone": pl.col("has_opponent_defense"),
}
_WARNINGS = {
    "EXTREME_FATIGUE: Player showing severe fatigue": pl.col("fatigue_score") < EXTREME_FATIGUE_BELOW,
    "EXTREME_MATCHUP: Unusual zone mismatch": pl.col("shot_zone_mismatch_score").abs() > EXTREME_MATCHUP_ABOVE,
    "EXTREME_ADJUSTMENT: Very large composite adjustment": pl.col("total_composite_adjustment").abs()
    > EXTREME_ADJUSTMENT_ABOVE,
}


def compute(
    *,
    player_game_context: pl.DataFrame,
    player_shot_zone_analysis: pl.DataFrame,
    team_defense_zone_analysis: pl.DataFrame,
    player_game_summary: pl.DataFrame,
    schedule: pl.DataFrame,
    analysis_dates: list[date],
) -> ProcessorOutput:
    """One row per roster player of each D; a DATE_LEVEL failure for a date with no roster."""
    roster = player_game_context.with_columns(analysis_date=pl.col("game_date")).join(
        dates_frame(analysis_dates), on="analysis_date"
    )
    shot_zones = player_shot_zone_analysis.select(
        *KEY, *_SHOT_ZONE, has_player_shot_zone=pl.lit(True), upstream_player_shot_ready=pl.col("is_production_ready")
    )
    defenses = team_defense_zone_analysis.select(
        pl.col("team_abbr").alias("opponent_team_abbr"),
        "analysis_date",
        *_DEFENSE,
        has_opponent_defense=pl.lit(True),
        upstream_team_defense_ready=pl.col("is_production_ready"),
    )
    rows = (
        roster.join(shot_zones, on=KEY, how="left")
        .join(defenses, on=["opponent_team_abbr", "analysis_date"], how="left")
        .join(own_completeness(schedule, player_game_summary, roster.select(KEY)), on=KEY, how="left")
        .with_columns(
            pl.col("has_player_shot_zone", "has_opponent_defense").fill_null(False),
            pl.col("upstream_player_shot_ready", "upstream_team_defense_ready").fill_null(False),
        )
        .with_columns(**_factor_scores())
        .with_columns(
            # unrounded parts, in the reference's order, so the stored 2-dp total matches it (D7)
            total_composite_adjustment=fatigue.fatigue_adjustment(pl.col("fatigue_score"))
            + pl.col("shot_zone_mismatch_score")
            + pl.col("pace_score")
            + pl.col("usage_spike_score"),
            **{name: pl.lit(0.0) for name in DEFERRED_FACTORS},
        )
        .with_columns(**_data_quality(), **_readiness(), **_season_flags())
    )
    return ProcessorOutput(
        rows=rows.select(_output_columns()).sort("game_date", "player_lookup"),
        failures=missing_roster_failures(player_game_context, analysis_dates),
    )


def _factor_scores() -> dict[str, pl.Expr]:
    c = pl.col
    return {
        "fatigue_score": fatigue.fatigue_score(
            c("days_rest"), c("back_to_back"), c("games_in_last_7_days"), c("minutes_in_last_7_days"),
            c("avg_minutes_per_game_last_7"), c("back_to_backs_last_14_days"), c("player_age"),
        ),
        "shot_zone_mismatch_score": shot_zone_mismatch.shot_zone_mismatch_score(
            *(c(name) for name in _SHOT_ZONE), *(c(name) for name in _DEFENSE),
            c("has_player_shot_zone"), c("has_opponent_defense"),
        ),
        "pace_score": pace.pace_score(c("pace_differential")),
        "usage_spike_score": usage_spike.usage_spike_score(
            c("projected_usage_rate"), c("avg_usage_rate_last_7_games"), c("star_teammates_out")
        ),
    }  # fmt: skip


def _data_quality() -> dict[str, pl.Expr]:
    """Share of the five inputs known, the unknown ones by name, and the warnings on unrounded values."""
    known = pl.sum_horizontal(*(flag.cast(pl.Int64) for flag in _KNOWN_INPUTS.values()))
    missing = pl.concat_str([pl.when(~flag).then(pl.lit(name)) for name, flag in _KNOWN_INPUTS.items()],
                            separator=", ", ignore_nulls=True)  # fmt: skip
    warnings = pl.concat_str([pl.when(flag).then(pl.lit(text)) for text, flag in _WARNINGS.items()],
                             separator="; ", ignore_nulls=True)  # fmt: skip
    return {
        "data_completeness_pct": 100.0 * known / len(_KNOWN_INPUTS),
        "missing_data_fields": pl.when(missing != "").then(missing),
        "has_warnings": warnings != "",
        "warning_details": pl.when(warnings != "").then(warnings),
        "early_season_flag": pl.lit(False),
        "insufficient_data_reason": pl.lit(None, pl.String),
    }


def _readiness() -> dict[str, pl.Expr]:
    """D4: own completeness ready and both Phase 4 rows PCF reads exist and are ready."""
    own, shot, defense = (
        pl.col("own_ready"), pl.col("upstream_player_shot_ready"), pl.col("upstream_team_defense_ready")
    )  # fmt: skip
    issues = [
        pl.when(~own).then(pl.lit("own_data_incomplete")),
        pl.when(~shot).then(pl.lit("upstream_player_shot_zone_incomplete")),
        pl.when(~defense).then(pl.lit("upstream_team_defense_zone_incomplete")),
    ]
    return {
        "all_upstreams_ready": shot & defense,
        "is_production_ready": own & shot & defense,
        "data_quality_issues": as_list(issues).list.drop_nulls(),
    }


def _season_flags() -> dict[str, pl.Expr]:
    day = pl.col("analysis_date")
    return {
        "season_boundary_detected": season_flags.season_boundary_detected(day),
        "backfill_bootstrap_mode": season_flags.backfill_bootstrap_mode(day),
    }


def _output_columns() -> list[str]:
    run_columns = {"processor_version", "run_id", "processed_at"}
    return [c for c in TABLE.column_names if c not in run_columns]
