"""Windows found by position (`games_before`, `window_sums`) hold exactly the rows pairing finds (D1, D7)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbaray.features.windows import (
    entity_dates,
    games_before,
    history_before,
    newest_first,
    window_aggregates,
    window_sums,
)

FIRST_DAY = date(2024, 9, 1)  # a month before a season starts, so windows cross October 1
KEY = ["team_abbr", "analysis_date"]
COLUMNS = ["team_abbr", "analysis_date", "recency_rank", "game_date", "game_id", "points"]

rows = st.lists(
    st.tuples(
        st.sampled_from(["BOS", "MIA", "NYK"]),
        st.integers(0, 90),  # days after FIRST_DAY
        st.sampled_from(["a", "b", "c"]),
        st.one_of(st.none(), st.integers(0, 140)),
    ),
    max_size=40,
)
windows = st.fixed_dictionaries(
    {
        "n": st.one_of(st.none(), st.integers(1, 12)),
        "same_season": st.booleans(),
        "days": st.one_of(st.none(), st.sampled_from([1, 7, 30])),
    }
)


def games(generated: list[tuple[str, int, str, int | None]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [(team, FIRST_DAY + timedelta(days=day), game_id, points) for team, day, game_id, points in generated],
        schema={"team_abbr": pl.String, "game_date": pl.Date, "game_id": pl.String, "points": pl.Int64},
        orient="row",
    )
    return frame.unique(["team_abbr", "game_date", "game_id"], keep="first", maintain_order=True)


def paired(frame: pl.DataFrame, dates: list[date], *, n: int | None, same_season: bool, days: int | None):
    """The definition: every row paired with every later date, sorted newest first (D7)."""
    window = newest_first(history_before(frame, dates, same_season=same_season, days=days), by=KEY)
    return window if n is None else window.filter(pl.col("recency_rank") <= n)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.lists(st.integers(0, 100), min_size=1, max_size=6), windows)
def test_games_before_holds_the_paired_rows_newest_first(generated, offsets, window) -> None:
    frame = games(generated)
    dates = sorted({FIRST_DAY + timedelta(days=d) for d in offsets})
    found = games_before(frame, entity_dates(frame, dates, by=["team_abbr"]), by=["team_abbr"], **window)
    expected = paired(frame, dates, **window).select(COLUMNS).sort(KEY, maintain_order=True)
    # Each key's rows come out contiguous and newest first, so aggregates see them in this order.
    assert found.select(COLUMNS).sort(KEY, maintain_order=True).equals(expected)
    assert found.select(pl.col("recency_rank").diff().over(KEY).fill_null(1).eq(1).all()).item()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.lists(st.integers(0, 100), min_size=1, max_size=6), windows)
def test_window_sums_are_the_sums_of_the_window_rows(generated, offsets, window) -> None:
    frame = games(generated)
    dates = sorted({FIRST_DAY + timedelta(days=d) for d in offsets})
    keys = entity_dates(frame, dates, by=["team_abbr"])
    sums = window_sums(frame, keys, by=["team_abbr"], columns=["points"], newest=["game_id"], **window)
    expected = (
        paired(frame, dates, **window)
        .group_by(KEY)
        .agg(games=pl.len().cast(pl.Int64), points=pl.col("points").sum(), game_id=pl.col("game_id").first())
    )
    assert sums.sort(KEY).equals(expected.select(sums.columns).sort(KEY))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.lists(st.integers(0, 100), min_size=1, max_size=6), windows)
def test_window_aggregates_equal_grouping_the_window_rows(generated, offsets, window) -> None:
    frame = games(generated)
    dates = sorted({FIRST_DAY + timedelta(days=d) for d in offsets})
    keys = entity_dates(frame, dates, by=["team_abbr"])
    aggregations = [
        pl.col("points").alias("newest_first"),  # a list: the order inside a window counts
        pl.col("points").head(2).mean().alias("last_2"),
        (pl.col("analysis_date") - pl.col("game_date")).dt.total_days().min().alias("days_since"),
        pl.col("recency_rank").max().alias("games"),
    ]
    found = window_aggregates(frame, keys, aggregations, by=["team_abbr"], **window)
    expected = games_before(frame, keys, by=["team_abbr"], **window).group_by(KEY).agg(aggregations)
    assert found.sort(KEY).equals(expected.select(found.columns).sort(KEY))


def test_games_before_keeps_only_the_keys_asked_for_and_nothing_on_d() -> None:
    frame = games([("BOS", 40, "a", 10), ("BOS", 45, "b", 20), ("MIA", 40, "c", 30)])
    day = FIRST_DAY + timedelta(days=45)
    keys = pl.DataFrame({"team_abbr": ["BOS"], "analysis_date": [day]})
    assert games_before(frame, keys, by=["team_abbr"])["game_id"].to_list() == ["a"]


def test_window_sums_refuses_float_columns() -> None:
    frame = games([("BOS", 40, "a", 10)]).with_columns(pl.col("points").cast(pl.Float64))
    keys = pl.DataFrame({"team_abbr": ["BOS"], "analysis_date": [FIRST_DAY + timedelta(days=50)]})
    with pytest.raises(TypeError, match="not integer"):
        window_sums(frame, keys, by=["team_abbr"], columns=["points"])
