"""Processor 5 behind the four earlier processors on a synthetic season: D1, and dates at once = one at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from nbaray import context
from nbaray.pipeline.inputs import PHASE3_INPUTS
from nbaray.pipeline.run_dates import RunStamp, compute_dates
from nbaray.processors import ml_feature_store
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons

SEASON = 2023
STAMP = RunStamp("mlfs", datetime(2024, 6, 1, tzinfo=UTC))
UPSTREAM = ("team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache", "player_composite_factors")
BOX_SCORES = ("player_game_summary", "team_offense_game_summary", "team_defense_game_summary")
IDENTITY = {"season_year", "game_status"}  # who plays when: may be read for D (D1)


@pytest.fixture(scope="module")
def inputs() -> dict[str, pl.DataFrame]:
    frames = generate_seasons([SEASON], seed=11)
    return {name: frames.get(table.qualified_name, table.empty()) for name, table in PHASE3_INPUTS.items()}


@pytest.fixture(scope="module")
def game_days(inputs) -> list[date]:
    """Game days 20, 21, 45 and 90 days after opening night, or the next game day after each."""
    played = set(inputs["schedule"]["game_date"].to_list())
    opening = opening_nights(inputs["schedule"])[SEASON]
    days = []
    for offset in (20, 21, 45, 90):
        day = opening + timedelta(days=offset)
        while day not in played or day in days:
            day += timedelta(days=1)
        days.append(day)
    return days


def feature_store(inputs: dict[str, pl.DataFrame], dates: list[date]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Context, the four earlier processors as the pipeline runs them, then processor 5, conformed."""
    upstream = {table.name: rows for table, rows in compute_dates(inputs, dates, STAMP).items()}
    phase3 = {k: inputs[k] for k in ("player_game_summary", "team_offense_game_summary", "schedule")}
    players = context.player_game_context(
        upcoming_player_game_context=inputs["upcoming_player_game_context"], analysis_dates=dates, **phase3
    )
    output = ml_feature_store.compute(
        player_game_context=players, analysis_dates=dates, **phase3, **{name: upstream[name] for name in UPSTREAM}
    )
    rows = output.rows.with_columns(
        processor_version=pl.lit(ml_feature_store.VERSION), run_id=pl.lit(STAMP.run_id),
        processed_at=pl.lit(STAMP.processed_at),
    )  # fmt: skip
    return ml_feature_store.TABLE.conform(rows).sort("game_date", "player_lookup"), output.failures


def scrambled_from(frames: dict[str, pl.DataFrame], day: date, seed: int) -> dict[str, pl.DataFrame]:
    """Every numeric or boolean statistic of every box score on or after `day` replaced by noise."""
    rng = np.random.default_rng(seed)
    out = dict(frames)
    for name in BOX_SCORES:
        frame = frames[name]
        later = pl.col("game_date") >= day
        stats = [c for c, t in frame.schema.items() if (t.is_numeric() or t == pl.Boolean) and c not in IDENTITY]
        noise = {c: pl.Series(c, rng.integers(0, 60, frame.height)).cast(frame.schema[c]) for c in stats}
        out[name] = frame.with_columns(pl.when(later).then(noise[c]).otherwise(pl.col(c)).alias(c) for c in stats)
    return out


def test_rows_for_d_ignore_games_on_or_after_d(inputs, game_days) -> None:
    day = game_days[2]
    clean, clean_failures = feature_store(inputs, [day])
    assert clean.height > 100
    for seed in (1, 2):
        scrambled, failures = feature_store(scrambled_from(inputs, day, seed), [day])
        assert clean.equals(scrambled)
        assert clean_failures.equals(failures)


def test_all_dates_at_once_equal_one_date_at_a_time(inputs, game_days) -> None:
    together, together_failures = feature_store(inputs, game_days)
    apart = [feature_store(inputs, [day]) for day in game_days]
    assert together.equals(pl.concat([rows for rows, _ in apart]).sort("game_date", "player_lookup"))
    assert together_failures.sort("analysis_date", "entity_id").equals(
        pl.concat([failures for _, failures in apart]).sort("analysis_date", "entity_id")
    )
    assert together["game_date"].unique().sort().to_list() == sorted(game_days)


def test_every_roster_player_gets_a_full_vector(inputs, game_days) -> None:
    rows, _ = feature_store(inputs, game_days)
    roster = context.player_game_context(
        upcoming_player_game_context=inputs["upcoming_player_game_context"], analysis_dates=game_days,
        **{k: inputs[k] for k in ("player_game_summary", "team_offense_game_summary", "schedule")},
    )  # fmt: skip
    assert rows.height == roster.height
    assert rows.select(pl.col("features").list.len().unique()).to_series().to_list() == [25]
    values = rows["features"].explode()
    assert values.null_count() == 0 and not values.is_nan().any()
    assert set(rows["quality_tier"]) <= {"gold", "silver", "bronze", "poor", "unusable"}
