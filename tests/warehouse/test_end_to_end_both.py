"""The same backfill and validation on the embedded warehouse and on BigQuery give identical tables."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.loading import load_tables
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.season_calendar import date_range, opening_nights
from nbaray.synth import generate_seasons
from nbaray.validation import validate
from nbaray.warehouse import LocalConfig, open_warehouse

pytestmark = pytest.mark.ray
SEASON = 2023
RUN_COLUMNS = ("run_id", "processed_at", "created_at")


def test_backfill_and_validate_agree_on_both_warehouses(ray_cluster, bigquery_emulator, tmp_path: Path) -> None:
    season = generate_seasons([SEASON], seed=5)
    opening = opening_nights(season["nba_raw.nbac_schedule"])[SEASON]
    start, end = opening + timedelta(days=40), opening + timedelta(days=46)
    inputs = {name: frame.filter(pl.col("game_date") <= end) for name, frame in season.items()}
    configs = {
        "local": LocalConfig(tmp_path / "warehouse"),
        "bigquery": bigquery_emulator.config(f"e2e{uuid.uuid4().hex[:8]}_"),
    }
    tables, verdicts = {}, {}
    for name, config in configs.items():
        warehouse = open_warehouse(config)
        load_tables(warehouse, inputs, date_range(start.replace(month=10, day=1), end))
        summary = backfill(config, start, end, dates_per_task=4, progress=False)
        assert not summary.failed, name
        result = validate(warehouse, start, end)
        verdicts[name] = (result.verdict, result.coverage_pct, [(c.name, c.status) for c in result.checks])
        tables[name] = {
            t.qualified_name: warehouse.read(t).drop([c for c in RUN_COLUMNS if c in t.column_names]).sort(t.key)
            for t in output_tables()
        }
    # A re-run on BigQuery replaces, never appends (D9).
    backfill(configs["bigquery"], start, end, dates_per_task=3, progress=False)
    again = open_warehouse(configs["bigquery"])
    for t in output_tables():
        rerun = again.read(t).drop([c for c in RUN_COLUMNS if c in t.column_names]).sort(t.key)
        assert rerun.equals(tables["bigquery"][t.qualified_name]), t.qualified_name
    assert verdicts["local"] == verdicts["bigquery"]
    assert verdicts["local"][0] == "GO"
    for table, frame in tables["local"].items():
        assert frame.height > 0 or table.endswith("precompute_failures"), table
        assert frame.equals(tables["bigquery"][table]), table
