"""The warehouse contract on both warehouses (embedded and BigQuery on a real emulator), and BigQuery specifics."""

from __future__ import annotations

import http.client
import http.server
import json
import logging
import os
import pickle
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.errors import ConfigError, InputError, NbarayError
from nbaray.loading import load_tables
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.columns import Column, TableSchema
from nbaray.schemas.precompute import BACKFILL_LEDGER, PLAYER_COMPOSITE_FACTORS, PRECOMPUTE_FAILURES
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2
from nbaray.season_calendar import date_range, opening_nights
from nbaray.synth import generate_seasons
from nbaray.warehouse.base import BigQueryConfig, LocalConfig, Warehouse, open_warehouse, warehouse_config

from .conftest import Emulator

D1, D2, D3 = date(2024, 11, 5), date(2024, 11, 6), date(2024, 11, 7)
STAMP = datetime(2024, 11, 8, 12, 0, 0, 123456, tzinfo=UTC)
TABLE = PLAYER_COMPOSITE_FACTORS  # Date, Timestamp, String, Float64, Int64, Boolean and List(String) columns


def registry_rows(table: TableSchema, *keys: tuple[date, str], run_id: str = "run-1") -> pl.DataFrame:
    """One valid row of `table` per (date, player) key, every column filled from its dtype; odd rows hold NULLs."""
    data: dict[str, list] = {}
    for column in table.columns:
        values = []
        for i, (day, player) in enumerate(keys):
            if column.nullable and i % 2 and not isinstance(column.dtype, pl.List):
                values.append(None)
            elif column.dtype == pl.Date:
                values.append(day)
            elif column.name == "player_lookup":
                values.append(player)
            elif column.name == "run_id":
                values.append(run_id)
            elif column.dtype == pl.String:
                values.append(f"{column.name}-{player}" if i % 3 else "ünïcode ✓ \n 'quoted'")
            elif column.dtype == pl.Int64:
                values.append(i * 7 - 3)
            elif column.dtype == pl.Float64:
                values.append(-12.5 + i * 0.25)
            elif column.dtype == pl.Boolean:
                values.append(i % 2 == 0)
            elif isinstance(column.dtype, pl.Datetime):
                values.append(STAMP)
            elif column.dtype == pl.List(pl.String):
                values.append(["own_data_incomplete", "upstream_x"][: i % 3])  # [], [a], [a, b]
            elif column.dtype == pl.List(pl.Float64):
                values.append([0.1, -2.5, 1e300, -0.0, 5e-324][: 2 + i % 4])
            else:
                raise AssertionError(f"no test value for {column.name}: {column.dtype}")
        data[column.name] = values
    return pl.DataFrame(data, schema=table.polars_schema)


def composite_rows(*keys: tuple[date, str], run_id: str = "run-1") -> pl.DataFrame:
    return registry_rows(TABLE, *keys, run_id=run_id)


def failure_rows(day: date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "processor_name": ["p"], "analysis_date": [day], "entity_id": ["a"], "failure_category": ["INSUFFICIENT_DATA"],
            "failure_reason": ["too few games"], "run_id": ["run-2"], "created_at": [STAMP],
        }
    )  # fmt: skip


def read_keys(warehouse: Warehouse, start: date | None = None, end: date | None = None) -> list[tuple]:
    return sorted(warehouse.read(TABLE, start, end, columns=["game_date", "player_lookup", "run_id"]).rows())


