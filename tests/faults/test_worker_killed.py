"""A Ray worker killed with SIGKILL in the middle of a backfill: Ray retries its task, nothing is lost."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import BackfillSummary, backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons
from nbaray.warehouse import LocalConfig, open_warehouse

pytestmark = pytest.mark.ray
SEASON = 2023
RUN_COLUMNS = ("run_id", "processed_at", "created_at")


def content_hash(config: LocalConfig) -> str:
    """sha256 of every output table's rows, sorted by key, without the columns that name the run."""
    digest = hashlib.sha256()
    warehouse = open_warehouse(config)
    for table in output_tables():
        frame = warehouse.read(table).drop([c for c in RUN_COLUMNS if c in table.column_names]).sort(table.key)
        digest.update(table.qualified_name.encode())
        digest.update(frame.write_ndjson().encode())
    return digest.hexdigest()


def _kill_first_task_worker(stop: threading.Event, killed: list[int]) -> None:
    """SIGKILL the first worker process found running a backfill task (its title is `ray::phase4 ...`)."""
    while not stop.is_set() and not killed:
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:  # the process ended while we looked
                continue
            if title.startswith(b"ray::phase4"):
                os.kill(int(proc.name), signal.SIGKILL)
                killed.append(int(proc.name))
                return
        time.sleep(0.01)


def test_a_killed_worker_changes_nothing_in_the_result(ray_cluster, tmp_path: Path) -> None:
    season = generate_seasons([SEASON], seed=9)
    opening = opening_nights(season["nba_raw.nbac_schedule"])[SEASON]
    start, end = opening + timedelta(days=30), opening + timedelta(days=75)
    clean, faulty = LocalConfig(tmp_path / "clean"), LocalConfig(tmp_path / "faulty")
    for config in (clean, faulty):
        load_tables(open_warehouse(config), season, season_dates([SEASON]))
    backfill(clean, start, end, dates_per_task=6, progress=False)

    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_first_task_worker, args=(stop, killed))
    killer.start()
    try:
        summary: BackfillSummary = backfill(faulty, start, end, dates_per_task=6, progress=False)
    finally:
        stop.set()
        killer.join()
    assert killed, "no backfill task was caught running"
    assert not summary.failed
    assert content_hash(faulty) == content_hash(clean)
