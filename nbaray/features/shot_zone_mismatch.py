"""The shot-zone mismatch factor of composite factors: the player's main zone against the opponent's defence there.

Positive when the opponent allows a higher FG% than the league in the zone the player shoots
from most; weighted by how much of his shooting comes from that zone; in [-10, 10].
"""

from __future__ import annotations

import polars as pl

FULL_WEIGHT_RATE = 50.0  # percent of the player's shots; from here on the zone gets full weight
DEFAULT_ZONE_RATE = 50.0  # percent, when the player's rate is unknown
AMPLIFY_ABOVE = 5.0  # points; beyond this the mismatch is extreme and amplified
AMPLIFIER = 1.2
SCORE_LIMIT = 10.0


def shot_zone_mismatch_score(
    primary_scoring_zone: pl.Expr,
    paint_rate_last_10: pl.Expr,
    mid_range_rate_last_10: pl.Expr,
    three_pt_rate_last_10: pl.Expr,
    paint_defense_vs_league_avg: pl.Expr,
    mid_range_defense_vs_league_avg: pl.Expr,
    three_pt_defense_vs_league_avg: pl.Expr,
    has_player_shot_zone: pl.Expr,
    has_opponent_defense: pl.Expr,
) -> pl.Expr:
    """Opponent defence (pp vs league) in the player's primary zone x min(zone rate / 50, 1); 0 without both rows.

    'balanced', an unknown or a missing zone uses the paint, as the reference does.
    """
    rate = (
        pl.when(primary_scoring_zone == "mid_range").then(mid_range_rate_last_10)
        .when(primary_scoring_zone == "perimeter").then(three_pt_rate_last_10)
        .otherwise(paint_rate_last_10)
    )  # fmt: skip
    defense = (
        pl.when(primary_scoring_zone == "mid_range").then(mid_range_defense_vs_league_avg)
        .when(primary_scoring_zone == "perimeter").then(three_pt_defense_vs_league_avg)
        .otherwise(paint_defense_vs_league_avg)
    )  # fmt: skip
    weight = pl.min_horizontal(rate.cast(pl.Float64).fill_null(DEFAULT_ZONE_RATE) / FULL_WEIGHT_RATE, pl.lit(1.0))
    raw = defense.cast(pl.Float64).fill_null(0.0) * weight
    amplified = pl.when(raw.abs() > AMPLIFY_ABOVE).then(AMPLIFIER * raw).otherwise(raw)
    both = has_player_shot_zone.fill_null(False) & has_opponent_defense.fill_null(False)
    return pl.when(both).then(amplified.clip(-SCORE_LIMIT, SCORE_LIMIT)).otherwise(0.0)
