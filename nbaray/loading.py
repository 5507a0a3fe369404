"""Loading Phase 3 tables into a warehouse: checked like the backfill's input, partitions replaced whole."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date

import polars as pl

from nbaray.input_checks import checked_input
from nbaray.schemas.registry import table
from nbaray.season_calendar import date_range
from nbaray.warehouse.base import Warehouse

log = logging.getLogger(__name__)


def season_dates(seasons: Iterable[int]) -> list[date]:
    """Every date of the given seasons, October 1 to September 30."""
    return [d for year in seasons for d in date_range(date(year, 10, 1), date(year + 1, 9, 30))]


def load_tables(warehouse: Warehouse, frames: Mapping[str, pl.DataFrame], dates: Iterable[date]) -> dict[str, int]:
    """Check every frame, then replace the partitions of `dates` in each table; returns rows per table.

    Nothing is written unless every frame passes.
    """
    checked = {table(name): checked_input(table(name), frame) for name, frame in frames.items()}
    warehouse.replace_partitions(checked, sorted(set(dates)))
    for schema, frame in checked.items():
        log.info("loaded %s: %d rows", schema.qualified_name, frame.height)
    return {schema.qualified_name: frame.height for schema, frame in checked.items()}
