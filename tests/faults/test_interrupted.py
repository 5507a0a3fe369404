"""A driver interrupted part-way (SIGINT): no half-written date, a ledger of what finished, --resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.ledger import dates_done
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.precompute import BACKFILL_LEDGER
from nbaray.season_calendar import opening_nights, processable_dates
from nbaray.synth import generate_seasons
from nbaray.warehouse import LocalConfig, open_warehouse
from tests.faults.test_worker_killed import content_hash

pytestmark = pytest.mark.ray
SEASON = 2023


def test_an_interrupted_run_resumes_where_it_stopped(ray_cluster, tmp_path: Path) -> None:
    season = generate_seasons([SEASON], seed=13)
    opening = opening_nights(season["nba_raw.nbac_schedule"])[SEASON]
    start, end = opening + timedelta(days=20), opening + timedelta(days=110)
    interrupted, clean = LocalConfig(tmp_path / "interrupted"), LocalConfig(tmp_path / "clean")
    for config in (interrupted, clean):
        load_tables(open_warehouse(config), season, season_dates([SEASON]))
    dates = processable_dates(season["nba_raw.nbac_schedule"], start, end)

    env = {**os.environ, "NBARAY_WAREHOUSE": str(interrupted.root)}
    argv = ["backfill", "--start", str(start), "--end", str(end), "--dates-per-task", "2", "--no-progress"]
    driver = subprocess.Popen([sys.executable, "-m", "nbaray.cli", *argv], env=env, stderr=subprocess.PIPE, text=True)
    ledger_dir = interrupted.root / BACKFILL_LEDGER.dataset / BACKFILL_LEDGER.name
    deadline = time.monotonic() + 180
    while not (ledger_dir.is_dir() and len(list(ledger_dir.glob("*.parquet"))) >= 6):
        assert driver.poll() is None, driver.stderr.read()
        assert time.monotonic() < deadline, "the backfill wrote nothing in time"
        time.sleep(0.05)
    driver.send_signal(signal.SIGINT)
    _, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 130, stderr[-3000:]
    assert "interrupted" in stderr

    warehouse = open_warehouse(interrupted)
    finished = dates_done(warehouse, start, end)
    assert 6 <= len(finished) < len(dates), "the run was stopped part-way"
    # No half-written date: every date holds one run's rows in every table, or nothing new at all.
    for table in output_tables():
        written = warehouse.read(table, start, end)
        assert written.group_by(table.partition).agg(pl.col("run_id").n_unique())["run_id"].max() in (None, 1)
        assert set(written[table.partition].unique().to_list()) <= finished, table.qualified_name

    resumed = backfill(interrupted, start, end, dates_per_task=4, progress=False, resume=True)
    assert sorted(r.analysis_date for r in resumed.reports) == sorted(set(dates) - finished)
    assert dates_done(warehouse, start, end) == set(dates)

    backfill(clean, start, end, progress=False)
    assert content_hash(interrupted) == content_hash(clean)
