"""Processor 1 of 5: team_defense_zone_analysis.

One row per team and analysis date D: what opponents shot from each zone over the team's 15
newest games before D, against a league average of the 30 days before D (spec 2A).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features import samples, zones
from nbaray.features.completeness import team_completeness
from nbaray.features.windows import dates_frame, entity_dates, window_aggregates
from nbaray.processors import INSUFFICIENT_DATA, ProcessorOutput, failures
from nbaray.schemas.precompute import RUN_COLUMNS, TEAM_DEFENSE_ZONE_ANALYSIS

TABLE = TEAM_DEFENSE_ZONE_ANALYSIS
VERSION = "team_defense_zone_analysis/1"

WINDOW_GAMES = 15  # newest games before D per team; fewer since October 1 -> INSUFFICIENT_DATA
MEDIUM_QUALITY_GAMES = 10  # games for a 'medium' data_quality_tier (unreachable in written rows)
LEAGUE_WINDOW_DAYS = 30  # league average over D - 30 <= game_date < D (D1)
MIN_LEAGUE_TEAM_GAMES = 10  # rows a team needs in the league window to enter the average
MIN_LEAGUE_TEAMS = 10  # teams the average needs; fewer -> LEAGUE_DEFAULTS
LEAGUE_DEFAULTS = {"paint": 0.580, "mid_range": 0.410, "three_pt": 0.355}  # FG fraction allowed

KEY = ["team_abbr", "analysis_date"]
_RUN_COLUMN_NAMES = {c.name for c in RUN_COLUMNS}  # stamped by the pipeline, not here
_OUTPUT_COLUMNS = [c for c in TABLE.column_names if c not in _RUN_COLUMN_NAMES]
_SUMMED = [
    *(f"opp_{zone}_{stat}" for zone in zones.ZONES for stat in ("makes", "attempts")),
    *(f"blocks_{zone}" for zone in zones.ZONES),
    "points_in_paint_allowed",
    "points_allowed",
]


def compute(
    *, team_defense_game_summary: pl.DataFrame, schedule: pl.DataFrame, analysis_dates: list[date]
) -> ProcessorOutput:
    """Rows for every team with a game since October 1 and at least 15 games before D; failures for the rest."""
    games = team_defense_game_summary.select(
        pl.col("defending_team_abbr").alias("team_abbr"), "game_id", "game_date", *_SUMMED,
        "defensive_rating", "opponent_pace",
    )  # fmt: skip
    teams = entity_dates(games, analysis_dates, by=["team_abbr"])
    window = [
        pl.len().alias("games_in_sample"),
        pl.col(_SUMMED).sum(),  # NULL stats count as 0 (2A.5)
        samples.decimal_mean(pl.col("defensive_rating"), 2).alias("defensive_rating_last_15"),
        samples.decimal_mean(pl.col("opponent_pace"), 1).alias("opponent_pace"),
    ]
    totals = window_aggregates(games, teams, window, by=["team_abbr"], n=WINDOW_GAMES, same_season=True)
    enough = pl.col("games_in_sample") >= WINDOW_GAMES
    rows = (
        totals.filter(enough)
        .join(league_averages(team_defense_game_summary=team_defense_game_summary, analysis_dates=analysis_dates),
              on="analysis_date", how="left")
        .with_columns(**_zone_metrics())
        .with_columns(**_summary())
        .join(team_completeness(schedule, games, analysis_dates, team_column="team_abbr"), on=KEY, how="left")
        .with_columns(pl.col("is_production_ready").fill_null(False))
    )  # fmt: skip
    short = totals.filter(~enough)
    return ProcessorOutput(
        rows=rows.select(_OUTPUT_COLUMNS),
        failures=failures(
            short,
            entity="team_abbr",
            date_column="analysis_date",
            category=INSUFFICIENT_DATA,
            reason=pl.format("Only {} games, need {}", pl.col("games_in_sample"), pl.lit(WINDOW_GAMES)),
        ),
    )


def league_averages(*, team_defense_game_summary: pl.DataFrame, analysis_dates: list[date]) -> pl.DataFrame:
    """
    Per analysis date: the unweighted mean over teams of each zone's FG fraction allowed (2A.4).

    A team counts if it has at least 10 rows in ``D - 30 <= game_date < D`` (any season) and a
    fraction for all three zones; with fewer than 10 such teams every zone takes LEAGUE_DEFAULTS.

    Returns
    -------
    DataFrame
        ``analysis_date``, ``league_avg_paint``, ``league_avg_mid_range``, ``league_avg_three_pt``
        (0-1 fractions) and ``teams_in_sample``; one row per analysis date.
    """
    games = team_defense_game_summary.select(
        pl.col("defending_team_abbr").alias("team_abbr"), "game_date", "game_id",
        *(f"opp_{zone}_{stat}" for zone in zones.ZONES for stat in ("makes", "attempts")),
    )  # fmt: skip
    teams = entity_dates(games, analysis_dates, by=["team_abbr"])
    recent = [
        pl.len().alias("league_window_games"),
        *(
            zones.league_shooting_pct(pl.col(f"opp_{z}_makes"), pl.col(f"opp_{z}_attempts")).alias(f"league_avg_{z}")
            for z in zones.ZONES
        ),
    ]
    league = [f"league_avg_{zone}" for zone in zones.ZONES]
    per_team = (
        window_aggregates(games, teams, recent, by=["team_abbr"], days=LEAGUE_WINDOW_DAYS)
        .filter(pl.col("league_window_games") >= MIN_LEAGUE_TEAM_GAMES)
        .drop_nulls(league)
        .sort(KEY)  # a fixed summation order: with the sum below, the mean is the same however dates are batched
    )  # fmt: skip
    averaged = per_team.group_by("analysis_date").agg(*(_mean_in_order(c) for c in league),
                                                      pl.len().alias("teams_in_sample"))  # fmt: skip
    enough_teams = pl.col("teams_in_sample") >= MIN_LEAGUE_TEAMS
    return (
        dates_frame(analysis_dates)
        .join(averaged, on="analysis_date", how="left")
        .with_columns(pl.col("teams_in_sample").fill_null(0).cast(pl.Int64))
        .with_columns(
            pl.when(enough_teams)
            .then(pl.col(f"league_avg_{z}"))
            .otherwise(pl.lit(LEAGUE_DEFAULTS[z]))
            .alias(f"league_avg_{z}")
            for z in zones.ZONES
        )
    )


def _mean_in_order(column: str) -> pl.Expr:
    """Mean of a group's values added one after the other, in row order (use in ``agg``).

    ``mean()`` adds a group's values sequentially or pairwise depending on how Polars laid the
    groups out (a group on a column flagged sorted is a contiguous slice, summed pairwise), so
    the last bit of a float mean could depend on the batch; a running sum cannot.
    """
    return (pl.col(column).cum_sum().last() / pl.col(column).count()).alias(column)


def _zone_metrics() -> dict[str, pl.Expr]:
    """Per-zone columns from the window totals and the league average of the row's date."""
    games = pl.col("games_in_sample")
    metrics: dict[str, pl.Expr] = {}
    for zone in zones.ZONES:
        pct = zones.shooting_pct(pl.col(f"opp_{zone}_makes"), pl.col(f"opp_{zone}_attempts"))
        metrics[f"{zone}_pct_allowed_last_15"] = pct
        metrics[f"{zone}_attempts_allowed_per_game"] = zones.per_game(pl.col(f"opp_{zone}_attempts"), games)
        metrics[f"{zone}_blocks_per_game"] = zones.per_game(pl.col(f"blocks_{zone}"), games)
        metrics[f"{zone}_defense_vs_league_avg"] = zones.vs_league_avg(pct, pl.col(f"league_avg_{zone}"))
    metrics["paint_points_allowed_per_game"] = zones.per_game(pl.col("points_in_paint_allowed"), games)
    metrics["opponent_points_per_game"] = zones.per_game(pl.col("points_allowed"), games)
    return metrics


def _summary() -> dict[str, pl.Expr]:
    """Best and worst zone, notes on zones without attempts, and the sample's tier."""
    vs_league = [pl.col(f"{zone}_defense_vs_league_avg") for zone in zones.ZONES]
    return {
        "strongest_zone": zones.strongest_zone(*vs_league),
        "weakest_zone": zones.weakest_zone(*vs_league),
        "calculation_notes": zones.no_attempt_notes(*(pl.col(f"opp_{zone}_attempts") for zone in zones.ZONES)),
        "data_quality_tier": samples.data_quality_tier(
            pl.col("games_in_sample"), high=WINDOW_GAMES, medium=MEDIUM_QUALITY_GAMES
        ),
    }
