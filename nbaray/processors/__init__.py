"""The five Phase 4 processors: pure functions from frames and analysis dates to frames.

Each module exposes `TABLE` (its output schema), `VERSION`, and `compute(...)`, whose parameter
names say which frames it reads: Phase 3 tables by name, earlier processors' outputs by table
name, and `analysis_dates`. `compute` returns a `ProcessorOutput`; the pipeline stamps the run
columns and conforms the rows to the registry at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

FAILURE_COLUMNS = {
    "analysis_date": pl.Date(),
    "entity_id": pl.String(),
    "failure_category": pl.String(),
    "failure_reason": pl.String(),
}

INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
MISSING_DEPENDENCY = "MISSING_DEPENDENCY"
PROCESSING_ERROR = "PROCESSING_ERROR"


@dataclass(frozen=True)
class ProcessorOutput:
    """Rows for the output table, and the entities dropped (columns of FAILURE_COLUMNS)."""

    rows: pl.DataFrame
    failures: pl.DataFrame


def no_failures() -> pl.DataFrame:
    return pl.DataFrame(schema=FAILURE_COLUMNS)


def failures(frame: pl.DataFrame, *, entity: str, date_column: str, category: str, reason: pl.Expr) -> pl.DataFrame:
    """Failure rows for each (entity, date) of `frame`."""
    return frame.select(
        pl.col(date_column).alias("analysis_date"),
        pl.col(entity).cast(pl.String).alias("entity_id"),
        pl.lit(category).alias("failure_category"),
        reason.cast(pl.String).alias("failure_reason"),
    )


def analysis_dates_frame(analysis_dates: list[date]) -> pl.DataFrame:
    return pl.DataFrame({"analysis_date": sorted(set(analysis_dates))}, schema={"analysis_date": pl.Date()})
