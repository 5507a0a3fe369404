"""The baselines: the averages are features 1 and 2, rules_v1 is the reference's rules system without its noise."""

from __future__ import annotations

import numpy as np
import pytest

from nbaray.features.feature_sets import V1_BASELINE_25
from nbaray.train.baselines import BASELINES, avg_last_10, avg_season, rules_v1

NAMES = V1_BASELINE_25.names
# The vector of spec section 4, example B (a home game, no back-to-back, fatigue 82, opponent rating 114.25).
EXAMPLE = [15.6, 15.0, 14.2, 5.0, 3.0, 82.0, 1.5, 0.5, -0.3, -1.0, 2.0, 2.0, 1.0, 114.25, 99.8, 1.0, 0.0, 0.0, 0.30,
           0.20, 0.35, 0.2, 100.0, 112.0, 0.5]  # fmt: skip


def _vector(**changes: float) -> np.ndarray:
    values = list(EXAMPLE)
    for name, value in changes.items():
        values[NAMES.index(name)] = value
    return np.array([values])


def test_avg_last_10_and_avg_season_are_features_1_and_2() -> None:
    features = _vector()
    assert avg_last_10(features, NAMES)[0] == 15.0
    assert avg_season(features, NAMES)[0] == 14.2


def test_rules_v1_adds_the_adjustments_to_the_weighted_average() -> None:
    # 0.35*15.6 + 0.40*15.0 + 0.25*14.2 = 15.01; zone mismatch 1.5*0.35 = 0.525; pace 0.5*0.08 = 0.04;
    # usage spike -0.3*0.25 = -0.075; home +1.0; fatigue 82, rating 114.25 and shot mix: no adjustment.
    assert rules_v1(_vector(), NAMES)[0] == pytest.approx(16.5)


def test_rules_v1_penalties_of_a_tired_away_shooter_against_an_elite_defence() -> None:
    features = _vector(
        points_avg_last_5=20.0, points_avg_last_10=20.0, points_avg_season=20.0, fatigue_score=45.0,
        shot_zone_mismatch_score=0.0, pace_score=0.0, usage_spike_score=0.0, opponent_def_rating=105.0,
        home_away=0.0, back_to_back=1.0, pct_three=0.45,
    )  # fmt: skip
    # fatigue < 50: -2.5; rating < 108: -1.5; back-to-back -2.2; away -0.6; 45 % threes vs rating < 110: -0.5
    assert rules_v1(features, NAMES)[0] == pytest.approx(20.0 - 7.3)


def test_rules_v1_paint_scorer_against_a_weak_interior() -> None:
    features = _vector(fatigue_score=75.0, opponent_def_rating=119.0, pct_paint=0.50, usage_spike_score=6.0)
    # weak defence (> 118) +1.0, paint 50 % vs rating > 115 +0.8, strong usage spike 6 * 0.35 = 2.1
    expected = 15.01 + 0.525 + 0.04 + 1.0 + 1.0 + 0.8 + 2.1
    assert rules_v1(features, NAMES)[0] == pytest.approx(expected)


def test_rules_v1_is_clamped_and_deterministic() -> None:
    low = _vector(points_avg_last_5=0.0, points_avg_last_10=0.0, points_avg_season=0.0, home_away=0.0)
    high = _vector(points_avg_last_5=90.0, points_avg_last_10=90.0, points_avg_season=90.0)
    assert rules_v1(low, NAMES)[0] == 0.0
    assert rules_v1(high, NAMES)[0] == 60.0
    many = np.repeat(_vector(), 50, axis=0)
    assert np.all(rules_v1(many, NAMES) == rules_v1(_vector(), NAMES)[0])  # no noise


@pytest.mark.parametrize(
    ("baseline", "needed"),
    [("avg_last_10", "points_avg_last_10"), ("avg_season", "points_avg_season"), ("rules_v1", "fatigue_score")],
)
def test_a_baseline_names_the_feature_it_misses(baseline: str, needed: str) -> None:
    short = [n for n in NAMES if n != needed]
    with pytest.raises(ValueError, match=needed):
        BASELINES[baseline](np.zeros((1, len(short))), short)
