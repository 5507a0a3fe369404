"""The warehouse contract shared by the embedded store and BigQuery."""

from __future__ import annotations

import importlib
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from nbaray.errors import ConfigError, InputError
from nbaray.schemas.columns import TableSchema


@dataclass(frozen=True)
class LocalConfig:
    """The embedded warehouse: one Parquet file per table and partition date under `root`."""

    root: Path
    type: Literal["local"] = "local"


# BigQuery's own rules: a project id (optionally domain-scoped) and letters, digits and underscores in a dataset.
_PROJECT = re.compile(r"(?:[a-z][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")
_DATASET_PREFIX = re.compile(r"[A-Za-z0-9_]{0,64}")
_LOCATION = re.compile(r"[A-Za-z0-9-]{1,64}")
_API_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(?::[0-9]{1,5})?/?")
_GRPC_ENDPOINT = re.compile(r"[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}")

BIGQUERY_PROJECT_ENV = "NBARAY_BIGQUERY_PROJECT"


@dataclass(frozen=True)
class BigQueryConfig:
    """A BigQuery project; small and picklable because every Ray task receives it and builds its own clients.

    Credentials are Application Default Credentials, unless an endpoint override points at an
    emulator: then anonymous credentials and a plaintext gRPC channel are used.
    """

    project: str
    location: str | None = None  # e.g. "US" or "europe-west1"; None lets BigQuery choose
    dataset_prefix: str = ""  # prepended to every dataset name, e.g. "ci_1234_" for an isolated test run
    api_endpoint: str | None = None  # REST endpoint override, e.g. http://127.0.0.1:9050 (emulator)
    grpc_endpoint: str | None = None  # Storage API endpoint override, e.g. 127.0.0.1:9060 (emulator)
    type: Literal["bigquery"] = "bigquery"

    def __post_init__(self) -> None:
        problems = []
        if not _PROJECT.fullmatch(self.project):
            problems.append(f"project {self.project!r} is not a BigQuery project id")
        if self.location is not None and not _LOCATION.fullmatch(self.location):
            problems.append(f"location {self.location!r} is not a BigQuery location")
        if not _DATASET_PREFIX.fullmatch(self.dataset_prefix):
            problems.append(f"dataset prefix {self.dataset_prefix!r} may hold only letters, digits and _")
        if self.api_endpoint is not None and not _API_ENDPOINT.fullmatch(self.api_endpoint):
            problems.append(f"api endpoint {self.api_endpoint!r} is not http(s)://host[:port]")
        if self.grpc_endpoint is not None and not _GRPC_ENDPOINT.fullmatch(self.grpc_endpoint):
            problems.append(f"grpc endpoint {self.grpc_endpoint!r} is not host:port")
        if (self.api_endpoint is None) != (self.grpc_endpoint is None):
            # One override alone would send the other API's calls to Google with anonymous credentials.
            problems.append("api endpoint and grpc endpoint must be overridden together")
        if problems:
            raise ConfigError("BigQuery: " + "; ".join(problems))

    @property
    def emulated(self) -> bool:
        return self.api_endpoint is not None


WarehouseConfig = LocalConfig | BigQueryConfig

_CLASS_FOR_TYPE = {
    "local": "nbaray.warehouse.local:LocalWarehouse",
    "bigquery": "nbaray.warehouse.bigquery:BigQueryWarehouse",
}

_BIGQUERY_OPTIONS = ("location", "dataset_prefix", "api_endpoint", "grpc_endpoint")


def warehouse_config(
    warehouse_dir: Path | str, bigquery_project: str | None = None, **options: str | None
) -> WarehouseConfig:
    """BigQuery when a project is given (or set in NBARAY_BIGQUERY_PROJECT), else the embedded store.

    `options` are BigQueryConfig's other fields; None or "" (an option not given) is ignored.
    """
    unknown = sorted(set(options) - set(_BIGQUERY_OPTIONS))
    if unknown:
        raise ConfigError(f"unknown BigQuery options {unknown}; known: {list(_BIGQUERY_OPTIONS)}")
    given = {name: value for name, value in options.items() if value not in (None, "")}
    project = bigquery_project or os.environ.get(BIGQUERY_PROJECT_ENV) or None
    if project is None:
        if given:
            raise ConfigError(f"{', '.join(sorted(given))}: only with a BigQuery project (--bigquery-project)")
        return LocalConfig(root=Path(warehouse_dir))
    return BigQueryConfig(project=project, **given)


