"""The feature list: declared once, in the spec's index order, with the spec's sources and defaults (D10)."""

from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import calculated, phase3_fallbacks
from nbaray.features.feature_sets import (
    FEATURE_VERSION,
    V1_BASELINE_25,
    Feature,
    FeatureSet,
    Phase4Column,
    derived,
    percent_to_fraction,
)

SPEC_ORDER = [
    "points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10", "games_in_last_7_days",
    "fatigue_score", "shot_zone_mismatch_score", "pace_score", "usage_spike_score", "rest_advantage",
    "injury_risk", "recent_trend", "minutes_change", "opponent_def_rating", "opponent_pace", "home_away",
    "back_to_back", "playoff_game", "pct_paint", "pct_mid_range", "pct_three", "pct_free_throw", "team_pace",
    "team_off_rating", "team_win_pct",
]  # fmt: skip
PDC, PCF, PSZA, TDZA = (
    "player_daily_cache", "player_composite_factors", "player_shot_zone_analysis", "team_defense_zone_analysis"
)  # fmt: skip
# spec 2.6: index -> (Phase 4 sources, default)
SPEC_PHASE4 = {
    0: ([(PDC, "points_avg_last_5")], 10.0), 1: ([(PDC, "points_avg_last_10")], 10.0),
    2: ([(PDC, "points_avg_season")], 10.0), 3: ([(PDC, "points_std_last_10")], 5.0),
    4: ([(PDC, "games_in_last_7_days")], 3.0), 5: ([(PCF, "fatigue_score")], 50.0),
    6: ([(PCF, "shot_zone_mismatch_score")], 0.0), 7: ([(PCF, "pace_score")], 0.0),
    8: ([(PCF, "usage_spike_score")], 0.0), 13: ([(TDZA, "defensive_rating_last_15")], 112.0),
    14: ([(TDZA, "opponent_pace")], 100.0), 18: ([(PSZA, "paint_rate_last_10"), (PDC, "paint_rate_last_10")], 30.0),
    19: ([(PSZA, "mid_range_rate_last_10")], 20.0),
    20: ([(PSZA, "three_pt_rate_last_10"), (PDC, "three_pt_rate_last_10")], 35.0),
    22: ([(PDC, "team_pace_last_10")], 100.0), 23: ([(PDC, "team_off_rating_last_10")], 112.0),
}  # fmt: skip
CALCULATED = {9, 10, 11, 12, 21, 24}
ALWAYS_PHASE3 = {15, 16, 17}
WITH_PHASE3_FALLBACK = {0, 1, 2}


def test_v1_baseline_25_has_25_unique_names_in_spec_order() -> None:
    assert list(V1_BASELINE_25.names) == SPEC_ORDER
    assert len(V1_BASELINE_25) == 25 == len(set(V1_BASELINE_25.names))
    assert FEATURE_VERSION == V1_BASELINE_25.version == "v1_baseline_25"


@pytest.mark.parametrize("index", sorted(SPEC_PHASE4))
def test_phase4_sources_and_defaults_match_spec(index: int) -> None:
    feature = V1_BASELINE_25.features[index]
    sources, default = SPEC_PHASE4[index]
    assert [(c.table, c.column) for c in feature.phase4] == sources
    assert feature.default == default
    assert feature.calculated is None
    assert (feature.phase3 is not None) == (index in WITH_PHASE3_FALLBACK)
    assert (feature.transform is percent_to_fraction) == (index in {18, 19, 20})


def test_calculated_and_phase3_only_features() -> None:
    for index, feature in enumerate(V1_BASELINE_25.features):
        assert (feature.calculated is not None) == (index in CALCULATED), feature.name
        if index in ALWAYS_PHASE3:
            assert (feature.phase4, feature.default, feature.phase3 is not None) == ((), None, True)
    by_name = {f.name: f for f in V1_BASELINE_25.features}
    assert by_name["minutes_change"].calculated.inputs == (
        Phase4Column(PDC, "minutes_avg_last_10"), "last_10_minutes", "season_minutes_avg")  # fmt: skip
    assert by_name["team_win_pct"].calculated.function is calculated.team_win_pct
    assert by_name["home_away"].phase3.function is phase3_fallbacks.home_away


def test_phase4_columns_lists_each_column_once_including_calculation_inputs() -> None:
    columns = V1_BASELINE_25.phase4_columns
    assert len(columns) == len(set(columns))
    assert Phase4Column(PDC, "minutes_avg_last_10") in columns
    assert {c.table for c in columns} == {PDC, PCF, PSZA, TDZA}


def test_a_later_version_extends_without_rewriting() -> None:
    extra = Feature("vegas_points_line", default=0.0)
    v2 = V1_BASELINE_25.extended("v2_26features", extra)
    assert v2.names[:25] == V1_BASELINE_25.names
    assert v2.features[:25] == V1_BASELINE_25.features
    assert (v2.names[25], len(v2), v2.version) == ("vegas_points_line", 26, "v2_26features")
    with pytest.raises(ValueError, match="duplicate"):
        V1_BASELINE_25.extended("bad", Feature("recent_trend", default=0.0))


def test_feature_declarations_are_checked() -> None:
    with pytest.raises(ValueError, match="Phase 3 value or a default"):
        Feature("no_fallback", (Phase4Column(PDC, "x"),))
    with pytest.raises(ValueError, match="no fallback chain"):
        Feature("both", calculated=derived(calculated.team_win_pct), default=0.5)
    with pytest.raises(ValueError, match="takes 2 inputs"):
        derived(calculated.team_win_pct, "only_one")


def test_feature_set_is_the_single_source_of_names() -> None:
    assert isinstance(V1_BASELINE_25, FeatureSet)
    frame = pl.DataFrame({"x": [1]})
    from nbaray.features.feature_vector import feature_names

    assert frame.select(feature_names(V1_BASELINE_25)).item().to_list() == SPEC_ORDER
