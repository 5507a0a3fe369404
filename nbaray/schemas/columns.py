"""Column and TableSchema: the one place a table is defined.

Polars dtypes, Arrow schemas, BigQuery DDL and input checks are all derived from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

TIMESTAMP = pl.Datetime("us", "UTC")

_BIGQUERY_TYPES: dict[type[pl.DataType], str] = {
    pl.Int64: "INT64",
    pl.Float64: "FLOAT64",
    pl.String: "STRING",
    pl.Boolean: "BOOL",
    pl.Date: "DATE",
    pl.Datetime: "TIMESTAMP",
}


@dataclass(frozen=True)
class Column:
    """One column: its Polars dtype, whether it may be NULL, and its stored decimal scale (D7)."""

    name: str
    dtype: pl.DataType
    nullable: bool = True
    scale: int | None = None  # decimals kept when written (round half away from zero, D7)
    required: bool = True  # an input file must carry it; optional inputs are filled with NULL
    doc: str = ""

    @property
    def bigquery_type(self) -> str:
        if isinstance(self.dtype, pl.List):
            return f"ARRAY<{_BIGQUERY_TYPES[type(self.dtype.inner)]}>"
        return _BIGQUERY_TYPES[type(self.dtype)]


@dataclass(frozen=True)
class RowCheck:
    """A rule every input row must satisfy; `violated` is true on the rows that break it."""

    column: str
    description: str
    violated: pl.Expr


@dataclass(frozen=True)
class TableSchema:
    """A warehouse table: `dataset.name`, its columns, logical key, partition and clustering."""

    dataset: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    partition: str
    clustering: tuple[str, ...] = ()
    doc: str = ""
    checks: tuple[RowCheck, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        names = self.column_names
        if len(set(names)) != len(names):
            raise ValueError(f"{self.qualified_name}: duplicate column names")
        missing = [c for c in (*self.key, self.partition, *self.clustering) if c not in names]
        if missing:
            raise ValueError(f"{self.qualified_name}: key/partition/clustering columns {missing} not declared")

    @property
    def qualified_name(self) -> str:
        return f"{self.dataset}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, pl.Series(dtype=c.dtype).to_arrow().type, nullable=c.nullable) for c in self.columns]
        )

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema)

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Registry column order and dtypes, floats rounded to their stored scale, NaN as NULL (D5, D7)."""
        exprs = []
        for c in self.columns:
            expr = pl.col(c.name).cast(c.dtype)
            if c.dtype == pl.Float64:
                expr = pl.when(expr.is_nan() | expr.is_infinite()).then(None).otherwise(expr)
                if c.scale is not None:
                    expr = round_half_away(expr, c.scale)
            exprs.append(expr.alias(c.name))
        return frame.select(exprs)

    def ddl(self, project: str | None = None) -> str:
        """BigQuery CREATE TABLE statement."""
        target = f"`{project}.{self.qualified_name}`" if project else f"`{self.qualified_name}`"
        lines = [
            f"  {c.name} {c.bigquery_type}{'' if c.nullable or isinstance(c.dtype, pl.List) else ' NOT NULL'}"
            for c in self.columns
        ]
        ddl = f"CREATE TABLE IF NOT EXISTS {target} (\n" + ",\n".join(lines) + f"\n)\nPARTITION BY {self.partition}"
        if self.clustering:
            ddl += f"\nCLUSTER BY {', '.join(self.clustering)}"
        if self.doc:
            ddl += f'\nOPTIONS (description = "{self.doc}")'
        return ddl + ";"


def round_half_away(expr: pl.Expr, scale: int) -> pl.Expr:
    """Round to `scale` decimals, ties away from zero, as BigQuery rounds the decimal text of a double (D7).

    1.005 is stored as 1.00499999999999989...; its shortest text "1.005" is a tie that BigQuery
    rounds up. A nudge of a few ulps restores such ties before rounding; it is far too small to
    move any value whose shortest text is not a tie.
    """
    nudged = expr + expr.sign() * expr.abs() * (4 * 2.220446049250313e-16)
    return nudged.round(scale, mode="half_away_from_zero")
