"""Storage faults on the embedded warehouse, and concurrent runs: a clear error, nothing half-written."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from nbaray.errors import NbarayError
from nbaray.schemas.precompute import PRECOMPUTE_FAILURES
from nbaray.schemas.predictions import PLAYER_POINTS_PREDICTIONS
from nbaray.warehouse import LocalConfig, open_warehouse

D1, D2, D3 = date(2024, 1, 10), date(2024, 1, 11), date(2024, 1, 12)
DAYS = [date(2024, 2, d) for d in range(1, 29)]  # many dates: a long window for renames to interleave


def failures(day: date, n: int, run_id: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "processor_name": ["p"] * n,
            "analysis_date": [day] * n,
            "entity_id": [f"player{i:07d}-{'x' * 40}" for i in range(n)],
            "failure_category": ["INSUFFICIENT_DATA"] * n,
            "failure_reason": [f"reason {i} " * 8 for i in range(n)],
            "run_id": [run_id] * n,
            "created_at": [datetime(2024, 1, 13, tzinfo=UTC)] * n,
        }
    )


def _privileged(*command: str) -> bool:
    """Run a setup command that needs root; under CI it must work, elsewhere its absence skips the test."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{' '.join(command)} failed: {result.stderr}")
        return False
    return True


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB file system mounted for the test, unmounted after."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not _privileged("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)):
        pytest.skip("cannot mount a small file system here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_no_space_is_a_clear_error_and_the_old_partition_stays(small_disk: Path) -> None:
    warehouse = open_warehouse(LocalConfig(small_disk / "warehouse"))
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures(D1, 10, "old")}, [D1])
    with pytest.raises(NbarayError, match="No space left on device"):
        warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures(D1, 20_000, "new")}, [D1])
    kept = warehouse.read(PRECOMPUTE_FAILURES)
    assert kept.height == 10 and kept["run_id"].unique().to_list() == ["old"]
    assert not [p for p in small_disk.rglob("*.tmp")], "temporary files are cleaned up"


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[callable]:
    """Make a directory immutable (even root cannot create files in it), undone after the test."""
    made: list[Path] = []

    def make(directory: Path) -> None:
        if not _privileged("chattr", "+i", str(directory)):
            pytest.skip("chattr is not available here")
        made.append(directory)

    yield make
    for directory in made:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_no_permission_is_a_clear_error_and_the_old_partition_stays(tmp_path: Path, immutable) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    warehouse = open_warehouse(LocalConfig(tmp_path / "warehouse"))
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures(D1, 5, "old")}, [D1])
    immutable(tmp_path / "warehouse" / "nba_processing" / "precompute_failures")
    with pytest.raises(NbarayError, match=r"could not write to the warehouse.*Operation not permitted"):
        warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures(D1, 7, "new")}, [D1])
    assert warehouse.read(PRECOMPUTE_FAILURES)["run_id"].unique().to_list() == ["old"]


def predictions(day: date, n: int, run_id: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "player_lookup": [f"player{i}" for i in range(n)],
            "game_date": [day] * n,
            "game_id": ["g"] * n,
            "predicted_points": [10.0] * n,
            "model_id": ["m"] * n,
            "feature_version": ["v1_baseline_25"] * n,
            "feature_quality_score": [100.0] * n,
            "run_id": [run_id] * n,
            "processed_at": [datetime(2024, 1, 13, tzinfo=UTC)] * n,
        }
    )


def _run_writer(root: str, run_id: str, rounds: int, barrier) -> None:
    """One 'run': rewrites the same dates of two tables, again and again, in step with the other runs."""
    warehouse = open_warehouse(LocalConfig(Path(root)))
    days = DAYS
    for _ in range(rounds):
        barrier.wait()  # every run writes at the same moment, its last round too
        tables = {
            PRECOMPUTE_FAILURES: pl.concat([failures(d, 3, run_id) for d in days]),
            PLAYER_POINTS_PREDICTIONS: pl.concat([predictions(d, 50, run_id) for d in days]),
        }
        warehouse.replace_partitions(tables, days)


def test_concurrent_runs_never_mix_inside_a_date(tmp_path: Path) -> None:
    root = tmp_path / "warehouse"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    writers = [context.Process(target=_run_writer, args=(str(root), f"run-{i}", 10, barrier)) for i in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    warehouse = open_warehouse(LocalConfig(root))
    rows = pl.concat(
        [
            warehouse.read(PRECOMPUTE_FAILURES, columns=["analysis_date", "run_id"]),
            warehouse.read(PLAYER_POINTS_PREDICTIONS, columns=["game_date", "run_id"]).rename(
                {"game_date": "analysis_date"}
            ),
        ]
    )
    per_date = (
        rows.group_by("analysis_date").agg(pl.col("run_id").n_unique().alias("runs"), pl.len()).sort("analysis_date")
    )
    assert per_date["runs"].to_list() == [1] * len(DAYS), "each date holds one run's rows in every table"
    assert per_date["len"].to_list() == [53] * len(DAYS)


def _write_one(root: str) -> None:
    open_warehouse(LocalConfig(Path(root))).replace_partitions({PRECOMPUTE_FAILURES: failures(D1, 2, "late")}, [D1])


def test_a_writer_waits_for_the_date_lock_of_another_run(tmp_path: Path) -> None:
    import fcntl
    import time

    root = tmp_path / "warehouse"
    (root / "_locks").mkdir(parents=True)
    target = root / "nba_processing" / "precompute_failures" / f"{D1.isoformat()}.parquet"
    with (root / "_locks" / f"{D1.isoformat()}.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another run is publishing D1
        writer = multiprocessing.get_context("spawn").Process(target=_write_one, args=(str(root),))
        writer.start()
        time.sleep(3)
        assert writer.is_alive() and not target.exists(), "the writer must wait, not publish D1 half-way"
    writer.join(60)
    assert writer.exitcode == 0 and target.exists()
