from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbaray.features.shot_zone_mismatch import shot_zone_mismatch_score

ZONE_RATE = {"paint": "paint_rate_last_10", "mid_range": "mid_range_rate_last_10", "perimeter": "three_pt_rate_last_10"}
ZONE_DEFENSE = {"paint": "paint_defense_vs_league_avg", "mid_range": "mid_range_defense_vs_league_avg",
                "perimeter": "three_pt_defense_vs_league_avg"}  # fmt: skip
INPUTS = ["primary_scoring_zone", *ZONE_RATE.values(), *ZONE_DEFENSE.values(), "has_player_shot_zone",
          "has_opponent_defense"]  # fmt: skip
SCHEMA = {n: pl.Float64 for n in INPUTS} | {"primary_scoring_zone": pl.String, "has_player_shot_zone": pl.Boolean,
                                            "has_opponent_defense": pl.Boolean}  # fmt: skip


def scores(*rows: dict) -> list[float]:
    base = {"has_player_shot_zone": True, "has_opponent_defense": True}
    frame = pl.DataFrame([base | row for row in rows], schema=SCHEMA)
    return frame.select(shot_zone_mismatch_score(*(pl.col(n) for n in INPUTS))).to_series().to_list()


def matchup(zone: str, rate: float | None, defense: float | None) -> dict:
    rate_zone = zone if zone in ZONE_RATE else "paint"
    return {"primary_scoring_zone": zone, ZONE_RATE[rate_zone]: rate, ZONE_DEFENSE[rate_zone]: defense}


@pytest.mark.parametrize(("zone", "rate", "defense", "expected"), [
    ("paint", 65.0, 4.3, 4.3),  # full weight
    ("paint", 70.0, 6.0, 7.2),  # beyond 5 points: amplified by 1.2
    ("paint", 25.0, 4.0, 2.0),  # half weight
    ("perimeter", 55.0, 3.5, 3.5),
    ("mid_range", 50.0, -9.0, -10.0),  # -10.8 capped
    ("paint", 62.0, 4.6, 4.6),  # PCF-1
    ("perimeter", 45.0, -8.0, -8.64),  # PCF-2
    ("balanced", 35.0, -2.0, -1.4),  # PCF-3: balanced uses the paint
    ("paint", None, 4.0, 4.0),  # unknown rate counts as 50 %
])  # fmt: skip
def test_shot_zone_mismatch_score_unit_cases(zone: str, rate: float | None, defense: float, expected: float) -> None:
    assert scores(matchup(zone, rate, defense)) == [pytest.approx(expected)]


def test_shot_zone_mismatch_score_is_zero_without_both_rows() -> None:
    row = matchup("paint", 80.0, 8.0)
    assert scores(row | {"has_player_shot_zone": False}, row | {"has_opponent_defense": False}) == [0.0, 0.0]


def test_shot_zone_mismatch_score_caps_at_ten() -> None:
    assert scores(matchup("paint", 90.0, 25.0)) == [10.0]


rates = st.none() | st.floats(0, 100)
defenses = st.none() | st.floats(-40, 40)
zones = st.sampled_from(["paint", "mid_range", "perimeter", "balanced", None])


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(zones, rates, defenses)
def test_shot_zone_mismatch_score_stays_within_ten(zone: str | None, rate: float | None, defense: float | None) -> None:
    (score,) = scores(matchup(zone or "paint", rate, defense) | {"primary_scoring_zone": zone})
    assert -10.0 <= score <= 10.0


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(zones, rates, st.floats(-40, 40), st.floats(-40, 40))
def test_shot_zone_mismatch_score_weaker_defence_never_lowers_it(zone, rate, a: float, b: float) -> None:
    strong, weak = scores(matchup(zone or "paint", rate, min(a, b)), matchup(zone or "paint", rate, max(a, b)))
    assert weak >= strong


@settings(deadline=None)  # a loaded machine must not fail a correct property
@given(zones, st.floats(-40, 40), st.floats(0, 100), st.floats(0, 100))
def test_shot_zone_mismatch_score_more_shots_in_the_zone_never_shrink_it(
    zone, defense: float, a: float, b: float
) -> None:
    rare, often = scores(matchup(zone or "paint", min(a, b), defense), matchup(zone or "paint", max(a, b), defense))
    assert abs(often) >= abs(rare)