@pytest.fixture(params=["local", "bigquery"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> LocalConfig | BigQueryConfig:
    if request.param == "local":
        return LocalConfig(tmp_path / "warehouse")
    emulator: Emulator = request.getfixturevalue("bigquery_emulator")
    return emulator.config(request.getfixturevalue("dataset_prefix"))


@pytest.fixture
def warehouse(config: LocalConfig | BigQueryConfig) -> Warehouse:
    return open_warehouse(config)


@pytest.fixture
def bigquery(bigquery_emulator: Emulator, dataset_prefix: str):
    return open_warehouse(bigquery_emulator.config(dataset_prefix))


# --- the contract, on both warehouses ---


@pytest.mark.parametrize("table", [PLAYER_COMPOSITE_FACTORS, ML_FEATURE_STORE_V2], ids=lambda t: t.name)
def test_read_round_trips_registry_dtypes(warehouse: Warehouse, table: TableSchema) -> None:
    rows = registry_rows(table, (D1, "a"), (D1, "b"), (D2, "c"), (D2, "d"))
    warehouse.replace_partitions({table: rows}, [D1, D2])
    back = warehouse.read(table).sort(table.partition, "player_lookup")
    assert back.schema == table.polars_schema
    assert back.equals(table.conform(rows))


def test_read_restricts_dates_and_columns(warehouse: Warehouse) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "a"), (D2, "b"), (D3, "c"))}, [D1, D2, D3])
    back = warehouse.read(TABLE, D2, D3, columns=["data_quality_issues", "player_lookup"])
    assert back.columns == ["data_quality_issues", "player_lookup"]
    assert back.schema["data_quality_issues"] == pl.List(pl.String)
    assert sorted(back["player_lookup"]) == ["b", "c"]
    assert warehouse.read(TABLE, end=D1, columns=["player_lookup"])["player_lookup"].to_list() == ["a"]


def test_read_of_an_empty_table_has_the_registry_schema(warehouse: Warehouse) -> None:
    assert warehouse.read(TABLE).schema == TABLE.polars_schema
    assert warehouse.partitions(TABLE).is_empty()


def test_replace_partitions_replaces_only_the_given_dates(warehouse: Warehouse) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "a"), (D2, "b"))}, [D1, D2])
    warehouse.replace_partitions({TABLE: composite_rows((D2, "z"), run_id="run-2")}, [D2])
    assert read_keys(warehouse) == [(D1, "a", "run-1"), (D2, "z", "run-2")]


def test_rerun_never_duplicates(warehouse: Warehouse) -> None:
    rows = composite_rows((D1, "a"), (D1, "b"))
    for _ in range(3):
        warehouse.replace_partitions({TABLE: rows}, [D1])
    assert warehouse.read(TABLE).height == 2


def test_a_date_without_rows_ends_up_empty(warehouse: Warehouse) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "a"), (D2, "b"))}, [D1, D2])
    warehouse.replace_partitions({TABLE: TABLE.empty()}, [D1])
    assert read_keys(warehouse) == [(D2, "b", "run-1")]
    assert warehouse.partitions(TABLE).rows() == [(D2, 1)]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (composite_rows((D1, "a"), (D1, "a")), "share a key"),
        (composite_rows((D1, "a"), (D3, "b")), "outside the dates being replaced"),
        (composite_rows((D1, "a")).with_columns(game_id=pl.lit(None, pl.String)), "column game_id: 1 rows are NULL"),
    ],
)
def test_an_invalid_write_changes_nothing(warehouse: Warehouse, bad: pl.DataFrame, message: str) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "old"))}, [D1])
    with pytest.raises(InputError, match=message):
        warehouse.replace_partitions({TABLE: bad}, [D1])
    assert read_keys(warehouse) == [(D1, "old", "run-1")]


def test_stage_then_commit_publishes(warehouse: Warehouse) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "old"), (D2, "old"))}, [D1, D2])
    warehouse.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), run_id="run-2")}, [D1])
    warehouse.stage_partitions("run-2", {TABLE: composite_rows((D3, "c"), run_id="run-2")}, [D3])
    warehouse.commit_run("run-2", [TABLE], [D1, D3])
    assert read_keys(warehouse) == [(D1, "a", "run-2"), (D2, "old", "run-1"), (D3, "c", "run-2")]


def test_partitions_count_rows_per_date(warehouse: Warehouse) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "a"), (D1, "b"), (D2, "c"))}, [D1, D2])
    assert warehouse.partitions(TABLE).rows() == [(D1, 2), (D2, 1)]


