"""The registry's derived forms: stored rounding (D7), Arrow schemas, BigQuery DDL."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbaray.schemas import TABLES
from nbaray.schemas.columns import Column, TableSchema, round_half_away


def bigquery_rounded(value: float, scale: int) -> float:
    """What BigQuery stores: the shortest decimal text of the double, rounded half away from zero."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("value", "scale", "stored"),
    [(40.3, 1, 40.3), (403 / 10, 1, 40.3), (1.005, 2, 1.01), (-1.005, 2, -1.01), (0.125, 2, 0.13), (2.675, 2, 2.68),
     (1.15, 1, 1.2), (-1.0334335848424692, 2, -1.03), (0.0, 3, 0.0)],
)  # fmt: skip
def test_round_half_away_matches_bigquery_on_known_ties(value: float, scale: int, stored: float) -> None:
    assert pl.select(round_half_away(pl.lit(value), scale)).item() == stored


@given(
    st.one_of(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
        st.decimals(min_value=-1e5, max_value=1e5, places=4).map(float),
    ),
    st.integers(min_value=0, max_value=3),
)
def test_round_half_away_equals_decimal_rounding(value: float, scale: int) -> None:
    assert pl.select(round_half_away(pl.lit(value, pl.Float64), scale)).item() == bigquery_rounded(value, scale)


def test_conform_orders_casts_rounds_and_nulls_nan() -> None:
    table = TableSchema(
        "d", "t", (Column("k", pl.String()), Column("x", pl.Float64(), scale=1), Column("n", pl.Int64())), ("k",), "k"
    )
    frame = pl.DataFrame({"n": [1, 2], "x": [float("nan"), 2.25], "k": ["a", "b"]})
    conformed = table.conform(frame)
    assert conformed.columns == ["k", "x", "n"]
    assert conformed["x"].to_list() == [None, 2.3]


def test_conform_refuses_a_missing_column() -> None:
    table = TableSchema("d", "t", (Column("k", pl.String()),), ("k",), "k")
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        table.conform(pl.DataFrame({"other": [1]}))


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_every_table_has_an_arrow_schema_and_ddl(table: TableSchema) -> None:
    assert table.arrow_schema.names == table.column_names
    ddl = table.ddl("proj")
    assert ddl.startswith(f"CREATE TABLE IF NOT EXISTS `proj.{table.qualified_name}`")
    assert f"PARTITION BY {table.partition}" in ddl
    for column in table.columns:
        assert f"  {column.name} {column.bigquery_type}" in ddl
    assert table.empty().schema == table.polars_schema


def test_a_table_refuses_an_undeclared_key() -> None:
    with pytest.raises(ValueError, match="not declared"):
        TableSchema("d", "t", (Column("k", pl.String()),), ("missing",), "k")
