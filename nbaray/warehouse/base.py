"""The warehouse contract shared by the embedded store and BigQuery."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from nbaray.errors import InputError
from nbaray.schemas.columns import TableSchema


@dataclass(frozen=True)
class LocalConfig:
    """The embedded warehouse: one Parquet file per table and partition date under `root`."""

    root: Path
    type: Literal["local"] = "local"


WarehouseConfig = LocalConfig

_CLASS_FOR_TYPE = {"local": "nbaray.warehouse.local:LocalWarehouse"}


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
    problems: list[str] = []
    outside = frame.filter(~pl.col(table.partition).is_in(list(dates)))
    if outside.height:
        problems.append(f"{outside.height} rows have {table.partition} outside the dates being replaced")
    for column in table.columns:
        if not column.nullable:
            nulls = frame.filter(pl.col(column.name).is_null())
            if nulls.height:
                problems.append(f"{nulls.height} rows have NULL {column.name}{examples(nulls, table.key)}")
    duplicated = frame.filter(pl.struct(table.key).is_duplicated())
    if duplicated.height:
        problems.append(f"{duplicated.height} rows share a key {table.key}{examples(duplicated, table.key)}")
    if problems:
        raise InputError(table.qualified_name, problems)
    return frame


def examples(frame: pl.DataFrame, key: Sequence[str], n: int = 3) -> str:
    """A few distinct keys of `frame`, for an error message: ` (e.g. a/2024-01-01, b/2024-01-02)`."""
    rows = frame.select(key).unique(maintain_order=True).head(n).rows()
    return " (e.g. " + ", ".join("/".join(str(v) for v in row) for row in rows) + ")"
