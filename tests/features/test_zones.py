"""Zone features: fractions, rates, best and worst defended zone, primary scoring zone."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from nbaray.features import zones


def _values(expr: pl.Expr, **columns: list[Any]) -> list[Any]:
    return pl.DataFrame(columns, strict=False).select(expr.alias("out"))["out"].to_list()


def test_shooting_pct_is_null_without_attempts() -> None:
    assert _values(zones.shooting_pct(pl.col("m"), pl.col("a")), m=[52, 0, 3], a=[82, 0, 0]) == [52 / 82, None, None]


def test_league_shooting_pct_uses_sql_nulls() -> None:
    games = pl.DataFrame(
        {
            "team": ["a", "a", "b", "b", "c", "c", "d"],
            "makes": [5, None, None, None, 0, 0, 3],
            "attempts": [10, 6, 8, 8, 0, None, None],
        }
    )
    pct = games.group_by("team").agg(zones.league_shooting_pct(pl.col("makes"), pl.col("attempts")).alias("pct"))
    assert dict(pct.sort("team").iter_rows()) == {"a": 5 / 16, "b": None, "c": None, "d": None}


def test_zone_rate_divides_before_scaling() -> None:
    # (a / T) * 100 and a * 100 / T differ in the last place here; the spec's value is the former.
    assert _values(zones.zone_rate(pl.col("a"), pl.col("t")), a=[58, 0, 5], t=[174, 10, 0]) == [
        33.33333333333333,
        0.0,
        None,
    ]


def test_per_game_is_null_without_games() -> None:
    assert _values(zones.per_game(pl.col("total"), pl.col("games")), total=[542, 0], games=[15, 0]) == [542 / 15, None]


def test_vs_league_avg_in_percentage_points() -> None:
    out = _values(
        zones.vs_league_avg(pl.col("pct"), pl.col("league")), pct=[302 / 542, None], league=[0.5675299078041443] * 2
    )
    assert out[0] == pytest.approx(-1.0334335848424692, rel=1e-12)
    assert out[1] is None


def test_made_share_needs_zone_attempts_and_makes() -> None:
    share = zones.made_share(pl.col("part"), pl.col("fg"), pl.col("total"))
    assert _values(share, part=[54, 0, 2, 0], fg=[90, 42, 4, 0], total=[174, 100, 0, 30]) == [60.0, 0.0, None, None]


@pytest.mark.parametrize(
    ("paint", "mid_range", "perimeter", "strongest", "weakest"),
    [
        (-1.0334335848424692, 1.4342868287639754, -1.5048688704645818, "perimeter", "mid_range"),  # T2
        (0.5, 0.5, -1.0, "perimeter", "paint"),  # T3c: the first of tied maxima
        (-1.0, -1.0, 0.5, "paint", "perimeter"),
        (0.2, 0.2, 0.2, "paint", "paint"),
        (None, None, -2.106553587672766, "perimeter", "perimeter"),  # T3b: one zone
        (None, 0.3, -0.3, "perimeter", "mid_range"),
        (None, None, None, None, None),
    ],
)
def test_strongest_and_weakest_zone(
    paint: float | None, mid_range: float | None, perimeter: float | None, strongest: str | None, weakest: str | None
) -> None:
    frame = pl.DataFrame({"p": [paint], "m": [mid_range], "t": [perimeter]}, schema=dict.fromkeys("pmt", pl.Float64))
    cols = (pl.col("p"), pl.col("m"), pl.col("t"))
    out = frame.select(zones.strongest_zone(*cols).alias("s"), zones.weakest_zone(*cols).alias("w")).row(0)
    assert out == (strongest, weakest)


def test_no_attempt_notes_lists_empty_zones_in_order() -> None:
    notes = zones.no_attempt_notes(pl.col("p"), pl.col("m"), pl.col("t"))
    assert _values(notes, p=[0, 10, 0, 5], m=[0, 3, 4, 0], t=[0, 8, 9, 0]) == [
        "No paint attempts; No mid-range attempts; No three-point attempts",
        None,
        "No paint attempts",
        "No mid-range attempts; No three-point attempts",
    ]


@pytest.mark.parametrize(
    ("paint", "mid_range", "three_pt", "zone"),
    [
        (47.12643678160919, 19.54022988505747, 33.33333333333333, "paint"),  # P1
        (30.0, 37.0, 33.0, "mid_range"),  # P2
        (39.996, 20.0, 40.004, "paint"),  # rounds to 40.00, paint is checked first
        (39.994, 20.006, 40.0, "perimeter"),
        (45.0, 10.0, 45.0, "paint"),
        (30.0, 34.995, 35.005, "mid_range"),  # 34.995 rounds half away to 35.00
        (30.0, 34.994, 35.006, "balanced"),
        (None, None, None, None),  # no zone attempts
        (0.0, 0.0, 0.0, None),
        (None, 100.0, None, "mid_range"),
    ],
)
def test_primary_scoring_zone(
    paint: float | None, mid_range: float | None, three_pt: float | None, zone: str | None
) -> None:
    frame = pl.DataFrame({"p": [paint], "m": [mid_range], "t": [three_pt]}, schema=dict.fromkeys("pmt", pl.Float64))
    assert frame.select(zones.primary_scoring_zone(pl.col("p"), pl.col("m"), pl.col("t"))).item() == zone