def test_sql_names_tables_as_in_bigquery(warehouse: Warehouse) -> None:
    warehouse.replace_partitions({TABLE: composite_rows((D1, "a"), (D1, "b"), (D2, "c"))}, [D1, D2])
    result = warehouse.sql(
        "SELECT game_date, count(*) AS n FROM nba_precompute.player_composite_factors GROUP BY 1 ORDER BY 1"
    )
    assert result.rows() == [(D1, 2), (D2, 1)]
    warehouse.replace_partitions({PRECOMPUTE_FAILURES: PRECOMPUTE_FAILURES.empty()}, [D1])  # creates it, empty
    assert warehouse.sql("SELECT count(*) AS n FROM nba_processing.precompute_failures").item() == 0


# --- BigQuery only ---


def test_bigquery_stage_is_invisible_until_commit_and_leaves_no_staging(bigquery) -> None:
    bigquery.replace_partitions({TABLE: composite_rows((D1, "old"))}, [D1])
    bigquery.stage_partitions("2024-11-08T12:00:00Z/ä", {TABLE: composite_rows((D1, "new"), run_id="r2")}, [D1])
    assert read_keys(bigquery) == [(D1, "old", "run-1")]
    assert len(bigquery.staged_tables("2024-11-08T12:00:00Z/ä", TABLE)) == 1
    bigquery.commit_run("2024-11-08T12:00:00Z/ä", [TABLE], [D1])
    assert read_keys(bigquery) == [(D1, "new", "r2")]
    assert bigquery.staged_tables("2024-11-08T12:00:00Z/ä", TABLE) == []


def test_bigquery_stage_then_abort_leaves_targets_untouched(bigquery) -> None:
    bigquery.replace_partitions({TABLE: composite_rows((D1, "old"))}, [D1])
    bigquery.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), (D2, "b"), run_id="run-2")}, [D1, D2])
    bigquery.stage_partitions("run-2", {PRECOMPUTE_FAILURES: failure_rows(D2)}, [D2])
    bigquery.abort_run("run-2", [TABLE, PRECOMPUTE_FAILURES])
    assert read_keys(bigquery) == [(D1, "old", "run-1")]
    assert bigquery.read(PRECOMPUTE_FAILURES).is_empty()
    assert bigquery.staged_tables("run-2", TABLE) == bigquery.staged_tables("run-2", PRECOMPUTE_FAILURES) == []


def test_bigquery_retried_task_overwrites_its_own_staging(bigquery) -> None:
    for _ in range(2):  # Ray re-running a task stages the same dates twice
        bigquery.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), run_id="run-2")}, [D1])
    bigquery.commit_run("run-2", [TABLE], [D1])
    assert read_keys(bigquery) == [(D1, "a", "run-2")]


def test_bigquery_commit_that_would_duplicate_keys_changes_nothing(bigquery) -> None:
    bigquery.replace_partitions({TABLE: composite_rows((D1, "old"))}, [D1])
    bigquery.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), run_id="run-2")}, [D1])
    bigquery.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), run_id="run-2")}, [D1, D2])
    with pytest.raises(NbarayError, match="duplicate key"):
        bigquery.commit_run("run-2", [TABLE], [D1])
    assert read_keys(bigquery) == [(D1, "old", "run-1")]


def test_bigquery_commit_is_one_transaction_across_tables(bigquery) -> None:
    """The failures table's duplicate key fails the commit, and the composite table, listed first, keeps its rows."""
    bigquery.replace_partitions({TABLE: composite_rows((D1, "old")), PRECOMPUTE_FAILURES: failure_rows(D1)}, [D1])
    bigquery.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), run_id="run-2")}, [D1])
    for dates in ([D1], [D1, D2]):  # two stagings of one failure row
        bigquery.stage_partitions("run-2", {PRECOMPUTE_FAILURES: failure_rows(D1)}, dates)
    with pytest.raises(NbarayError, match="duplicate key"):
        bigquery.commit_run("run-2", [TABLE, PRECOMPUTE_FAILURES], [D1])
    assert read_keys(bigquery) == [(D1, "old", "run-1")]
    assert bigquery.read(PRECOMPUTE_FAILURES).height == 1
    # Without the clash both tables switch together.
    bigquery.abort_run("run-2", [TABLE, PRECOMPUTE_FAILURES])
    bigquery.stage_partitions("run-3", {TABLE: composite_rows((D1, "a"), run_id="run-3")}, [D1])
    bigquery.commit_run("run-3", [TABLE, PRECOMPUTE_FAILURES], [D1])
    assert read_keys(bigquery) == [(D1, "a", "run-3")]
    assert bigquery.read(PRECOMPUTE_FAILURES).is_empty()