class Warehouse(ABC):
    """Tables of the schema registry, partitioned by date, read as Polars and replaced by partition."""

    @abstractmethod
    def read(
        self,
        table: TableSchema,
        start: date | None = None,
        end: date | None = None,
        columns: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """Rows of `table` with start <= partition date <= end (open ends unbounded), registry dtypes."""

    @abstractmethod
    def replace_partitions(self, tables: Mapping[TableSchema, pl.DataFrame], dates: Sequence[date]) -> None:
        """Each table's partition of each date in `dates` ends up holding exactly the given rows (D9).

        A date with no rows ends up empty. A reader never sees a half-written partition, and rows
        whose partition date is not in `dates` are refused before anything is written.
        """

    def stage_partitions(self, run_id: str, tables: Mapping[TableSchema, pl.DataFrame], dates: Sequence[date]) -> None:
        """Called by a Ray task: these partitions become part of run `run_id`.

        They are visible once `commit_run` has run. A store whose partition writes are already
        atomic (the embedded one) replaces them at once; BigQuery writes to a staging area.
        """
        self.replace_partitions(tables, dates)

    def commit_run(self, run_id: str, tables: Sequence[TableSchema], dates: Sequence[date]) -> None:
        """Called once by the driver after every task of the run finished: publish the staged dates."""
        return None  # partitions staged by the embedded store are already published

    def abort_run(self, run_id: str, tables: Sequence[TableSchema]) -> None:
        """Called by the driver when a run fails: remove whatever the run staged; targets stay untouched."""
        return None

    @abstractmethod
    def partitions(self, table: TableSchema) -> pl.DataFrame:
        """One row per non-empty partition: `partition_date`, `rows`."""

    @abstractmethod
    def sql(self, query: str) -> pl.DataFrame:
        """Run a SELECT in which tables are named `dataset.table`, as in BigQuery."""


def open_warehouse(config: WarehouseConfig) -> Warehouse:
    """The warehouse a config describes; a backend's client libraries are imported only here."""
    module, _, name = _CLASS_FOR_TYPE[config.type].partition(":")
    return getattr(importlib.import_module(module), name)(config)


def checked_for_write(table: TableSchema, frame: pl.DataFrame, dates: Sequence[date]) -> pl.DataFrame:
    """`frame` conformed to the registry, or an InputError naming the rows that would corrupt a partition."""
    frame = table.conform(frame)
    outside = (f"{{n}} rows have {table.partition} outside the dates being replaced",
               ~pl.col(table.partition).is_in(list(dates)))  # fmt: skip
    problems = violations(frame, table.key, [outside, *null_and_key_rules(table)])
    if problems:
        raise InputError(table.qualified_name, problems)
    return frame


Rule = tuple[str, pl.Expr]  # (message with `{n}` where the count of rows goes, true on the rows that break it)


def null_and_key_rules(table: TableSchema) -> list[Rule]:
    """NULLs in NOT NULL columns, and duplicated keys."""
    nulls = [
        (f"column {c.name}: {{n}} rows are NULL", pl.col(c.name).is_null()) for c in table.columns if not c.nullable
    ]
    key = (f"key ({', '.join(table.key)}): {{n}} rows share a key", pl.struct(table.key).is_duplicated())
    return [*nulls, key]


def violations(frame: pl.DataFrame, key: Sequence[str], rules: Sequence[Rule]) -> list[str]:
    """Each broken rule's message, with how many rows break it and a few of their keys.

    One pass over `frame` counts every rule; only a broken rule's rows are filtered, for the examples.
    """
    if not rules or frame.is_empty():
        return []
    counts = frame.select(violated.fill_null(False).sum().alias(str(i)) for i, (_, violated) in enumerate(rules)).row(0)
    return [
        message.replace("{n}", str(n)) + examples(frame.filter(violated.fill_null(False)), key)
        for (message, violated), n in zip(rules, counts, strict=True)
        if n
    ]


def examples(frame: pl.DataFrame, key: Sequence[str], n: int = 3) -> str:
    """A few distinct keys of `frame`, for an error message: ` (e.g. a/2024-01-01, b/2024-01-02)`."""
    rows = frame.select(key).unique(maintain_order=True).head(n).rows()
    return " (e.g. " + ", ".join("/".join(str(v) for v in row) for row in rows) + ")"
