"""The BigQuery warehouse: registry tables partitioned by their date column, written through staged transactions.

A run writes in two steps (see `Warehouse.stage_partitions` / `commit_run`):

* each Ray task loads its rows, per table, into its own staging table
  `{dataset}._staging_{run}_{table}_{first date}_{hash of its dates}` with one Parquet load job
  (WRITE_TRUNCATE, so a retried task overwrites what its first attempt staged);
* the driver then publishes every table with ONE multi-statement transaction: per table, DELETE the
  run's dates, INSERT the staged rows of those dates, check that no key is duplicated; then COMMIT
  and drop the staging tables.

Partition decorators (`table$YYYYMMDD` + WRITE_TRUNCATE) are deliberately not used: no emulator runs
them correctly, so that path could not be tested. The transaction is atomic across the tables on
BigQuery and on the emulator alike.

Identifiers (project, dataset, table, column) come from the config and the schema registry only and
are checked against BigQuery's identifier rules before they reach SQL; values travel as query
parameters. google-cloud is imported here and nowhere else, so importing nbaray stays light.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import cast

import polars as pl
import pyarrow as pa
import requests
from google.api_core import exceptions as api_exceptions
from google.api_core.client_options import ClientOptions
from google.api_core.retry import Retry
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from google.cloud import bigquery_storage_v1 as bigquery_storage
from google.cloud.bigquery_storage_v1 import types as storage_types

from nbaray.errors import ConfigError, NbarayError
from nbaray.schemas.columns import TableSchema
from nbaray.schemas.registry import TABLES
from nbaray.warehouse.base import BigQueryConfig, Warehouse, checked_for_write

log = logging.getLogger(__name__)

STAGING_TTL = timedelta(days=3)  # staging tables a crashed driver never dropped expire on their own
MAX_READ_STREAMS = 4  # Storage Read streams per read; each is read in turn
SOURCES_PER_INSERT = 500  # staging tables per INSERT; BigQuery allows 1,000 tables per query
API_TIMEOUT_S = 60.0  # one REST or gRPC call
JOB_TIMEOUT_S = 900.0  # waiting for one load or query job
DROP_THREADS = 8  # a 1,500-date run leaves ~200 staging tables per table; one DELETE call each

# Transient failures only: throttling, server errors, dropped connections. Bounded so a dead endpoint
# fails within minutes instead of BigQuery's default 10-minute (20 for jobs) deadline.
_RETRYABLE_REASONS = frozenset({"rateLimitExceeded", "backendError", "internalError", "badGateway", "jobRateExceeded"})
_RETRYABLE_TYPES: tuple[type[BaseException], ...] = (
    api_exceptions.TooManyRequests,
    api_exceptions.InternalServerError,
    api_exceptions.BadGateway,
    api_exceptions.ServiceUnavailable,
    api_exceptions.GatewayTimeout,
    ConnectionError,  # includes ConnectionResetError
    auth_exceptions.TransportError,
)


def _transient(error: BaseException) -> bool:
    if isinstance(error, requests.exceptions.SSLError):
        return False  # a certificate problem does not go away by asking again
    if isinstance(error, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return True
    reasons = {e.get("reason") for e in getattr(error, "errors", None) or () if isinstance(e, dict)}
    if reasons & _RETRYABLE_REASONS:  # BigQuery reports rate limits as 403 rateLimitExceeded
        return True
    return isinstance(error, _RETRYABLE_TYPES)


RETRY = Retry(predicate=_transient, initial=0.2, maximum=8.0, multiplier=2.0, timeout=120.0)

# BigQuery's naming rules, narrowed to what nbaray's registry uses.
_PROJECT = re.compile(r"(?:[a-z][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")
_DATASET = re.compile(r"[A-Za-z0-9_]{1,1024}")
_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,1023}")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,299}")
_LEGACY_TYPES = {"INTEGER": "INT64", "FLOAT": "FLOAT64", "BOOLEAN": "BOOL", "RECORD": "STRUCT"}
_STAGING = "_staging_"
_NO_CREDENTIALS = (
    "BigQuery: no Application Default Credentials; run `gcloud auth application-default login` "
    "or set GOOGLE_APPLICATION_CREDENTIALS"
)


def checked_identifier(name: str, kind: str) -> str:
    """`name` if it is a valid BigQuery `kind` (project, dataset, table or column) name, else a ConfigError.

    Every identifier is checked here before it is put between backticks in SQL.
    """
    pattern = {"project": _PROJECT, "dataset": _DATASET, "table": _TABLE, "column": _COLUMN}[kind]
    if not isinstance(name, str) or not pattern.fullmatch(name):
        raise ConfigError(f"not a valid BigQuery {kind} name: {name!r}")
    return name


@dataclass(frozen=True)
class SchemaDifference:
    """One way a BigQuery table differs from the registry."""

    table: str  # registry name, dataset.table
    problem: str  # missing table | missing column | type | mode | extra column | partitioning | clustering
    column: str | None = None
    expected: str = ""
    actual: str = ""

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        detail = (
            f": expected {self.expected or '-'}, found {self.actual or '-'}" if self.expected or self.actual else ""
        )
        return f"{where}: {self.problem}{detail}"


@dataclass(frozen=True)
class SchemaReport:
    """What `ensure_tables` created, and how the tables that already existed differ from the registry."""

    created: tuple[str, ...]
    differences: tuple[SchemaDifference, ...]

    def lines(self) -> list[str]:
        return [f"created {name}" for name in self.created] + [str(d) for d in self.differences]


class BigQueryWarehouse(Warehouse):
    def __init__(self, config: BigQueryConfig) -> None:
        self.config = config
        self.project = checked_identifier(config.project, "project")
        self._ready: set[str] = set()  # datasets and tables known to exist, to spare repeated GETs
        self._valid: set[TableSchema] = set()

    # --- clients: built lazily, in the process that uses them (each Ray task builds its own) ---

    @cached_property
    def _client(self) -> bigquery.Client:
        if self.config.emulated:
            return bigquery.Client(
                project=self.project,
                location=self.config.location,
                credentials=AnonymousCredentials(),
                client_options=ClientOptions(api_endpoint=self.config.api_endpoint),
            )
        try:
            return bigquery.Client(project=self.project, location=self.config.location)
        except auth_exceptions.DefaultCredentialsError:
            raise ConfigError(_NO_CREDENTIALS) from None

    @cached_property
    def _read_client(self) -> bigquery_storage.BigQueryReadClient:
        if self.config.emulated:
            import grpc
            from google.cloud.bigquery_storage_v1.services.big_query_read.transports import BigQueryReadGrpcTransport

            # A self-built channel caps messages at 4 MiB; Storage Read sends whole record batches.
            channel = grpc.insecure_channel(
                self.config.grpc_endpoint,
                options=[("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)],
            )
            return bigquery_storage.BigQueryReadClient(transport=BigQueryReadGrpcTransport(channel=channel))
        try:
            return bigquery_storage.BigQueryReadClient()  # Application Default Credentials, as the REST client
        except auth_exceptions.DefaultCredentialsError:
            raise ConfigError(_NO_CREDENTIALS) from None

    # --- names ---

    def dataset_id(self, table: TableSchema) -> str:
        return checked_identifier(self.config.dataset_prefix + table.dataset, "dataset")

    def table_id(self, table: TableSchema, name: str | None = None) -> str:
        """`project.dataset.table` of `table` (or of `name` in its dataset), every name of `table` validated."""
        self._check(table)
        return f"{self.project}.{self.dataset_id(table)}.{checked_identifier(name or table.name, 'table')}"

    def _check(self, table: TableSchema) -> None:
        """Every identifier of `table` is valid, so no operation on it can put a bad name into SQL."""
        if table not in self._valid:
            self.dataset_id(table)
            checked_identifier(table.name, "table")
            for column in table.columns:
                checked_identifier(column.name, "column")
            self._valid.add(table)

    def _sql_table(self, table: TableSchema, name: str | None = None) -> str:
        return f"`{self.table_id(table, name)}`"

    # --- schema ---

    def ensure_tables(self, tables: Iterable[TableSchema] | None = None) -> SchemaReport:
        """Create the missing datasets and tables of `tables` (default: the whole registry).

        Existing tables are never altered; how they differ from the registry is reported instead.
        """
        tables = list(TABLES.values() if tables is None else tables)
        created = [table.qualified_name for table in tables if self._ensure_table(table)]
        differences = [d for d in self.schema_differences(tables) if d.problem != "missing table"]
        return SchemaReport(tuple(created), tuple(differences))

    def schema_differences(self, tables: Iterable[TableSchema] | None = None) -> list[SchemaDifference]:
        """How each table in BigQuery differs from the registry (default: the whole registry); changes nothing."""
        differences: list[SchemaDifference] = []
        for table in TABLES.values() if tables is None else tables:
            with _api_errors(f"reading the schema of {table.qualified_name}"):
                try:
                    actual = self._client.get_table(self.table_id(table), retry=RETRY, timeout=API_TIMEOUT_S)
                except api_exceptions.NotFound:
                    differences.append(SchemaDifference(table.qualified_name, "missing table"))
                    continue
            differences += _differences(table, self._table_resource(table), actual)
        return differences

    def _table_resource(self, table: TableSchema) -> bigquery.Table:
        resource = bigquery.Table(self.table_id(table), schema=_schema_fields(table))
        resource.time_partitioning = bigquery.TimePartitioning(
            type_=bigquery.TimePartitioningType.DAY, field=checked_identifier(table.partition, "column")
        )
        resource.clustering_fields = [checked_identifier(c, "column") for c in table.clustering] or None
        resource.description = table.doc or None
        return resource

    def _ensure_dataset(self, table: TableSchema) -> None:
        dataset_id = f"{self.project}.{self.dataset_id(table)}"
        if dataset_id in self._ready:
            return
        with _api_errors(f"creating dataset {dataset_id}"):
            try:
                self._client.get_dataset(dataset_id, retry=RETRY, timeout=API_TIMEOUT_S)
            except api_exceptions.NotFound:
                dataset = bigquery.Dataset(dataset_id)
                dataset.location = self.config.location
                self._client.create_dataset(dataset, exists_ok=True, retry=RETRY, timeout=API_TIMEOUT_S)
                log.info("created dataset %s", dataset_id)
        self._ready.add(dataset_id)

    def _ensure_table(self, table: TableSchema) -> bool:
        """Create `table` (and its dataset) if missing; True when it was created here."""
        table_id = self.table_id(table)
        if table_id in self._ready:
            return False
        self._ensure_dataset(table)
        with _api_errors(f"creating table {table.qualified_name}"):
            try:
                self._client.get_table(table_id, retry=RETRY, timeout=API_TIMEOUT_S)
                created = False
            except api_exceptions.NotFound:
                self._client.create_table(self._table_resource(table), exists_ok=True, retry=RETRY)
                log.info("created table %s", table_id)
                created = True
        self._ready.add(table_id)
        return created

    # --- reads ---

    def read(
        self,
        table: TableSchema,
        start: date | None = None,
        end: date | None = None,
        columns: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        self._check(table)
        wanted = table.column_names if columns is None else columns
        names = [checked_identifier(table.column(n).name, "column") for n in wanted]
        if columns is not None and not names:
            return pl.DataFrame()
        partition = checked_identifier(table.partition, "column")
        bounds = []  # the Storage API's row filter takes no parameters; typed dates print as safe literals
        if start is not None:
            bounds.append(f'{partition} >= CAST("{_day(start).isoformat()}" AS DATE)')
        if end is not None:
            bounds.append(f'{partition} <= CAST("{_day(end).isoformat()}" AS DATE)')
        with _api_errors(f"reading {table.qualified_name}"):
            arrow = self._read_arrow(table, names, " AND ".join(bounds))
        if arrow is None:
            return table.empty().select(names)
        frame = cast(pl.DataFrame, pl.from_arrow(arrow))
        return frame.select([pl.col(n).cast(table.column(n).dtype) for n in names])

    def _read_arrow(self, table: TableSchema, names: list[str], row_restriction: str) -> pa.Table | None:
        """Storage Read API, Arrow format, with column projection and the date filter pushed down."""
        session_spec = storage_types.ReadSession(
            table=f"projects/{self.project}/datasets/{self.dataset_id(table)}/tables/{table.name}",
            data_format=storage_types.DataFormat.ARROW,
            read_options=storage_types.ReadSession.TableReadOptions(
                selected_fields=names, row_restriction=row_restriction
            ),
        )
        try:
            session = self._read_client.create_read_session(
                parent=f"projects/{self.project}",
                read_session=session_spec,
                max_stream_count=MAX_READ_STREAMS,
                retry=RETRY,
                timeout=API_TIMEOUT_S,
            )
        except api_exceptions.NotFound:
            return None  # as the embedded store: a table never written reads as empty
        with _quiet_arrow_deprecation():
            parts = [
                self._read_client.read_rows(stream.name, retry=RETRY, timeout=JOB_TIMEOUT_S).to_arrow(session)
                for stream in session.streams
            ]
        parts = [p for p in parts if p.num_rows]
        return pa.concat_tables(parts) if parts else None

    def partitions(self, table: TableSchema) -> pl.DataFrame:
        self._check(table)
        partition = checked_identifier(table.partition, "column")
        query = (
            f"SELECT `{partition}` AS partition_date, COUNT(*) AS `rows` FROM {self._sql_table(table)} "
            "GROUP BY partition_date ORDER BY partition_date"
        )
        schema = {"partition_date": pl.Date(), "rows": pl.Int64()}
        with _api_errors(f"counting the partitions of {table.qualified_name}"):
            try:
                arrow = self._query(query)
            except api_exceptions.NotFound:
                return pl.DataFrame(schema=schema)
        return cast(pl.DataFrame, pl.from_arrow(arrow)).cast(schema)  # type: ignore[arg-type]

    def sql(self, query: str) -> pl.DataFrame:
        """Run `query`; registry tables named `dataset.table` are rewritten to this project and dataset prefix.

        The rewrite is textual: a registry name inside a string literal is rewritten too.
        """
        try:
            arrow = self._query(self.qualified_sql(query))
        except (api_exceptions.BadRequest, api_exceptions.NotFound, api_exceptions.Forbidden) as error:
            raise NbarayError(f"SQL error: {_message(error)}") from error
        except api_exceptions.GoogleAPICallError as error:
            raise NbarayError(f"BigQuery query failed: {_message(error)}") from error
        if not arrow.num_columns:
            return pl.DataFrame()
        return cast(pl.DataFrame, pl.from_arrow(arrow))

    def qualified_sql(self, query: str) -> str:
        """`query` with each registry table `dataset.table` (bare or in backticks) as `project.dataset.table`."""
        for table in TABLES.values():
            pattern = r"(?<![\w.`-])(`?)" + re.escape(table.qualified_name) + r"\1(?![\w`-])"
            replacement = self._sql_table(table)
            query = re.sub(pattern, lambda _m, r=replacement: r, query)
        return query

    def _query(self, query: str, parameters: Sequence[bigquery.ArrayQueryParameter] = ()) -> pa.Table:
        job = self._client.query(
            query,
            job_config=bigquery.QueryJobConfig(query_parameters=list(parameters)),
            location=self.config.location,
            retry=RETRY,
            job_retry=RETRY,
            timeout=API_TIMEOUT_S,
        )
        rows = job.result(retry=RETRY, timeout=JOB_TIMEOUT_S)
        # Pass our own Storage client: the default one would target googleapis.com, even behind an emulator.
        with _quiet_arrow_deprecation():
            return rows.to_arrow(bqstorage_client=self._read_client)

    # --- writes ---

    def replace_partitions(self, tables: Mapping[TableSchema, pl.DataFrame], dates: Sequence[date]) -> None:
        for table in tables:
            self._check(table)
        checked = {table: checked_for_write(table, frame, dates) for table, frame in tables.items()}
        run_id = f"replace-{uuid.uuid4().hex}"
        try:
            self._stage(run_id, checked, dates)
            self.commit_run(run_id, list(checked), dates)
        except BaseException:
            with contextlib.suppress(Exception):  # the original error matters more than a failed cleanup
                self.abort_run(run_id, list(checked))
            raise

    def stage_partitions(self, run_id: str, tables: Mapping[TableSchema, pl.DataFrame], dates: Sequence[date]) -> None:
        """Load each table's rows into this task's staging table; nothing is visible until `commit_run`.

        Rows are refused (InputError) before anything is loaded. A table without rows stages nothing:
        the commit's DELETE empties its dates all the same.
        """
        for table in tables:
            self._check(table)
        checked = {table: checked_for_write(table, frame, dates) for table, frame in tables.items()}
        self._stage(run_id, checked, dates)

    def _stage(self, run_id: str, checked: Mapping[TableSchema, pl.DataFrame], dates: Sequence[date]) -> None:
        batch = _batch_suffix(dates) if dates else ""
        for table, frame in checked.items():
            if frame.is_empty():
                continue
            self._ensure_dataset(table)
            staging_id = self.table_id(table, f"{_staging_prefix(run_id, table)}{batch}")
            with _api_errors(f"staging {table.qualified_name}"):
                RETRY(self._load)(staging_id, table, frame)

    def _load(self, staging_id: str, table: TableSchema, frame: pl.DataFrame) -> None:
        """One Parquet load job, replacing whatever the staging table held (a retried task lands here twice)."""
        parquet = io.BytesIO()
        _with_empty_lists(table, frame).write_parquet(parquet)
        parquet.seek(0)
        job_config = bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.PARQUET,
            schema=_schema_fields(table, staging=True),
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
            create_disposition=bigquery.CreateDisposition.CREATE_IF_NEEDED,
        )
        parquet_options = bigquery.ParquetOptions()
        parquet_options.enable_list_inference = True  # Parquet LIST -> REPEATED, not a wrapper RECORD
        job_config.parquet_options = parquet_options
        job = self._client.load_table_from_file(
            parquet, staging_id, job_config=job_config, location=self.config.location, timeout=API_TIMEOUT_S
        )
        job.result(retry=RETRY, timeout=JOB_TIMEOUT_S)
        staged = bigquery.Table(staging_id)
        staged.expires = datetime.now(UTC) + STAGING_TTL
        self._client.update_table(staged, ["expires"], retry=RETRY, timeout=API_TIMEOUT_S)

    def commit_run(self, run_id: str, tables: Sequence[TableSchema], dates: Sequence[date]) -> None:
        """One transaction for every table: delete `dates`, insert the staged rows of `dates`; then drop the staging.

        Staged rows of dates not in `dates` (a failed task's) are not published. A failed commit
        changes no table and keeps the staging tables for the caller to drop (`abort_run`).
        """
        days = sorted({_day(d) for d in dates})
        for table in tables:
            self._check(table)
        staged = {table: self.staged_tables(run_id, table) for table in tables}
        if days:
            for table in tables:
                self._ensure_table(table)
            with _api_errors(f"committing {', '.join(t.qualified_name for t in tables)}"):
                self._publish(staged, days)
            for table, names in staged.items():
                log.info("%s: published %d dates from %d staging tables", table.qualified_name, len(days), len(names))
        for table, names in staged.items():
            self._drop(table, names)

    def abort_run(self, run_id: str, tables: Sequence[TableSchema]) -> None:
        for table in tables:
            self._check(table)
        for table in tables:
            self._drop(table, self.staged_tables(run_id, table))

    def _publish(self, staged: Mapping[TableSchema, list[str]], days: list[date]) -> None:
        """One multi-statement transaction over every table: readers see all tables old or all new."""
        statements = ["BEGIN TRANSACTION;"]
        for table, names in staged.items():
            statements += self._replace_statements(table, names)
        statements.append("COMMIT TRANSACTION;")
        job = self._client.query(
            "\n".join(statements),
            job_config=bigquery.QueryJobConfig(query_parameters=[bigquery.ArrayQueryParameter("dates", "DATE", days)]),
            location=self.config.location,
            retry=RETRY,
            job_retry=RETRY,  # safe: a failed transaction changed nothing
            timeout=API_TIMEOUT_S,
        )
        job.result(retry=RETRY, timeout=JOB_TIMEOUT_S)

    def _replace_statements(self, table: TableSchema, staged: list[str]) -> list[str]:
        """DELETE the dates of `@dates` from `table`, INSERT them from `staged`, fail on a duplicated key."""
        target = self._sql_table(table)
        partition = f"`{checked_identifier(table.partition, 'column')}`"
        columns = ", ".join(f"`{checked_identifier(c, 'column')}`" for c in table.column_names)
        key = ", ".join(f"`{checked_identifier(c, 'column')}`" for c in table.key)
        key_fields = ", ".join(f"`{c}` AS `{c}`" for c in table.key)  # the emulator leaves unaliased fields unnamed
        statements = [f"DELETE FROM {target} WHERE {partition} IN UNNEST(@dates);"]
        for start in range(0, len(staged), SOURCES_PER_INSERT):
            # Staging tables are loaded with the registry's columns in its order, so `*` is that list;
            # it keeps a long run's script (about 1,300 sources over seven tables) short.
            sources = " UNION ALL ".join(
                f"SELECT * FROM {self._sql_table(table, name)} WHERE {partition} IN UNNEST(@dates)"
                for name in staged[start : start + SOURCES_PER_INSERT]
            )
            statements.append(f"INSERT INTO {target} ({columns}) {sources};")
        if staged:
            # Two stagings of one date in a run would duplicate keys: fail, and the transaction rolls back.
            statements.append(
                f"SELECT ERROR(CONCAT('duplicate key in staged rows: ', TO_JSON_STRING(STRUCT({key_fields})))) "
                f"FROM {target} WHERE {partition} IN UNNEST(@dates) GROUP BY {key} HAVING COUNT(*) > 1;"
            )
        return statements

    def staged_tables(self, run_id: str, table: TableSchema) -> list[str]:
        """Names of the staging tables run `run_id` loaded for `table`."""
        pattern = re.compile(re.escape(_staging_prefix(run_id, table)) + r"\d{8}_[0-9a-f]{8}")
        with _api_errors(f"listing the staging tables of {table.qualified_name}"):
            try:
                listed = self._client.list_tables(
                    f"{self.project}.{self.dataset_id(table)}", retry=RETRY, timeout=API_TIMEOUT_S
                )
                return sorted(t.table_id for t in listed if pattern.fullmatch(t.table_id))
            except api_exceptions.NotFound:
                return []

    def _drop(self, table: TableSchema, staged: list[str]) -> None:
        def drop(name: str) -> None:
            self._client.delete_table(self.table_id(table, name), not_found_ok=True, retry=RETRY, timeout=API_TIMEOUT_S)

        with _api_errors(f"dropping the staging tables of {table.qualified_name}"):
            if len(staged) <= 1:
                for name in staged:
                    drop(name)
                return
            with ThreadPoolExecutor(min(DROP_THREADS, len(staged))) as pool:
                list(pool.map(drop, staged))


def _schema_fields(table: TableSchema, *, staging: bool = False) -> list[bigquery.SchemaField]:
    """BigQuery fields from the registry. Staging tables are all NULLABLE: the target enforces REQUIRED."""
    fields = []
    for column in table.columns:
        kind = column.bigquery_type
        if kind.startswith("ARRAY<"):
            kind, mode = kind.removeprefix("ARRAY<").removesuffix(">"), "REPEATED"
        else:
            mode = "NULLABLE" if column.nullable or staging else "REQUIRED"
        description = None if staging else column.doc or None
        fields.append(
            bigquery.SchemaField(checked_identifier(column.name, "column"), kind, mode=mode, description=description)
        )
    return fields


def _differences(table: TableSchema, expected: bigquery.Table, actual: bigquery.Table) -> list[SchemaDifference]:
    name = table.qualified_name
    found = {f.name: f for f in actual.schema}
    differences = []
    for field in expected.schema:
        have = found.get(field.name)
        if have is None:
            differences.append(SchemaDifference(name, "missing column", field.name, _type(field), ""))
            continue
        if _type(have) != _type(field):
            differences.append(SchemaDifference(name, "type", field.name, _type(field), _type(have)))
        elif (have.mode or "NULLABLE") != field.mode:
            differences.append(SchemaDifference(name, "mode", field.name, field.mode, have.mode or "NULLABLE"))
    wanted = {f.name for f in expected.schema}
    differences += [
        SchemaDifference(name, "extra column", f.name, "", _type(f)) for f in actual.schema if f.name not in wanted
    ]
    want_partition = expected.time_partitioning.field if expected.time_partitioning else None
    have_partition = actual.time_partitioning.field if actual.time_partitioning else None
    if want_partition != have_partition:
        differences.append(SchemaDifference(name, "partitioning", None, str(want_partition), str(have_partition)))
    if list(expected.clustering_fields or []) != list(actual.clustering_fields or []):
        differences.append(
            SchemaDifference(
                name,
                "clustering",
                None,
                ",".join(expected.clustering_fields or []),
                ",".join(actual.clustering_fields or []),
            )
        )
    return differences


def _type(field: bigquery.SchemaField) -> str:
    """Standard SQL type name; the REST API answers with legacy names (FLOAT, INTEGER, BOOLEAN)."""
    kind = _LEGACY_TYPES.get(field.field_type.upper(), field.field_type.upper())
    return f"ARRAY<{kind}>" if field.mode == "REPEATED" else kind


def _with_empty_lists(table: TableSchema, frame: pl.DataFrame) -> pl.DataFrame:
    """NULL lists as []: BigQuery has no NULL ARRAY, and the emulator rejects one instead of storing []."""
    lists = [c for c in table.columns if isinstance(c.dtype, pl.List)]
    if not lists:
        return frame
    return frame.with_columns(pl.col(c.name).fill_null(pl.lit([], dtype=c.dtype)) for c in lists)


def _staging_prefix(run_id: str, table: TableSchema) -> str:
    """`_staging_{run}_{table}_`; the run part is the sanitised id plus a hash, so distinct ids never share it."""
    readable = re.sub(r"[^A-Za-z0-9]+", "_", run_id).strip("_")[:40]
    digest = hashlib.sha256(run_id.encode()).hexdigest()[:8]
    return f"{_STAGING}{readable}_{digest}_{checked_identifier(table.name, 'table')}_"


def _batch_suffix(dates: Sequence[date]) -> str:
    """`YYYYMMDD_hash` of a task's dates: the same dates (a retried task) name the same staging table."""
    days = sorted({_day(d) for d in dates})
    digest = hashlib.sha256(",".join(d.isoformat() for d in days).encode()).hexdigest()[:8]
    return f"{days[0]:%Y%m%d}_{digest}"


def _day(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def _message(error: api_exceptions.GoogleAPICallError) -> str:
    """The first line of BigQuery's own message, without the repeated reason/location details."""
    details = getattr(error, "errors", None) or []
    text = details[0].get("message") if details and isinstance(details[0], dict) else None
    text = text or getattr(error, "message", None) or str(error)
    return str(text).splitlines()[0] if text else type(error).__name__


@contextlib.contextmanager
def _quiet_arrow_deprecation() -> Iterator[None]:
    """Hide the Storage client's advice to install pandas-gbq: we want Arrow, not pandas, and no extra dependency."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Retrieving Arrow record batches directly", PendingDeprecationWarning)
        yield


@contextlib.contextmanager
def _api_errors(action: str) -> Iterator[None]:
    """BigQuery failures as one-line NbarayErrors the CLI can print; the cause stays chained for debugging."""
    try:
        yield
    except api_exceptions.GoogleAPICallError as error:
        raise NbarayError(f"BigQuery: {action} failed: {type(error).__name__}: {_message(error)}") from error
    except api_exceptions.RetryError as error:
        raise NbarayError(f"BigQuery: {action} failed after retries: {error.cause or error}") from error
