from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features import rest


def test_days_rest_is_one_after_a_game_yesterday() -> None:
    frame = pl.DataFrame({"previous": [date(2024, 1, 9), date(2024, 1, 6), None], "d": [date(2024, 1, 10)] * 3})
    days = frame.select(rest.days_rest(pl.col("previous"), pl.col("d"))).to_series()
    assert days.to_list() == [1, 4, None]
    assert frame.select(rest.back_to_back(days)).to_series().to_list() == [True, False, False]


def test_back_to_backs_counts_pairs_of_consecutive_game_days() -> None:
    history = pl.DataFrame({"days_before": [1, 2, 3, 5, 7, 9, 10, 10]})  # a duplicate row counts once
    assert history.select(rest.back_to_backs(pl.col("days_before"))).item() == 3
