from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbaray.features import pace


def score(differential: float | None) -> float:
    return pl.select(pace.pace_score(pl.lit(differential, pl.Float64))).item()


@pytest.mark.parametrize(("differential", "expected"), [
    (3.5, 1.75), (-4.0, -2.0), (3.4, 1.7), (1.78, 0.89), (7.0, 3.0), (-7.0, -3.0), (None, 0.0),
])  # fmt: skip
def test_pace_score_is_half_the_differential_within_three(differential: float | None, expected: float) -> None:
    assert score(differential) == pytest.approx(expected)


def test_pace_differential_rounds_to_two_decimals() -> None:
    frame = pl.DataFrame({"team": [99.16, 100.0, None], "opponent": [97.38, 97.333, 98.0]})
    result = frame.select(pace.pace_differential(pl.col("team"), pl.col("opponent"))).to_series().to_list()
    assert result == [1.78, 2.67, None]


def test_pace_last_10_skips_missing_values() -> None:
    frame = pl.DataFrame({"pace": [100.0, None, 98.0]})
    assert frame.select(pace.pace_last_10(pl.col("pace"))).item() == 99.0


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(st.none() | st.floats(-50, 50))
def test_pace_score_stays_within_three(differential: float | None) -> None:
    assert -3.0 <= score(differential) <= 3.0


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(st.floats(-50, 50), st.floats(-50, 50))
def test_pace_score_faster_matchup_never_lowers_it(a: float, b: float) -> None:
    assert score(max(a, b)) >= score(min(a, b))
