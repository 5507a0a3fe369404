from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbaray.features import fatigue

INPUTS = ["days_rest", "back_to_back", "games_in_last_7_days", "minutes_in_last_7_days",
          "avg_minutes_per_game_last_7", "back_to_backs_last_14_days", "player_age"]  # fmt: skip
SCHEMA = {"days_rest": pl.Int64, "back_to_back": pl.Boolean, "games_in_last_7_days": pl.Int64,
          "minutes_in_last_7_days": pl.Int64, "avg_minutes_per_game_last_7": pl.Float64,
          "back_to_backs_last_14_days": pl.Int64, "player_age": pl.Int64}  # fmt: skip


def scores(*contexts: dict) -> list[int]:
    rows = pl.DataFrame([{name: c.get(name) for name in INPUTS} for c in contexts], schema=SCHEMA)
    return rows.select(fatigue.fatigue_score(*(pl.col(n) for n in INPUTS))).to_series().to_list()


FRESH = {"days_rest": 2, "back_to_back": False, "games_in_last_7_days": 3, "minutes_in_last_7_days": 100,
         "avg_minutes_per_game_last_7": 30.0, "back_to_backs_last_14_days": 0, "player_age": 25}  # fmt: skip
contexts = st.fixed_dictionaries({
    "days_rest": st.none() | st.integers(0, 30), "back_to_back": st.none() | st.booleans(),
    "games_in_last_7_days": st.none() | st.integers(0, 7), "minutes_in_last_7_days": st.none() | st.integers(0, 350),
    "avg_minutes_per_game_last_7": st.none() | st.floats(0, 48),
    "back_to_backs_last_14_days": st.none() | st.integers(0, 5),
    "player_age": st.none() | st.integers(18, 45),
})  # fmt: skip


def test_fatigue_score_of_a_fresh_player_is_100() -> None:
    assert scores(FRESH) == [100]


def test_fatigue_score_rewards_three_days_off() -> None:
    assert scores(FRESH | {"days_rest": 3}) == [105 - 5]  # +5, then capped at 100
    assert scores(FRESH | {"days_rest": 3, "player_age": 31}) == [100]  # the bonus offsets the age penalty


def test_fatigue_score_matches_pcf_examples() -> None:
    pcf1 = {"days_rest": 1, "back_to_back": False, "games_in_last_7_days": 4, "minutes_in_last_7_days": 150,
            "avg_minutes_per_game_last_7": 37.5, "back_to_backs_last_14_days": 2, "player_age": 31}  # fmt: skip
    pcf2 = {"days_rest": 0, "back_to_back": True, "games_in_last_7_days": 4, "minutes_in_last_7_days": 250,
            "avg_minutes_per_game_last_7": 36.2, "back_to_backs_last_14_days": 2, "player_age": 36}  # fmt: skip
    assert scores(pcf1, pcf2, pcf1 | {"back_to_back": True}) == [65, 35, 50]


def test_fatigue_score_defaults_unknown_inputs() -> None:
    assert scores({}) == [100]  # 1 day rest, 3 games, 200 minutes, 30 per game, no back-to-backs, age 25


@pytest.mark.parametrize(("score", "adjustment"), [(100, 0.0), (80, -1.0), (50, -2.5), (0, -5.0)])
def test_fatigue_adjustment_maps_score_to_points(score: int, adjustment: float) -> None:
    assert pl.select(fatigue.fatigue_adjustment(pl.lit(score))).item() == adjustment


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(contexts)
def test_fatigue_score_stays_between_35_and_100(context: dict) -> None:
    (score,) = scores(context)
    assert 35 <= score <= 100


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(contexts, st.integers(0, 30), st.integers(0, 30))
def test_fatigue_score_more_rest_never_lowers_it(context: dict, a: int, b: int) -> None:
    less, more = scores(context | {"days_rest": min(a, b)}, context | {"days_rest": max(a, b)})
    assert more >= less


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(contexts)
def test_fatigue_score_back_to_back_never_raises_it(context: dict) -> None:
    fresh, tired = scores(context | {"back_to_back": False}, context | {"back_to_back": True})
    assert tired <= fresh


@pytest.mark.parametrize(("name", "low", "high"), [
    ("games_in_last_7_days", 0, 7), ("minutes_in_last_7_days", 0, 350), ("back_to_backs_last_14_days", 0, 5),
    ("player_age", 18, 45),
])  # fmt: skip
def test_fatigue_score_more_load_or_age_never_raises_it(name: str, low: int, high: int) -> None:
    @settings(deadline=None)  # a loaded machine must not fail a correct property
    @given(contexts, st.integers(low, high), st.integers(low, high))
    def check(context: dict, a: int, b: int) -> None:
        light, heavy = scores(context | {name: min(a, b)}, context | {name: max(a, b)})
        assert heavy <= light

    check()


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(contexts, st.floats(0, 48), st.floats(0, 48))
def test_fatigue_score_longer_games_never_raise_it(context: dict, a: float, b: float) -> None:
    short, long = scores(context | {"avg_minutes_per_game_last_7": min(a, b)},
                         context | {"avg_minutes_per_game_last_7": max(a, b)})  # fmt: skip
    assert long <= short
