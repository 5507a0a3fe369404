"""The baselines a trained model must beat, each a function of the feature vector alone (D11).

- `avg_last_10`: the 10-game scoring average (feature 1).
- `avg_season`: the season scoring average (feature 2).
- `rules_v1`: the hand-written rules system the reference ran in production as `xgboost_v1`
  (`predictions/shared/mock_xgboost_model.py`), whose graded predictions are the reference's
  4.27 MAE (spec 5.6). It is a weighted recent-scoring baseline plus rule-based adjustments,
  clamped to [0, 60].

`rules_v1` here uses the weights of the graded (4.27) version: back-to-back -2.2, home +1.0
(away -0.6), fatigue -2.5 below 50, opponent rating below 108 -1.5 (spec 5.6). The spec lists the
later "improved" set (back-to-back -2.5, home +1.3, usage spike x 0.30 / 0.45) only as what sat in
the file at the reference commit, after the graded predictions were made; bands the spec only names
are taken from the graded version of that file. Differences from the reference:

- **Deterministic**: the reference added `normal(0, 0.3)` noise to every prediction; that noise
  only adds error, so it is left out and the same vector always gives the same prediction.
- **Inputs by name** from the feature store's vector. The reference read its own 25-slot layout;
  two of its inputs are not in `v1_baseline_25`: the 10-game minutes average (so the minutes
  bands, +0.8 above 36 and -1.2 below 25, never apply) and the usage rate (so the pace weight is
  that of a player under 28 % usage, 0.08, which is also what the reference's default of 25 gave).
- Shot-zone shares are fractions in the store and percentages in the reference: the paint and
  three-point thresholds (45, 40) are compared to share x 100.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

MIN_POINTS, MAX_POINTS = 0.0, 60.0  # the rules system's clamp


@dataclass(frozen=True)
class RulesWeights:
    """The rules system's constants; the defaults are the graded (4.27 MAE) version's."""

    last_5: float = 0.35  # baseline weight of points_avg_last_5
    last_10: float = 0.40
    season: float = 0.25
    heavy_fatigue_below: float = 50.0  # fatigue_score, 100 = fresh
    heavy_fatigue: float = -2.5
    moderate_fatigue_below: float = 70.0
    moderate_fatigue: float = -1.0
    rested_above: float = 85.0
    rested: float = 0.5
    zone_mismatch: float = 0.35  # per point of shot_zone_mismatch_score
    pace: float = 0.08  # per point of pace_score (the under-28 %-usage weight; usage is not in the vector)
    usage_spike_strong_above: float = 5.0  # |usage_spike_score|
    usage_spike_strong: float = 0.35
    usage_spike_weak: float = 0.25
    elite_defense_below: float = 108.0  # opponent defensive rating
    elite_defense: float = -1.5
    weak_defense_above: float = 118.0
    weak_defense: float = 1.0
    back_to_back: float = -2.2
    home: float = 1.0
    away: float = -0.6
    paint_heavy_above_pct: float = 45.0  # paint share of shots, percent
    weak_interior_above: float = 115.0  # opponent defensive rating
    paint_vs_weak_interior: float = 0.8
    perimeter_heavy_above_pct: float = 40.0  # three-point share of shots, percent
    strong_perimeter_below: float = 110.0
    perimeter_vs_elite_defense: float = -0.5


RULES_V1 = RulesWeights()


def _column(features: np.ndarray, names: Sequence[str], name: str) -> np.ndarray:
    try:
        return features[:, list(names).index(name)]
    except ValueError:
        raise ValueError(f"the feature vector has no {name!r}; it has {list(names)}") from None


def avg_last_10(features: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The player's mean points over his 10 newest games before D (feature 1)."""
    return _column(features, names, "points_avg_last_10").copy()


def avg_season(features: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The player's mean points this season before D (feature 2)."""
    return _column(features, names, "points_avg_season").copy()


def rules_v1(features: np.ndarray, names: Sequence[str], weights: RulesWeights = RULES_V1) -> np.ndarray:
    """The reference's hand-written rules system (module docstring), vectorised over rows."""
    w = weights

    def col(name: str) -> np.ndarray:
        return _column(features, names, name)

    baseline = (
        w.last_5 * col("points_avg_last_5")
        + w.last_10 * col("points_avg_last_10")
        + w.season * col("points_avg_season")
    )
    fatigue = col("fatigue_score")
    fatigue_adj = np.select(
        [fatigue < w.heavy_fatigue_below, fatigue < w.moderate_fatigue_below, fatigue > w.rested_above],
        [w.heavy_fatigue, w.moderate_fatigue, w.rested],
        0.0,
    )
    spike = col("usage_spike_score")
    usage_adj = spike * np.where(np.abs(spike) > w.usage_spike_strong_above, w.usage_spike_strong, w.usage_spike_weak)
    rating = col("opponent_def_rating")
    defense_adj = np.select(
        [rating < w.elite_defense_below, rating > w.weak_defense_above], [w.elite_defense, w.weak_defense], 0.0
    )
    back_to_back_adj = np.where(col("back_to_back") > 0.5, w.back_to_back, 0.0)
    venue_adj = np.where(col("home_away") > 0.5, w.home, w.away)
    paint_pct, three_pct = 100.0 * col("pct_paint"), 100.0 * col("pct_three")
    shot_adj = np.select(
        [
            (paint_pct > w.paint_heavy_above_pct) & (rating > w.weak_interior_above),
            (three_pct > w.perimeter_heavy_above_pct) & (rating < w.strong_perimeter_below),
        ],
        [w.paint_vs_weak_interior, w.perimeter_vs_elite_defense],
        0.0,
    )
    predicted = (
        baseline
        + fatigue_adj
        + w.zone_mismatch * col("shot_zone_mismatch_score")
        + w.pace * col("pace_score")
        + usage_adj
        + defense_adj
        + back_to_back_adj
        + venue_adj
        + shot_adj
    )
    return np.clip(predicted, MIN_POINTS, MAX_POINTS)


Baseline = Callable[[np.ndarray, Sequence[str]], np.ndarray]

BASELINES: dict[str, Baseline] = {"avg_last_10": avg_last_10, "avg_season": avg_season, "rules_v1": rules_v1}