def test_bigquery_commit_publishes_only_the_given_dates(bigquery) -> None:
    bigquery.stage_partitions("run-2", {TABLE: composite_rows((D1, "a"), (D2, "b"))}, [D1, D2])
    bigquery.commit_run("run-2", [TABLE], [D2])  # D1's task "failed": the driver leaves it out
    assert read_keys(bigquery) == [(D2, "b", "run-1")]


def test_bigquery_commit_inserts_from_many_staging_tables_in_batches(bigquery, monkeypatch) -> None:
    from nbaray.warehouse import bigquery as module

    monkeypatch.setattr(module, "SOURCES_PER_INSERT", 2)  # 3 staging tables -> two INSERT statements
    for day in (D1, D2, D3):
        bigquery.stage_partitions("run-2", {TABLE: composite_rows((day, "a"), (day, "b"))}, [day])
    bigquery.commit_run("run-2", [TABLE], [D1, D2, D3])
    assert bigquery.partitions(TABLE).rows() == [(D1, 2), (D2, 2), (D3, 2)]
    assert bigquery.staged_tables("run-2", TABLE) == []


def test_bigquery_null_list_reads_back_empty(bigquery) -> None:
    rows = composite_rows((D1, "a")).with_columns(data_quality_issues=pl.lit(None, pl.List(pl.String)))
    bigquery.replace_partitions({TABLE: rows}, [D1])
    assert bigquery.read(TABLE)["data_quality_issues"].to_list() == [[]]


def test_bigquery_tables_are_partitioned_and_clustered_as_declared(bigquery) -> None:
    report = bigquery.ensure_tables([TABLE, PRECOMPUTE_FAILURES])
    assert report.created == (TABLE.qualified_name, PRECOMPUTE_FAILURES.qualified_name)
    assert report.differences == ()
    assert bigquery.ensure_tables([TABLE]).created == ()
    created = bigquery._client.get_table(bigquery.table_id(TABLE))
    assert created.time_partitioning.field == "game_date"
    assert created.clustering_fields == list(TABLE.clustering)
    assert {f.name: f.mode for f in created.schema}["data_quality_issues"] == "REPEATED"


def test_bigquery_schema_differences_reports_drift(bigquery) -> None:
    old = TableSchema(
        dataset="nba_processing",
        name="precompute_failures",
        key=("analysis_date",),
        partition="analysis_date",
        columns=(Column("analysis_date", pl.Date(), nullable=False), Column("entity_id", pl.Int64()),
                 Column("legacy", pl.String())),
    )  # fmt: skip
    assert [d.problem for d in bigquery.schema_differences([PRECOMPUTE_FAILURES])] == ["missing table"]
    bigquery.ensure_tables([old])
    report = bigquery.ensure_tables([PRECOMPUTE_FAILURES])
    assert report.created == ()
    found = {(d.problem, d.column) for d in report.differences}
    assert ("type", "entity_id") in found
    assert ("missing column", "failure_reason") in found
    assert ("extra column", "legacy") in found
    assert ("clustering", None) in found
    assert any("expected STRING, found INT64" in line for line in report.lines())


def test_bigquery_rejects_a_bad_identifier_before_any_sql(bigquery) -> None:
    evil = TableSchema(
        dataset="nba_processing",
        name="precompute_failures",
        key=("analysis_date",),
        partition="analysis_date",
        columns=(Column("analysis_date", pl.Date(), nullable=False), Column("x` ; DROP TABLE t; --", pl.String())),
    )
    with pytest.raises(ConfigError, match="not a valid BigQuery column name"):
        bigquery.partitions(evil)
    with pytest.raises(ConfigError, match="not a valid BigQuery column name"):
        bigquery.replace_partitions({evil: pl.DataFrame(schema=evil.polars_schema)}, [D1])
    with pytest.raises(ConfigError, match="not a valid BigQuery table name"):
        bigquery.read(TableSchema("nba_processing", "a-b", evil.columns[:1], ("analysis_date",), "analysis_date"))
    with pytest.raises(ConfigError, match="dataset prefix"):
        BigQueryConfig("test-proj", dataset_prefix="x.y`")
    with pytest.raises(ConfigError, match="project"):
        BigQueryConfig("Bad Project")


