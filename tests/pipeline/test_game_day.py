"""Game day: a date whose games are not played yet, run from the upcoming context (D1, D6).

The morning run of D has no box score of D and D's games are not final; the roster and its
context come as `upcoming_player_game_context` rows. With the same context rows, the run after
the games must write exactly what the morning run wrote: nothing of D's games may reach D.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.context import player_game_context
from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.inputs import read_phase3
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY, UPCOMING_PLAYER_GAME_CONTEXT
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons
from nbaray.warehouse import LocalConfig, Warehouse, open_warehouse

pytestmark = pytest.mark.ray
SEASON = 2023
RUN_COLUMNS = ("run_id", "processed_at", "created_at")
BOX_SCORES = ("nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
              "nba_analytics.team_defense_game_summary")  # fmt: skip
SCHEDULED = 1  # nbac_schedule game_status of a game not yet started


def _outputs(config: LocalConfig, day) -> dict[str, pl.DataFrame]:
    warehouse = open_warehouse(config)
    return {
        t.qualified_name: warehouse.read(t, day, day).drop([c for c in RUN_COLUMNS if c in t.column_names]).sort(t.key)
        for t in output_tables()
    }


def _loaded(root: Path, frames: dict[str, pl.DataFrame]) -> Warehouse:
    warehouse = open_warehouse(LocalConfig(root))
    load_tables(warehouse, frames, season_dates([SEASON]))
    return warehouse


def test_the_morning_run_writes_what_the_run_after_the_games_writes(ray_cluster, tmp_path: Path) -> None:
    season = generate_seasons([SEASON], seed=11)
    schedule = season["nba_raw.nbac_schedule"]
    day = schedule.filter(pl.col("game_date") >= opening_nights(schedule)[SEASON] + timedelta(days=45))[
        "game_date"
    ].min()
    played = {name: frame.filter(pl.col("game_date") <= day) for name, frame in season.items()}
    inputs = read_phase3(_loaded(tmp_path / "derive", played), day, day)
    context = player_game_context(
        player_game_summary=inputs["player_game_summary"],
        team_offense_game_summary=inputs["team_offense_game_summary"],
        upcoming_player_game_context=inputs["upcoming_player_game_context"],
        schedule=inputs["schedule"],
        analysis_dates=[day],
    )
    upcoming = {
        UPCOMING_PLAYER_GAME_CONTEXT.qualified_name: context.select(
            c for c in UPCOMING_PLAYER_GAME_CONTEXT.column_names if c in context.columns
        )
    }
    morning = {
        **{name: frame.filter(pl.col("game_date") < day) if name in BOX_SCORES else frame
           for name, frame in played.items()},
        "nba_raw.nbac_schedule": played["nba_raw.nbac_schedule"].with_columns(
            game_status=pl.when(pl.col("game_date") == day).then(SCHEDULED).otherwise(pl.col("game_status"))
        ),
    }  # fmt: skip
    runs = {}
    for name, frames in (("morning", morning), ("after the games", played)):
        config = LocalConfig(tmp_path / name)
        warehouse = _loaded(config.root, {**frames, **upcoming})
        assert warehouse.read(PLAYER_GAME_SUMMARY, day, day).height == (0 if name == "morning" else context.height)
        assert not backfill(config, day, day, progress=False).failed
        runs[name] = _outputs(config, day)

    expected, got = runs["after the games"], runs["morning"]
    assert expected[ML_FEATURE_STORE_V2.qualified_name].height == context.height > 100
    for name, frame in expected.items():
        assert got[name].equals(frame), name
