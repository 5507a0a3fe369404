"""End to end on a synthetic season: Ray backfill into the embedded warehouse."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.errors import InputError
from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY
from nbaray.schemas.precompute import PRECOMPUTE_FAILURES
from nbaray.season_calendar import BOOTSTRAP_DAYS, opening_nights
from nbaray.synth import generate_seasons
from nbaray.warehouse import LocalConfig, open_warehouse

pytestmark = pytest.mark.ray

SEASON = 2023
RUN_COLUMNS = ["run_id", "processed_at", "created_at"]


@pytest.fixture(scope="module")
def season() -> dict[str, pl.DataFrame]:
    return generate_seasons([SEASON], seed=7)


@pytest.fixture(scope="module")
def opening(season: dict[str, pl.DataFrame]) -> date:
    return opening_nights(season["nba_raw.nbac_schedule"])[SEASON]


@pytest.fixture(scope="module")
def backfilled(ray_cluster, season, opening, tmp_path_factory) -> tuple[LocalConfig, date, date, object]:
    config = LocalConfig(tmp_path_factory.mktemp("warehouse"))
    load_tables(open_warehouse(config), season, season_dates([SEASON]))
    start, end = opening, opening + timedelta(days=40)
    summary = backfill(config, start, end, dates_per_task=5, progress=False)
    return config, start, end, summary


def snapshot(config: LocalConfig) -> dict[str, pl.DataFrame]:
    """Every output table's business content, sorted, without the columns that name the run."""
    warehouse = open_warehouse(config)
    out = {}
    for table in output_tables():
        frame = warehouse.read(table)
        out[table.qualified_name] = frame.drop([c for c in RUN_COLUMNS if c in frame.columns]).sort(table.key)
    return out


def test_backfill_processes_every_game_date_after_the_bootstrap(backfilled, season, opening) -> None:
    _, start, end, summary = backfilled
    schedule = season["nba_raw.nbac_schedule"]
    game_dates = set(schedule.filter(pl.col("game_date").is_between(start, end))["game_date"].to_list())
    processable = {d for d in game_dates if (d - opening).days >= BOOTSTRAP_DAYS}
    assert {r.analysis_date for r in summary.reports} == processable
    assert not summary.failed
    assert summary.rows  # something was written


def test_bootstrap_dates_are_empty_in_every_table(backfilled, opening) -> None:
    config, *_ = backfilled
    warehouse = open_warehouse(config)
    last_bootstrap = opening + timedelta(days=BOOTSTRAP_DAYS - 1)
    for table in output_tables():
        assert warehouse.read(table, opening, last_bootstrap).is_empty(), table.qualified_name


def test_rows_per_date(backfilled, season) -> None:
    config, start, end, summary = backfilled
    warehouse = open_warehouse(config)
    for table in output_tables():
        if table is PRECOMPUTE_FAILURES:
            continue
        per_date = warehouse.partitions(table)
        assert per_date["partition_date"].is_between(start, end).all()
        assert per_date["rows"].max() > 0, table.qualified_name
        frame = warehouse.read(table)
        assert not frame.select(table.key).is_duplicated().any(), table.qualified_name
    tdza = warehouse.read(output_tables()[0])
    assert tdza.group_by("analysis_date").len()["len"].max() <= 30
    for report in summary.reports:
        assert sum(report.rows.values()) > 0, report.analysis_date


def test_traded_players_keep_one_row_per_date_with_the_new_team(ray_cluster, season, opening, tmp_path: Path) -> None:
    pgs = season["nba_analytics.player_game_summary"]
    teams = pgs.group_by("player_lookup").agg(pl.col("team_abbr").n_unique().alias("teams"))
    traded = teams.filter(pl.col("teams") > 1)["player_lookup"].to_list()
    assert traded, "the synthetic season should hold trades"
    moves = (
        pgs.filter(pl.col("player_lookup").is_in(traded))
        .sort("game_date")
        .group_by("player_lookup")
        .agg(pl.col("team_abbr").last().alias("new_team"), pl.col("game_date").last().alias("last_game"))
    )
    last_games = sorted(set(moves["last_game"].to_list()))[:3]
    config = LocalConfig(tmp_path / "warehouse")
    load_tables(open_warehouse(config), season, season_dates([SEASON]))
    backfill(config, last_games[0], last_games[-1], progress=False)
    factors = open_warehouse(config).read(output_tables()[3])
    on_last_game = (
        pgs.join(moves, on="player_lookup")
        .filter(pl.col("game_date") == pl.col("last_game"), pl.col("game_date").is_in(last_games))
        .select("player_lookup", "game_date", "game_id", "new_team")
    )
    assert on_last_game.height > 0
    rows = on_last_game.join(factors, on=["player_lookup", "game_date"], how="left", suffix="_written")
    assert rows["game_id_written"].null_count() == 0
    assert (rows["game_id_written"] == rows["game_id"]).all()
    assert rows.select(pl.col("game_id").str.contains(pl.col("new_team")).all()).item()
    assert not factors.select("player_lookup", "game_date").is_duplicated().any()


def test_failures_are_recorded_as_insufficient_data(backfilled) -> None:
    config, *_ = backfilled
    failures = open_warehouse(config).read(PRECOMPUTE_FAILURES)
    assert failures.height > 0
    assert set(failures["failure_category"]) <= {"INSUFFICIENT_DATA", "MISSING_DEPENDENCY"}


def test_a_rerun_leaves_the_tables_identical(backfilled) -> None:
    config, start, end, first = backfilled
    before = snapshot(config)
    second = backfill(config, start, end, dates_per_task=7, progress=False)
    assert second.run_id != first.run_id
    after = snapshot(config)
    for name, frame in before.items():
        assert frame.equals(after[name]), name
    runs = open_warehouse(config).read(output_tables()[0])["run_id"].unique().to_list()
    assert runs == [second.run_id]


def test_bad_input_fails_the_run_and_writes_nothing(season, opening, tmp_path: Path) -> None:
    config = LocalConfig(tmp_path / "warehouse")
    warehouse = open_warehouse(config)
    load_tables(warehouse, season, season_dates([SEASON]))
    pgs_table = PLAYER_GAME_SUMMARY
    day = opening + timedelta(days=20)
    partition = warehouse.read(pgs_table, day, day)
    broken = partition.with_columns(points=pl.when(pl.int_range(pl.len()) < 2).then(-3).otherwise(pl.col("points")))
    warehouse.replace_partitions({pgs_table: broken}, [day])  # the raw write path does not run the input checks
    with pytest.raises(InputError, match=r"player_game_summary: column points: 2 rows where points is negative"):
        backfill(config, opening, opening + timedelta(days=40), progress=False)
    for table in output_tables():
        assert warehouse.read(table).is_empty(), table.qualified_name