def test_bigquery_sql_rewrites_only_registry_names(bigquery, bigquery_emulator: Emulator, dataset_prefix: str) -> None:
    rewritten = bigquery.qualified_sql(
        "SELECT * FROM nba_precompute.player_composite_factors JOIN `nba_processing.precompute_failures` USING (x) "
        "JOIN other.nba_precompute.player_composite_factors_v2 USING (y)"
    )
    project = bigquery_emulator.project
    assert f"`{project}.{dataset_prefix}nba_precompute.player_composite_factors` JOIN" in rewritten
    assert f"`{project}.{dataset_prefix}nba_processing.precompute_failures` USING" in rewritten
    assert "other.nba_precompute.player_composite_factors_v2" in rewritten
    with pytest.raises(NbarayError, match="SQL error"):
        bigquery.sql("SELEC 1")


@pytest.mark.ray
def test_bigquery_ray_tasks_stage_and_the_driver_commits(ray_cluster, bigquery_emulator, dataset_prefix) -> None:
    import ray

    config = bigquery_emulator.config(dataset_prefix)
    assert pickle.loads(pickle.dumps(config)) == config

    @ray.remote
    def stage(day: date) -> None:
        rows = composite_rows(*[(day, f"p{i}") for i in range(20)], run_id="ray-run")
        open_warehouse(config).stage_partitions("ray-run", {TABLE: rows}, [day])

    days = [D1, D2, D3, date(2024, 11, 8)]
    ray.get([stage.remote(day) for day in days])
    warehouse = open_warehouse(config)
    warehouse.commit_run("ray-run", [TABLE], days)
    assert warehouse.partitions(TABLE).rows() == [(day, 20) for day in days]
    assert warehouse.staged_tables("ray-run", TABLE) == []


def test_bigquery_transient_errors_are_retried(bigquery_emulator: Emulator, dataset_prefix: str) -> None:
    proxy = _FaultyProxy(bigquery_emulator.api_endpoint, failures=("503", "429", "reset", "503", "429", "503"))
    with proxy:
        faulty = open_warehouse(bigquery_emulator.config(dataset_prefix, api_endpoint=proxy.url))
        rows = composite_rows((D1, "a"), (D2, "b"))
        faulty.replace_partitions({TABLE: rows}, [D1, D2])
        partitions = faulty.partitions(TABLE)
        counted = faulty.sql("SELECT count(*) AS n FROM nba_precompute.player_composite_factors").item()
    assert proxy.injected == 6 and proxy.forwarded > 6
    clean = open_warehouse(bigquery_emulator.config(dataset_prefix))
    assert clean.read(TABLE).sort("game_date").equals(TABLE.conform(rows))
    assert partitions.rows() == [(D1, 1), (D2, 1)] and counted == 2


