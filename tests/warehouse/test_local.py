"""The embedded warehouse honours the warehouse contract: round trip, partition replace, atomicity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from nbaray.errors import InputError
from nbaray.schemas.precompute import PRECOMPUTE_FAILURES
from nbaray.warehouse import LocalConfig, open_warehouse

D1, D2, D3 = date(2024, 11, 5), date(2024, 11, 6), date(2024, 11, 7)
STAMP = datetime(2024, 11, 8, 12, 0, tzinfo=UTC)


def failures(*rows: tuple[date, str], run_id: str = "run-1") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "processor_name": ["p"] * len(rows),
            "analysis_date": [r[0] for r in rows],
            "entity_id": [r[1] for r in rows],
            "failure_category": ["INSUFFICIENT_DATA"] * len(rows),
            "failure_reason": ["too few games"] * len(rows),
            "run_id": [run_id] * len(rows),
            "created_at": [STAMP] * len(rows),
        }
    )


@pytest.fixture
def warehouse(warehouse_dir: Path):
    return open_warehouse(LocalConfig(warehouse_dir))


def test_read_round_trips_registry_dtypes(warehouse) -> None:
    rows = failures((D1, "a"), (D2, "b"))
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: rows}, [D1, D2])
    back = warehouse.read(PRECOMPUTE_FAILURES).sort("entity_id")
    assert back.schema == PRECOMPUTE_FAILURES.polars_schema
    assert back.equals(PRECOMPUTE_FAILURES.conform(rows))


def test_read_restricts_dates_and_columns(warehouse) -> None:
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D1, "a"), (D2, "b"), (D3, "c"))}, [D1, D2, D3])
    back = warehouse.read(PRECOMPUTE_FAILURES, D2, D3, columns=["entity_id"])
    assert back.columns == ["entity_id"]
    assert sorted(back["entity_id"]) == ["b", "c"]


def test_read_of_an_empty_table_has_the_registry_schema(warehouse) -> None:
    assert warehouse.read(PRECOMPUTE_FAILURES).schema == PRECOMPUTE_FAILURES.polars_schema


def test_replace_partitions_replaces_only_the_given_dates(warehouse) -> None:
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D1, "a"), (D2, "b"))}, [D1, D2])
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D2, "z"), run_id="run-2")}, [D2])
    back = warehouse.read(PRECOMPUTE_FAILURES).sort("analysis_date")
    assert back.select("analysis_date", "entity_id", "run_id").rows() == [(D1, "a", "run-1"), (D2, "z", "run-2")]


def test_rerun_never_duplicates(warehouse) -> None:
    rows = failures((D1, "a"), (D1, "b"))
    for _ in range(3):
        warehouse.replace_partitions({PRECOMPUTE_FAILURES: rows}, [D1])
    assert warehouse.read(PRECOMPUTE_FAILURES).height == 2


def test_a_date_without_rows_ends_up_empty(warehouse) -> None:
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D1, "a"))}, [D1])
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: PRECOMPUTE_FAILURES.empty()}, [D1])
    assert warehouse.read(PRECOMPUTE_FAILURES).is_empty()
    assert warehouse.partitions(PRECOMPUTE_FAILURES).is_empty()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (failures((D1, "a"), (D1, "a")), "share a key"),
        (failures((D1, "a"), (D3, "b")), "outside the dates being replaced"),
        (failures((D1, "a")).with_columns(entity_id=pl.lit(None, pl.String)), "column entity_id: 1 rows are NULL"),
    ],
)
def test_an_invalid_write_changes_nothing(warehouse, bad: pl.DataFrame, message: str) -> None:
    before = failures((D1, "old"))
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: before}, [D1])
    with pytest.raises(InputError, match=message):
        warehouse.replace_partitions({PRECOMPUTE_FAILURES: bad}, [D1])
    assert warehouse.read(PRECOMPUTE_FAILURES)["entity_id"].to_list() == ["old"]


def test_no_temporary_file_is_left_behind(warehouse, warehouse_dir: Path) -> None:
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D1, "a"), (D2, "b"))}, [D1, D2])
    assert not [p for p in warehouse_dir.rglob("*") if p.name.startswith(".")]


def test_partitions_count_rows_per_date(warehouse) -> None:
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D1, "a"), (D1, "b"), (D2, "c"))}, [D1, D2])
    assert warehouse.partitions(PRECOMPUTE_FAILURES).rows() == [(D1, 2), (D2, 1)]


def test_sql_names_tables_as_in_bigquery(warehouse) -> None:
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: failures((D1, "a"), (D2, "b"))}, [D1, D2])
    result = warehouse.sql(
        "SELECT analysis_date, count(*) AS n FROM nba_processing.precompute_failures GROUP BY 1 ORDER BY 1"
    )
    assert result.rows() == [(D1, 1), (D2, 1)]
    assert warehouse.sql("SELECT count(*) AS n FROM nba_precompute.team_defense_zone_analysis").item() == 0


@pytest.mark.ray
def test_ray_workers_write_different_dates_at_once(ray_cluster, warehouse_dir: Path) -> None:
    import ray

    config = LocalConfig(warehouse_dir)

    @ray.remote
    def write(day: date) -> None:
        rows = failures(*[(day, f"e{i}") for i in range(50)])
        open_warehouse(config).replace_partitions({PRECOMPUTE_FAILURES: rows}, [day])

    days = [date(2024, 11, d) for d in range(1, 21)]
    ray.get([write.remote(d) for d in days])
    assert open_warehouse(config).partitions(PRECOMPUTE_FAILURES).rows() == [(d, 50) for d in days]
