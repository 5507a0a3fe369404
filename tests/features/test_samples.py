"""Sample labels and exact decimal means."""

from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import samples


@pytest.mark.parametrize(
    ("target", "games", "quality"),
    [
        (
            10,
            [10, 12, 7, 6, 5, 4, 0],
            ["excellent", "excellent", "good", "limited", "limited", "insufficient", "insufficient"],
        ),
        (20, [20, 19, 14, 13, 10, 9], ["excellent", "good", "good", "limited", "limited", "insufficient"]),
    ],
)
def test_sample_quality_bands(target: int, games: list[int], quality: list[str]) -> None:
    frame = pl.DataFrame({"games": games})
    assert frame.select(samples.sample_quality(pl.col("games"), target)).to_series().to_list() == quality


def test_data_quality_tier_thresholds() -> None:
    frame = pl.DataFrame({"games": [15, 14, 10, 9, 0]})
    tier = samples.data_quality_tier(pl.col("games"), high=15, medium=10)
    assert frame.select(tier).to_series().to_list() == ["high", "medium", "medium", "low", "low"]


def test_decimal_mean_sums_exactly_in_every_group() -> None:
    # A float sum gives 0.15000000000000002 for the second group; an exact decimal sum gives 0.15.
    frame = pl.DataFrame({"g": [1, 1, 1, 2, 2, 3], "x": [110.1, 110.2, 110.3, 0.1, 0.2, None]})
    means = frame.group_by("g").agg(samples.decimal_mean(pl.col("x"), 2).alias("mean")).sort("g")
    assert means["mean"].to_list() == [110.2, 0.15, None]


def test_decimal_mean_of_t2_ratings() -> None:
    ratings = [110.50] * 8 + [106.25] * 7 + [None]
    frame = pl.DataFrame({"team": ["BOS"] * 16, "rating": ratings})
    mean = frame.group_by("team").agg(samples.decimal_mean(pl.col("rating"), 2)).item(0, "rating")
    assert mean == 108.51666666666667