@pytest.mark.ray
def test_bigquery_backfill_whose_commit_fails_changes_nothing_and_drops_its_staging(
    ray_cluster, bigquery_emulator: Emulator, dataset_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    season = generate_seasons([2023], seed=5)
    start = opening_nights(season["nba_raw.nbac_schedule"])[2023] + timedelta(days=40)  # no bootstrap date
    end = start + timedelta(days=2)
    config = bigquery_emulator.config(dataset_prefix)
    warehouse = open_warehouse(config)
    inputs = {name: frame.filter(pl.col("game_date") <= end) for name, frame in season.items()}
    load_tables(warehouse, inputs, date_range(date(2023, 10, 1), end))
    caplog.set_level(logging.INFO, logger="nbaray")
    proxy = _FaultyProxy(bigquery_emulator.api_endpoint, refuse=b"BEGIN TRANSACTION")
    with proxy, pytest.raises(NbarayError, match="committing"):
        backfill(bigquery_emulator.config(dataset_prefix, api_endpoint=proxy.url), start, end,
                 dates_per_task=1, progress=False)  # fmt: skip
    assert proxy.refused >= 1
    (run_id,) = {m.split()[1].rstrip(":") for m in caplog.messages if m.startswith("run ")}
    for table in (*output_tables(), BACKFILL_LEDGER):
        assert warehouse.read(table, start, end).is_empty(), table.qualified_name
        assert warehouse.staged_tables(run_id, table) == [], table.qualified_name


# --- configuration ---


def test_warehouse_config_picks_bigquery_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBARAY_BIGQUERY_PROJECT", raising=False)
    assert warehouse_config("wh") == LocalConfig(Path("wh"))
    assert warehouse_config("wh", None, location=None, dataset_prefix="") == LocalConfig(Path("wh"))
    assert warehouse_config("wh", "my-project", location="EU") == BigQueryConfig("my-project", location="EU")
    monkeypatch.setenv("NBARAY_BIGQUERY_PROJECT", "env-project")
    assert warehouse_config("wh", dataset_prefix="ci_") == BigQueryConfig("env-project", dataset_prefix="ci_")
    assert warehouse_config("wh", "flag-project").project == "flag-project"


def test_warehouse_config_refuses_inconsistent_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBARAY_BIGQUERY_PROJECT", raising=False)
    with pytest.raises(ConfigError, match="location: only with a BigQuery project"):
        warehouse_config("wh", location="EU")
    with pytest.raises(ConfigError, match="unknown BigQuery options"):
        warehouse_config("wh", "my-project", credentials="x")
    with pytest.raises(ConfigError, match="overridden together"):
        warehouse_config("wh", "my-project", api_endpoint="http://127.0.0.1:9050")


def test_importing_nbaray_does_not_import_google_cloud() -> None:
    code = (
        "import sys, nbaray, nbaray.warehouse.base, nbaray.warehouse.local, nbaray.schemas.registry;"
        "sys.exit(any(m.startswith('google.cloud') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], env={**os.environ}, check=False).returncode == 0


class _FaultyProxy:
    """An HTTP proxy on 127.0.0.1 that answers its first requests with the given faults, then forwards.

    Faults: "503" / "429" (a Google-style JSON error) or "reset" (the connection is closed unanswered).
    A faulted request never reaches the emulator, so a retry cannot double-apply it.
    """

    def __init__(self, upstream: str, failures: tuple[str, ...] = (), refuse: bytes | None = None) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.failures = list(failures)
        self.refuse = refuse  # a request whose body holds this is refused, every time, as a bad query
        self.refused = 0
        self.injected = 0
        self.forwarded = 0
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> _FaultyProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self) -> str | None:
        with self._lock:
            # Fault every other request, so the faults land on different calls (dataset, upload, job, query).
            if self.failures and (self.injected + self.forwarded) % 2 == 0:
                self.injected += 1
                return self.failures.pop(0)
            self.forwarded += 1
            return None

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.refuse is not None and proxy.refuse in body:
                    with proxy._lock:
                        proxy.refused += 1
                    payload = json.dumps(
                        {"error": {"code": 400, "message": "refused", "errors": [{"reason": "invalidQuery"}]}}
                    ).encode()
                    self._reply(400, {"Content-Type": "application/json"}, payload)
                    return
                fault = proxy._next_fault()
                if fault == "reset":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None:
                    status = int(fault)
                    reason = "rateLimitExceeded" if status == 429 else "backendError"
                    payload = json.dumps(
                        {"error": {"code": status, "message": "injected", "errors": [{"reason": reason}]}}
                    ).encode()
                    self._reply(status, {"Content-Type": "application/json"}, payload)
                    return
                upstream = http.client.HTTPConnection(proxy.upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()  # de-chunked; re-sent with a Content-Length
                skip = ("transfer-encoding", "connection", "content-length")
                self._reply(response.status, {k: v for k, v in response.getheaders() if k.lower() not in skip}, payload)
                upstream.close()

            def _reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _relay

        return Handler
