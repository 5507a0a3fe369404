"""The run ledger: which run last wrote each date, and whether it finished (for `backfill --resume`).

A date's ledger row is written in the same partition replace as the date's outputs, so it says
DONE exactly when the date's rows are there. An interrupted run leaves DONE rows for the dates it
finished and nothing new for the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from nbaray.pipeline.run_dates import RunStamp
from nbaray.schemas.precompute import BACKFILL_LEDGER
from nbaray.warehouse.base import Warehouse

DONE, FAILED = "DONE", "FAILED"


def ledger_rows(
    dates: Sequence[date], errors: Mapping[date, str], stamp: RunStamp, start: date, end: date
) -> pl.DataFrame:
    """One row per date of a task: DONE, or FAILED when its computation raised."""
    return pl.DataFrame(
        {
            "analysis_date": list(dates),
            "run_id": [stamp.run_id] * len(dates),
            "status": [FAILED if day in errors else DONE for day in dates],
            "range_start": [start] * len(dates),
            "range_end": [end] * len(dates),
            "processed_at": [stamp.processed_at] * len(dates),
        },
        schema=BACKFILL_LEDGER.polars_schema,
    )


def dates_done(warehouse: Warehouse, start: date, end: date) -> set[date]:
    """Dates of [start, end] whose last write finished (DONE): what `--resume` skips.

    Each date's ledger partition holds the run that last wrote the date, whichever run that was.
    """
    ledger = warehouse.read(BACKFILL_LEDGER, start, end, columns=["analysis_date", "status"])
    return set(ledger.filter(pl.col("status") == DONE).get_column("analysis_date").to_list())
