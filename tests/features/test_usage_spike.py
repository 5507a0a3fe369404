from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbaray.features.usage_spike import usage_spike_score


def score(projected: float | None, recent: float | None, stars: int | None = 0) -> float:
    frame = pl.DataFrame({"p": [projected], "r": [recent], "s": [stars]}, schema={"p": pl.Float64, "r": pl.Float64,
                                                                               "s": pl.Int64})  # fmt: skip
    return frame.select(usage_spike_score(pl.col("p"), pl.col("r"), pl.col("s"))).item()


@pytest.mark.parametrize(("projected", "recent", "stars", "expected"), [
    (26.0, 25.0, 0, 0.3), (20.0, 25.0, 0, -1.5), (30.0, 25.0, 1, 1.725), (30.0, 25.0, 2, 1.95),
    (20.0, 25.0, 2, -1.5),  # a drop is not boosted
    (30.0, 0.0, 0, 0.0),  # no recent usage recorded: no spike to measure
    (27.0, 24.5, 1, 0.8625), (22.0, 26.0, 2, -1.2),  # PCF-1, PCF-2
    (40.0, 20.0, 0, 3.0), (10.0, 30.0, 0, -3.0),
    (27.0, None, 0, 0.6),  # unknown recent usage counts as 25
])  # fmt: skip
def test_usage_spike_score_unit_cases(projected: float, recent: float | None, stars: int, expected: float) -> None:
    assert score(projected, recent, stars) == pytest.approx(expected)


def test_usage_spike_score_is_zero_without_a_projection() -> None:
    # D6: the reference's 0.3 x (25 - recent usage) would give 1.45 here (PCF-3)
    assert score(None, 20.166666667, 0) == 0.0


usage = st.floats(0.5, 60)
stars = st.none() | st.integers(0, 4)


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(st.none() | usage, st.none() | usage, stars)
def test_usage_spike_score_stays_within_three(projected, recent, stars_out) -> None:
    assert -3.0 <= score(projected, recent, stars_out) <= 3.0


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(usage, usage, usage, stars)
def test_usage_spike_score_higher_projection_never_lowers_it(a: float, b: float, recent: float, stars_out) -> None:
    assert score(max(a, b), recent, stars_out) >= score(min(a, b), recent, stars_out)


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(usage, usage, usage, stars)
def test_usage_spike_score_higher_recent_usage_never_raises_it(projected: float, a: float, b: float, stars_out) -> None:
    assert score(projected, max(a, b), stars_out) <= score(projected, min(a, b), stars_out)


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(usage, usage, st.integers(0, 4), st.integers(0, 4))
def test_usage_spike_score_more_stars_out_never_lowers_it(projected: float, recent: float, a: int, b: int) -> None:
    assert score(projected, recent, max(a, b)) >= score(projected, recent, min(a, b))
