"""What the processor tests share: one entity's output row, and rows as the pipeline stores them."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import polars as pl


def only(rows: pl.DataFrame, column: str, value: str) -> dict[str, Any]:
    """The one row whose `column` is `value`."""
    found = rows.filter(pl.col(column) == value)
    assert found.height == 1, f"{value}: {found.height} rows"
    return found.row(0, named=True)


def stored_rows(processor: ModuleType, rows: pl.DataFrame) -> pl.DataFrame:
    """A processor's rows as the pipeline writes them: run columns stamped, then conformed to the registry (D7)."""
    stamped = rows.with_columns(
        processor_version=pl.lit(processor.VERSION),
        run_id=pl.lit("test-run"),
        processed_at=pl.lit(datetime(2025, 1, 16, 12, tzinfo=UTC)),
    )
    return processor.TABLE.conform(stamped)
