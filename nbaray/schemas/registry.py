"""Every table nbaray reads or writes, by `dataset.table` name."""

from __future__ import annotations

from nbaray.schemas.columns import TableSchema
from nbaray.schemas.phase3 import PHASE3_TABLES
from nbaray.schemas.precompute import (
    BACKFILL_LEDGER,
    PLAYER_COMPOSITE_FACTORS,
    PLAYER_DAILY_CACHE,
    PLAYER_SHOT_ZONE_ANALYSIS,
    PRECOMPUTE_FAILURES,
    TEAM_DEFENSE_ZONE_ANALYSIS,
)
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2, PLAYER_POINTS_PREDICTIONS

OUTPUT_TABLES: tuple[TableSchema, ...] = (
    TEAM_DEFENSE_ZONE_ANALYSIS,
    PLAYER_SHOT_ZONE_ANALYSIS,
    PLAYER_DAILY_CACHE,
    PLAYER_COMPOSITE_FACTORS,
    ML_FEATURE_STORE_V2,
    PRECOMPUTE_FAILURES,
)

# Written by `nbaray predict`, not by the backfill.
PREDICTION_TABLES: tuple[TableSchema, ...] = (PLAYER_POINTS_PREDICTIONS,)

# Bookkeeping of the backfill itself: which run last wrote each date (for --resume).
RUN_TABLES: tuple[TableSchema, ...] = (BACKFILL_LEDGER,)

TABLES: dict[str, TableSchema] = {
    t.qualified_name: t for t in (*PHASE3_TABLES, *OUTPUT_TABLES, *PREDICTION_TABLES, *RUN_TABLES)
}


def table(qualified_name: str) -> TableSchema:
    """The schema of `dataset.table`; a clear error names the known tables otherwise."""
    try:
        return TABLES[qualified_name]
    except KeyError:
        raise KeyError(f"unknown table {qualified_name!r}; known: {', '.join(sorted(TABLES))}") from None
