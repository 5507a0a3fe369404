"""The GO / NO-GO checks of a backfilled range (spec: validation section; DECISIONS D2, D4, D8).

Each check is a small function of frames read once from the warehouse; `validate` runs them all.
A check FAILs only on what should block training; what deserves a look but not a stop is a WARN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

import polars as pl

from nbaray.pipeline.inputs import PHASE3_INPUTS, lookback_start
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.precompute import PRECOMPUTE_FAILURES
from nbaray.schemas.registry import TABLES
from nbaray.season_calendar import opening_nights, processable_dates
from nbaray.warehouse.base import Warehouse

Status = Literal["PASS", "WARN", "FAIL"]

COVERAGE_PASS_PCT = 88.0  # distinct games with composite factors / games played; below this, MARGINAL
COVERAGE_MIN_PCT = 80.0  # below this the range is not fit to train on
PHASE3_READY_PCT = 95.0  # share of processable dates an input table must have rows on
NULL_RATE_MAX_PCT = 5.0
TOP_TIERS_MIN_PCT = 80.0  # gold + silver feature-store rows
COVERAGE_TABLE = "nba_precompute.player_composite_factors"
FEATURE_STORE = "nba_predictions.ml_feature_store_v2"

# Columns a written row must almost always carry; a NULL in them means a feature went missing.
# Left out: values that are NULL by definition in some rows (20-game metrics under 15 games,
# zone percentages of a zone never shot, context a derived date cannot know, such as age).
MUST_POPULATE: dict[str, tuple[str, ...]] = {
    "nba_precompute.team_defense_zone_analysis": (
        "paint_attempts_allowed_per_game", "mid_range_attempts_allowed_per_game", "three_pt_attempts_allowed_per_game",
        "defensive_rating_last_15", "opponent_points_per_game", "opponent_pace", "strongest_zone", "weakest_zone",
    ),
    "nba_precompute.player_shot_zone_analysis": (
        "paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10", "total_shots_last_10",
        "paint_attempts_per_game", "primary_scoring_zone",
    ),
    "nba_precompute.player_daily_cache": (
        "points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10", "minutes_avg_last_10",
        "usage_rate_last_10", "games_played_season", "team_pace_last_10", "team_off_rating_last_10",
    ),
    "nba_precompute.player_composite_factors": (
        "fatigue_score", "shot_zone_mismatch_score", "pace_score", "usage_spike_score", "total_composite_adjustment",
    ),
    FEATURE_STORE: ("features", "feature_quality_score", "quality_tier", "data_source"),
}  # fmt: skip


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Validation:
    start: date
    end: date
    checks: list[Check]
    coverage_pct: float | None
    per_date: pl.DataFrame  # analysis_date, bootstrap, games, covered_games, rows per output table

    @property
    def verdict(self) -> Literal["GO", "NO-GO"]:
        return "NO-GO" if any(c.status == "FAIL" for c in self.checks) else "GO"

    @property
    def reasons(self) -> list[str]:
        return [f"{c.name}: {c.summary}" for c in self.checks if c.status == "FAIL"]

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "coverage_pct": self.coverage_pct,
            "reasons": self.reasons,
            "checks": [asdict(c) for c in self.checks],
            "per_date": [
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
                for row in self.per_date.to_dicts()
            ],
        }


def validate(warehouse: Warehouse, start: date, end: date) -> Validation:
    """Read the range once and run every check."""
    # From the season's start, so that opening night (and with it the bootstrap) is known.
    schedule = warehouse.read(PHASE3_INPUTS["schedule"], lookback_start(start), end)
    outputs = {t.qualified_name: warehouse.read(t, start, end) for t in output_tables()}
    games = warehouse.read(PHASE3_INPUTS["player_game_summary"], start, end, ["game_id", "game_date"]).unique()
    processable = processable_dates(schedule, start, end) if not schedule.is_empty() else []
    in_range = schedule.filter(pl.col("game_date").is_between(start, end))
    bootstrap = sorted(set(in_range["game_date"].to_list()) - set(processable))
    phase3_dates = {
        name: set(warehouse.read(t, start, end, ["game_date"])["game_date"].unique().to_list())
        for name, t in PHASE3_INPUTS.items()
    }
    per_date = _per_date(processable, bootstrap, games, outputs)
    coverage = _coverage_pct(per_date)
    checks = [
        _phase3_readiness(phase3_dates, processable),
        _phase4_coverage(coverage, per_date),
        _bootstrap_empty(per_date),
        _dates_without_rows(per_date),
        _null_rates(outputs),
        _feature_quality(outputs[FEATURE_STORE]),
        _failures(outputs[PRECOMPUTE_FAILURES.qualified_name]),
    ]
    if not processable:
        checks.insert(0, Check("processable_dates", "FAIL", f"no processable game dates between {start} and {end}"))
    else:
        first_dates = {str(k): v.isoformat() for k, v in opening_nights(schedule).items()}
        checks.insert(0, Check("processable_dates", "PASS", f"{len(processable)} processable dates, "
                               f"{len(bootstrap)} bootstrap dates", {"opening_nights": first_dates}))  # fmt: skip
    return Validation(start, end, checks, coverage, per_date)


def _per_date(
    processable: list[date], bootstrap: list[date], games: pl.DataFrame, outputs: Mapping[str, pl.DataFrame]
) -> pl.DataFrame:
    """One row per processable or bootstrap date: games played, games covered, rows per output table."""
    days = pl.DataFrame(
        {
            "analysis_date": [*processable, *bootstrap],
            "bootstrap": [False] * len(processable) + [True] * len(bootstrap),
        },
        schema={"analysis_date": pl.Date(), "bootstrap": pl.Boolean()},
    )
    played = games.group_by(pl.col("game_date").alias("analysis_date")).agg(pl.col("game_id").n_unique().alias("games"))
    factors = outputs[COVERAGE_TABLE]
    covered = (
        factors.join(games, on=["game_id", "game_date"])
        .group_by(pl.col("game_date").alias("analysis_date"))
        .agg(pl.col("game_id").n_unique().alias("covered_games"))
    )
    frame = days.join(played, on="analysis_date", how="left").join(covered, on="analysis_date", how="left")
    for name, rows in outputs.items():
        partition = TABLES[name].partition
        counts = rows.group_by(pl.col(partition).alias("analysis_date")).agg(pl.len().alias(name))
        frame = frame.join(counts, on="analysis_date", how="left")
    return frame.fill_null(0).sort("analysis_date")


def _coverage_pct(per_date: pl.DataFrame) -> float | None:
    processable = per_date.filter(~pl.col("bootstrap"))
    games = processable["games"].sum()
    return round(100.0 * processable["covered_games"].sum() / games, 1) if games else None


def _phase3_readiness(phase3_dates: Mapping[str, set[date]], processable: list[date]) -> Check:
    expected = set(processable)
    coverage = {
        name: round(100.0 * len(dates & expected) / len(expected), 1) if expected else 0.0
        for name, dates in phase3_dates.items()
    }
    # The upcoming-context tables are optional: without them the context is derived (D6).
    required = [n for n in coverage if not n.startswith("upcoming_")]
    short = {n: coverage[n] for n in required if coverage[n] < PHASE3_READY_PCT}
    if short:
        return Check("phase3_readiness", "FAIL", f"input tables with rows on < {PHASE3_READY_PCT:g}% of processable "
                     f"dates: {short}", {"coverage_pct": coverage})  # fmt: skip
    return Check("phase3_readiness", "PASS", f"every required input has rows on >= {PHASE3_READY_PCT:g}% of "
                 "processable dates", {"coverage_pct": coverage})  # fmt: skip


def _phase4_coverage(coverage: float | None, per_date: pl.DataFrame) -> Check:
    missing = per_date.filter(~pl.col("bootstrap") & (pl.col("games") > 0) & (pl.col("covered_games") == 0))
    details = {"missing_dates": [d.isoformat() for d in missing["analysis_date"].to_list()]}
    if coverage is None:
        return Check("phase4_coverage", "FAIL", "no games were played on the processable dates", details)
    summary = f"{coverage}% of games have composite factors"
    if coverage >= COVERAGE_PASS_PCT:
        return Check("phase4_coverage", "PASS", summary, details)
    if coverage >= COVERAGE_MIN_PCT:
        return Check("phase4_coverage", "WARN", f"MARGINAL: {summary} (< {COVERAGE_PASS_PCT:g}%)", details)
    return Check("phase4_coverage", "FAIL", f"{summary} (< {COVERAGE_MIN_PCT:g}%)", details)


def _bootstrap_empty(per_date: pl.DataFrame) -> Check:
    tables = [c for c in per_date.columns if "." in c]
    written = per_date.filter(pl.col("bootstrap") & pl.sum_horizontal(tables).gt(0))
    if written.height:
        dates = [d.isoformat() for d in written["analysis_date"].to_list()]
        return Check("bootstrap_empty", "FAIL", f"bootstrap dates hold Phase 4 rows (D2): {', '.join(dates)}",
                     {"dates": dates})  # fmt: skip
    return Check("bootstrap_empty", "PASS", f"{per_date['bootstrap'].sum()} bootstrap dates hold no rows")


def _dates_without_rows(per_date: pl.DataFrame) -> Check:
    players = [c for c in per_date.columns if c in (COVERAGE_TABLE, FEATURE_STORE)]
    empty = per_date.filter(~pl.col("bootstrap") & (pl.min_horizontal(players) == 0))
    dates = [d.isoformat() for d in empty["analysis_date"].to_list()]
    if dates:
        return Check("dates_without_rows", "FAIL", f"{len(dates)} processable dates have no player rows: "
                     f"{', '.join(dates[:20])}{' ...' if len(dates) > 20 else ''}", {"dates": dates})  # fmt: skip
    return Check("dates_without_rows", "PASS", "every processable date has player rows")


def _null_rates(outputs: Mapping[str, pl.DataFrame]) -> Check:
    rates: dict[str, float] = {}
    for name, columns in MUST_POPULATE.items():
        frame = outputs.get(name)
        if frame is None or frame.is_empty():
            continue
        for column in columns:
            rates[f"{name}.{column}"] = round(100.0 * frame[column].null_count() / frame.height, 2)
    high = {k: v for k, v in rates.items() if v >= NULL_RATE_MAX_PCT}
    if high:
        return Check("null_rates", "FAIL", f"columns with >= {NULL_RATE_MAX_PCT:g}% NULL: {high}", {"null_pct": rates})
    return Check("null_rates", "PASS", f"{len(rates)} required columns under {NULL_RATE_MAX_PCT:g}% NULL",
                 {"null_pct": rates})  # fmt: skip


def _feature_quality(feature_store: pl.DataFrame) -> Check:
    if feature_store.is_empty():
        return Check("feature_quality", "FAIL", "the feature store holds no rows in the range")
    scores = feature_store["feature_quality_score"]
    tiers = dict(feature_store.group_by("quality_tier").len().iter_rows())
    top = 100.0 * (tiers.get("gold", 0) + tiers.get("silver", 0)) / feature_store.height
    details = {
        "tiers": tiers,
        "score": {k: round(float(v), 2) for k, v in
                  {"min": scores.min(), "p10": scores.quantile(0.1), "median": scores.median(),
                   "mean": scores.mean(), "max": scores.max()}.items()},
    }  # fmt: skip
    status: Status = "PASS" if top >= TOP_TIERS_MIN_PCT else "WARN"
    return Check("feature_quality", status, f"{top:.1f}% of rows gold or silver, mean score "
                 f"{details['score']['mean']}", details)  # fmt: skip


def _failures(failures: pl.DataFrame) -> Check:
    counts = failures.group_by("processor_name", "failure_category").len().sort("processor_name", "failure_category")
    details = {"by_processor_and_category": [list(r) for r in counts.iter_rows()]}
    errors = failures.filter(pl.col("failure_category") == "PROCESSING_ERROR")
    if errors.height:
        dates = sorted({d.isoformat() for d in errors["analysis_date"].to_list()})
        return Check("failures", "FAIL", f"{errors.height} PROCESSING_ERROR rows on {', '.join(dates[:10])}", details)
    return Check("failures", "PASS", f"{failures.height} expected failure rows (minimum-games drops)", details)
