"""Calculated features 9-12, 21, 24: the spec's Example A and its edge cases, as D5 re-derives them."""

from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import calculated

# Example A: the player's 10 games before 2024-01-15, newest first
POINTS = [12, 15, 9, 20, 22, 18, 14, 16, 11, 13]
FT_MAKES = [2, 5, 1, 6, 4, 3, 2, 4, 1, 2]
MINUTES = [30, 32, 28, 34, 35, 31, 29, 33, 27, 30]


def evaluate(expr: pl.Expr, **columns: object) -> object:
    """The expression on a one-row frame whose columns are the keyword arguments."""
    return pl.DataFrame({name: [value] for name, value in columns.items()}, strict=False).select(expr).item()


def c(name: str) -> pl.Expr:
    return pl.col(name)


def test_rest_advantage_example_a_is_minus_one() -> None:
    assert evaluate(calculated.rest_advantage(c("p"), c("o")), p=1, o=2) == -1.0


@pytest.mark.parametrize(
    ("player", "opponent", "expected"), [(5, 1, 2.0), (1, 5, -2.0), (3, None, 0.0), (None, 2, 0.0)]
)
def test_rest_advantage_clamps_and_is_zero_when_unknown(player, opponent, expected) -> None:
    frame = pl.DataFrame({"p": [player], "o": [opponent]}, schema={"p": pl.Int64, "o": pl.Int64})
    assert frame.select(calculated.rest_advantage(c("p"), c("o"))).item() == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [("Questionable", 2.0), ("available", 0.0), ("PROBABLE", 1.0), ("doubtful", 3.0), ("Out", 3.0),
     ("day-to-day", 0.0), ("", 0.0), (None, 0.0)],
)  # fmt: skip
def test_injury_risk_maps_lower_cased_status(status, expected) -> None:
    frame = pl.DataFrame({"s": [status]}, schema={"s": pl.String})
    assert frame.select(calculated.injury_risk(c("s"))).item() == expected


def test_recent_trend_example_a_under_d5_is_minus_one() -> None:
    # A = (12 + 15) / 2 = 13.5, B = (9 + 20 + 22) / 3 = 17.0, diff = -3.5: scoring less lately
    assert evaluate(calculated.recent_trend(c("points")), points=POINTS) == -1.0


@pytest.mark.parametrize(
    ("points", "expected"),
    [([25, 24, 26, 18, 17], 1.0),  # the spec's unit case re-derived: A 24.5, B 20.33, diff +4.17
     ([30, 30, 20, 20, 20], 2.0), ([20, 20, 20, 20, 20], 0.0), ([10, 10, 20, 20, 20], -2.0),
     ([22, 22, 20, 20, 20], 1.0), ([18, 18, 20, 20, 20], -1.0),
     ([30, 30, 10, 10], 0.0),  # fewer than 5 games
     ([12, None, 10, 10, 10, 99], -1.0)],  # missing points count as 0: A 6, B 10; game 6 unread
)  # fmt: skip
def test_recent_trend_compares_two_newest_with_games_three_to_five(points, expected) -> None:
    frame = pl.DataFrame({"points": [points]}, schema={"points": pl.List(pl.Int64)})
    assert frame.select(calculated.recent_trend(c("points"))).item() == expected


def test_recent_trend_without_games_is_zero() -> None:
    frame = pl.DataFrame({"points": [None]}, schema={"points": pl.List(pl.Float64)})
    assert frame.select(calculated.recent_trend(c("points"))).item() == 0.0


def test_minutes_change_example_a_from_games_is_plus_one() -> None:
    # no daily-cache row: m_recent = 309 / 10 = 30.9 against the season's 27.5 -> r = 0.1236
    frame = pl.DataFrame(
        {"pdc": [None], "minutes": [MINUTES], "season": [27.5]},
        schema={"pdc": pl.Float64, "minutes": pl.List(pl.Float64), "season": pl.Float64},
    )
    assert frame.select(calculated.minutes_change(c("pdc"), c("minutes"), c("season"))).item() == 1.0


@pytest.mark.parametrize(
    ("pdc", "minutes", "season", "expected"),
    [(22.0, MINUTES, 28.0, -2.0),  # the daily cache wins over the games: r = -0.2143
     (None, MINUTES, None, 0.0),  # unknown season average
     (None, [], 28.0, 0.0),  # no recent minutes at all
     (31.0, [], 28.0, 1.0), (34.0, [], 28.0, 2.0), (25.0, [], 28.0, -1.0), (27.0, [], 28.0, 0.0)],
)  # fmt: skip
def test_minutes_change_steps(pdc, minutes, season, expected) -> None:
    frame = pl.DataFrame(
        {"pdc": [pdc], "minutes": [minutes], "season": [season]},
        schema={"pdc": pl.Float64, "minutes": pl.List(pl.Float64), "season": pl.Float64},
    )
    assert frame.select(calculated.minutes_change(c("pdc"), c("minutes"), c("season"))).item() == expected


def test_pct_free_throw_example_a_is_one_fifth() -> None:
    assert evaluate(calculated.pct_free_throw(c("ft"), c("points")), ft=FT_MAKES, points=POINTS) == 0.2


@pytest.mark.parametrize(
    ("ft", "points", "expected"),
    [([1, 1, 1, 1], [10, 10, 10, 10], 0.15),  # only 4 prior games
     ([8, 8, 8, 8, 8], [14, 14, 14, 14, 14], 0.5),  # 40 of 70 points -> 0.5714, capped
     ([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], 0.15),  # no points
     ([1, 0, 0, 0, 0], [3, 0, 0, 0, 0], 0.333333333)],  # round9
)  # fmt: skip
def test_pct_free_throw_edges(ft, points, expected) -> None:
    assert evaluate(calculated.pct_free_throw(c("ft"), c("points")), ft=ft, points=points) == expected


def test_team_win_pct_example_a_is_computed_not_constant() -> None:
    assert evaluate(calculated.team_win_pct(c("wins"), c("games")), wins=17, games=30) == 0.566666667


@pytest.mark.parametrize(("wins", "games", "expected"), [(4, 4, 0.5), (None, None, 0.5), (0, 5, 0.0), (5, 5, 1.0)])
def test_team_win_pct_needs_five_games(wins, games, expected) -> None:
    frame = pl.DataFrame({"wins": [wins], "games": [games]}, schema={"wins": pl.Int64, "games": pl.Int64})
    assert frame.select(calculated.team_win_pct(c("wins"), c("games"))).item() == expected
