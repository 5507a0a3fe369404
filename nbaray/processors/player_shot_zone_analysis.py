"""Processor 2 of 5: player_shot_zone_analysis.

One row per player and analysis date D: shot distribution, efficiency and volume by zone over
the player's 10 newest games played before D, and a 20-game paint trend (spec 2B).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features import samples, zones
from nbaray.features.completeness import player_completeness
from nbaray.features.windows import entity_dates, window_sums
from nbaray.processors import INSUFFICIENT_DATA, ProcessorOutput, failures
from nbaray.schemas.precompute import PLAYER_SHOT_ZONE_ANALYSIS, RUN_COLUMNS

TABLE = PLAYER_SHOT_ZONE_ANALYSIS
VERSION = "player_shot_zone_analysis/1"

WINDOW_GAMES = 10  # newest games played before D; fewer since October 1 -> INSUFFICIENT_DATA
TREND_WINDOW_GAMES = 20  # newest games for the paint trend and sample_quality_20
MIN_TREND_GAMES = 15  # games the 20-game paint metrics need; fewer -> NULL
MEDIUM_QUALITY_GAMES = 7  # games for a 'medium' data_quality_tier (unreachable in written rows)

KEY = ["player_lookup", "analysis_date"]
_RUN_COLUMN_NAMES = {c.name for c in RUN_COLUMNS}  # stamped by the pipeline, not here
_OUTPUT_COLUMNS = [c for c in TABLE.column_names if c not in _RUN_COLUMN_NAMES]
_ZONE_STATS = [f"{zone}_{stat}" for zone in zones.ZONES for stat in ("makes", "attempts")]
_ASSIST_STATS = ["fg_makes", "assisted_fg_makes", "unassisted_fg_makes"]


def compute(
    *, player_game_summary: pl.DataFrame, schedule: pl.DataFrame, analysis_dates: list[date]
) -> ProcessorOutput:
    """Rows for every player with a game played since October 1 and at least 10 before D; failures for the rest."""
    played = player_game_summary.filter(_game_played()).select(
        "player_lookup", "universal_player_id", "game_id", "game_date", *_ZONE_STATS, *_ASSIST_STATS
    )
    players = entity_dates(played, analysis_dates, by=["player_lookup"])
    # NULL stats count as 0 (2B.4)
    last_10 = window_sums(
        played,
        players,
        by=["player_lookup"],
        columns=[*_ZONE_STATS, *_ASSIST_STATS],
        newest=["universal_player_id"],
        n=WINDOW_GAMES,
        same_season=True,
    ).rename({"games": "games_in_sample_10", **{c: f"{c}_10" for c in [*_ZONE_STATS, *_ASSIST_STATS]}})
    last_20 = (
        window_sums(
            played,
            players,
            by=["player_lookup"],
            columns=[*(f"{zone}_attempts" for zone in zones.ZONES), "paint_makes"],
            n=TREND_WINDOW_GAMES,
            same_season=True,
        )
        .rename(lambda c: c if c in KEY else f"{c}_20")
        .rename({"games_20": "games_in_sample_20"})
    )
    totals = last_10.join(last_20, on=KEY)  # the same keys: both windows end at the newest game before D
    enough = pl.col("games_in_sample_10") >= WINDOW_GAMES
    written = totals.filter(enough)
    rows = (
        written.with_columns(
            pl.sum_horizontal(f"{zone}_attempts_10" for zone in zones.ZONES).alias("total_attempts_10"),
            pl.sum_horizontal(f"{zone}_attempts_20" for zone in zones.ZONES).alias("total_attempts_20"),
        )
        .with_columns(**_last_10_metrics(), **_last_20_metrics())
        .with_columns(**_labels())
        .join(player_completeness(schedule, player_game_summary, written.select(KEY)), on=KEY, how="left")
        .with_columns(pl.col("is_production_ready").fill_null(False))
    )
    return ProcessorOutput(
        rows=rows.select(_OUTPUT_COLUMNS),
        failures=failures(
            totals.filter(~enough),
            entity="player_lookup",
            date_column="analysis_date",
            category=INSUFFICIENT_DATA,
            reason=pl.format("Only {} games, need {}", pl.col("games_in_sample_10"), pl.lit(WINDOW_GAMES)),
        ),
    )


def _game_played() -> pl.Expr:
    """Active with minutes or a field-goal attempt; a NULL comparison counts as false (2B.3)."""
    took_part = (pl.col("minutes_played") > 0).fill_null(False) | (pl.col("fg_attempts") > 0).fill_null(False)
    return pl.col("is_active").fill_null(False) & took_part


def _last_10_metrics() -> dict[str, pl.Expr]:
    """Shot distribution, efficiency, volume and assist rates over the 10 newest games."""
    total = pl.col("total_attempts_10")
    metrics: dict[str, pl.Expr] = {}
    for zone in zones.ZONES:
        attempts = pl.col(f"{zone}_attempts_10")
        metrics[f"{zone}_rate_last_10"] = zones.zone_rate(attempts, total)
        metrics[f"{zone}_pct_last_10"] = zones.shooting_pct(pl.col(f"{zone}_makes_10"), attempts)
        metrics[f"{zone}_attempts_per_game"] = zones.per_game(attempts, pl.col("games_in_sample_10"))
    metrics["total_shots_last_10"] = pl.when(total > 0).then(total)
    for kind in ("assisted", "unassisted"):
        metrics[f"{kind}_rate_last_10"] = zones.made_share(pl.col(f"{kind}_fg_makes_10"), pl.col("fg_makes_10"), total)
    return metrics


def _last_20_metrics() -> dict[str, pl.Expr]:
    """Paint share and paint efficiency over the 20 newest games; NULL below 15 games."""
    trend = pl.col("games_in_sample_20") >= MIN_TREND_GAMES
    return {
        "paint_rate_last_20": pl.when(trend).then(
            zones.zone_rate(pl.col("paint_attempts_20"), pl.col("total_attempts_20"))
        ),
        "paint_pct_last_20": pl.when(trend).then(
            zones.shooting_pct(pl.col("paint_makes_20"), pl.col("paint_attempts_20"))
        ),
    }


def _labels() -> dict[str, pl.Expr]:
    """Primary zone, sample qualities, tier, and the columns the reference always leaves NULL."""
    return {
        "primary_scoring_zone": zones.primary_scoring_zone(*(pl.col(f"{zone}_rate_last_10") for zone in zones.ZONES)),
        "sample_quality_10": samples.sample_quality(pl.col("games_in_sample_10"), WINDOW_GAMES),
        "sample_quality_20": samples.sample_quality(pl.col("games_in_sample_20"), TREND_WINDOW_GAMES),
        "data_quality_tier": samples.data_quality_tier(
            pl.col("games_in_sample_10"), high=WINDOW_GAMES, medium=MEDIUM_QUALITY_GAMES
        ),
        "player_position": pl.lit(None, pl.String),
        "calculation_notes": pl.lit(None, pl.String),
    }
