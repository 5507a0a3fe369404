from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features import season_flags


def test_season_flags_by_month_and_distance_from_october_first() -> None:
    days = pl.DataFrame({"d": [date(2024, 10, 30), date(2024, 10, 31), date(2025, 1, 20), date(2025, 4, 2)]})
    flags = days.select(
        boundary=season_flags.season_boundary_detected(pl.col("d")),
        bootstrap=season_flags.backfill_bootstrap_mode(pl.col("d")),
    )
    assert flags.rows() == [(True, True), (True, False), (False, False), (True, False)]
