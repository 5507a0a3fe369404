"""`nbaray validate`: GO after a clean backfill, NO-GO naming what is wrong otherwise."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.cli import main
from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.registry import table
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons
from nbaray.validation import validate
from nbaray.warehouse import LocalConfig, open_warehouse

pytestmark = pytest.mark.ray
SEASON = 2023


@pytest.fixture(scope="module")
def backfilled(ray_cluster, tmp_path_factory) -> tuple[Path, date, date]:
    season = generate_seasons([SEASON], seed=11)
    root = tmp_path_factory.mktemp("validated") / "warehouse"
    config = LocalConfig(root)
    load_tables(open_warehouse(config), season, season_dates([SEASON]))
    opening = opening_nights(season["nba_raw.nbac_schedule"])[SEASON]
    start, end = opening - timedelta(days=5), opening + timedelta(days=45)
    backfill(config, start, end, progress=False)
    return root, start, end


@pytest.fixture
def copy(backfilled, tmp_path: Path) -> tuple[Path, date, date]:
    root, start, end = backfilled
    shutil.copytree(root, tmp_path / "warehouse")
    return tmp_path / "warehouse", start, end


def test_a_clean_backfill_is_go(backfilled) -> None:
    root, start, end = backfilled
    result = validate(open_warehouse(LocalConfig(root)), start, end)
    assert result.verdict == "GO", result.reasons
    assert result.coverage_pct is not None and result.coverage_pct >= 88.0
    statuses = {c.name: c.status for c in result.checks}
    assert statuses["bootstrap_empty"] == statuses["phase4_coverage"] == statuses["null_rates"] == "PASS"


def test_deleted_partitions_are_no_go_and_named(copy, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, start, end = copy
    warehouse = open_warehouse(LocalConfig(root))
    factors = table("nba_precompute.player_composite_factors")
    dates = warehouse.partitions(factors)["partition_date"].to_list()[3:5]
    warehouse.replace_partitions({factors: factors.empty()}, dates)

    out = tmp_path / "reports"
    code = main(["--warehouse", str(root), "validate", "--start", str(start), "--end", str(end), "--out", str(out)])
    assert code == 1
    printed = capsys.readouterr().out
    assert "verdict: NO-GO" in printed
    report = json.loads((out / "validation.json").read_text())
    assert report["verdict"] == "NO-GO"
    assert {"verdict", "coverage_pct", "reasons", "checks"} <= report.keys()
    missing = next(c for c in report["checks"] if c["name"] == "dates_without_rows")
    assert missing["status"] == "FAIL"
    assert missing["details"]["dates"] == [d.isoformat() for d in dates]
    assert any(d.isoformat() in reason for reason in report["reasons"] for d in dates)
    assert (out / "validation.html").read_text().count("<rect") > 0


def test_rows_on_a_bootstrap_date_are_no_go(copy) -> None:
    root, start, end = copy
    warehouse = open_warehouse(LocalConfig(root))
    factors = table("nba_precompute.player_composite_factors")
    one = warehouse.read(factors).head(1)
    bootstrap_day = start + timedelta(days=6)  # opening night + 1
    warehouse.replace_partitions({factors: one.with_columns(game_date=pl.lit(bootstrap_day))}, [bootstrap_day])
    result = validate(warehouse, start, end)
    assert result.verdict == "NO-GO"
    assert any("bootstrap" in reason and bootstrap_day.isoformat() in reason for reason in result.reasons)


def test_processing_errors_are_no_go(copy) -> None:
    root, start, end = copy
    warehouse = open_warehouse(LocalConfig(root))
    failures = table("nba_processing.precompute_failures")
    day = warehouse.partitions(failures)["partition_date"].to_list()[-1]
    rows = warehouse.read(failures, day, day).head(1).with_columns(failure_category=pl.lit("PROCESSING_ERROR"))
    warehouse.replace_partitions({failures: rows}, [day])
    result = validate(warehouse, start, end)
    assert result.verdict == "NO-GO"
    assert any("PROCESSING_ERROR" in reason for reason in result.reasons)


def test_an_empty_warehouse_is_no_go(tmp_path: Path) -> None:
    result = validate(open_warehouse(LocalConfig(tmp_path)), date(2024, 1, 1), date(2024, 1, 31))
    assert result.verdict == "NO-GO"
    assert result.coverage_pct is None


def test_run_backfills_then_validates(ray_cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "warehouse"
    assert main(["--warehouse", str(root), "synth", "--seasons", str(SEASON), "--seed", "2"]) == 0
    opening = opening_nights(open_warehouse(LocalConfig(root)).read(table("nba_raw.nbac_schedule")))[SEASON]
    start, end = str(opening + timedelta(days=14)), str(opening + timedelta(days=24))
    out = tmp_path / "reports"
    code = main(["--warehouse", str(root), "run", "--start", start, "--end", end, "--out", str(out), "--no-progress"])
    assert code == 0
    assert "verdict: GO" in capsys.readouterr().out
    assert json.loads((out / "validation.json").read_text())["verdict"] == "GO"
    assert all(open_warehouse(LocalConfig(root)).partitions(t).height > 0 for t in output_tables()[1:])
