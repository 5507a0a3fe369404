"""D1 for the whole pipeline: no statistic of a game on or after D reaches any output row for D."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from nbaray.pipeline.inputs import PHASE3_INPUTS
from nbaray.pipeline.run_dates import RunStamp, compute_dates
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons

SEASON = 2023
STAMP = RunStamp("pit", datetime(2024, 6, 1, tzinfo=UTC))
BOX_SCORES = ("player_game_summary", "team_offense_game_summary", "team_defense_game_summary")
IDENTITY = {"season_year", "game_status"}  # who plays when: allowed to be read for D (D1)


@pytest.fixture(scope="module")
def inputs() -> dict[str, pl.DataFrame]:
    frames = generate_seasons([SEASON], seed=3)
    return {name: frames.get(table.qualified_name, table.empty()) for name, table in PHASE3_INPUTS.items()}


def scrambled_from(frames: dict[str, pl.DataFrame], day: date, seed: int) -> dict[str, pl.DataFrame]:
    """Every numeric statistic of every box score on or after `day` replaced by noise."""
    rng = np.random.default_rng(seed)
    out = dict(frames)
    for name in BOX_SCORES:
        frame = frames[name]
        later = pl.col("game_date") >= day
        stats = [c for c, t in frame.schema.items() if t.is_numeric() and c not in IDENTITY]
        noise = {c: rng.integers(0, 60, frame.height) for c in stats}
        out[name] = frame.with_columns(
            pl.when(later).then(pl.Series(c, noise[c]).cast(frame.schema[c])).otherwise(pl.col(c)).alias(c)
            for c in stats
        )
    return out


@pytest.mark.parametrize("days_after_opening", [20, 45, 90])
def test_outputs_for_d_ignore_games_on_or_after_d(inputs, days_after_opening: int) -> None:
    day = opening_nights(inputs["schedule"])[SEASON] + timedelta(days=days_after_opening)
    while day not in set(inputs["schedule"]["game_date"].to_list()):
        day += timedelta(days=1)
    clean = compute_dates(inputs, [day], STAMP)
    assert sum(frame.height for frame in clean.values()) > 0
    for seed in (1, 2):
        scrambled = compute_dates(scrambled_from(inputs, day, seed), [day], STAMP)
        for table, frame in clean.items():
            assert frame.sort(table.key).equals(scrambled[table].sort(table.key)), table.qualified_name
