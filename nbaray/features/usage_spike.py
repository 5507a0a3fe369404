"""The usage-spike factor of composite factors: projected usage against recent usage, in [-3, 3].

A player expected to use more of his team's plays than lately (e.g. stars sitting out) scores
more. With no projection the factor is 0 (D6), not the reference's 0.3 x (25 - recent usage).
"""

from __future__ import annotations

import polars as pl

POINTS_PER_USAGE_POINT = 0.3
DEFAULT_RECENT_USAGE = 25.0  # percent, when the recent baseline is unknown
ONE_STAR_OUT_BOOST = 1.15
TWO_STARS_OUT_BOOST = 1.30
SCORE_LIMIT = 3.0


def usage_spike_score(
    projected_usage_rate: pl.Expr, avg_usage_rate_last_7_games: pl.Expr, star_teammates_out: pl.Expr
) -> pl.Expr:
    """0.3 x (projected - recent usage), boosted when it is positive and stars are out; 0 without a projection."""
    baseline = avg_usage_rate_last_7_games.cast(pl.Float64).fill_null(DEFAULT_RECENT_USAGE)
    # A baseline of exactly 0 means no usage was recorded, so there is no spike to measure.
    difference = pl.when(baseline != 0).then(projected_usage_rate.cast(pl.Float64) - baseline).otherwise(0.0)
    spike = POINTS_PER_USAGE_POINT * difference
    stars = star_teammates_out.fill_null(0)
    boost = pl.when(stars >= 2).then(TWO_STARS_OUT_BOOST).otherwise(ONE_STAR_OUT_BOOST)
    boosted = pl.when((stars > 0) & (spike > 0)).then(spike * boost).otherwise(spike)
    return pl.when(projected_usage_rate.is_null()).then(0.0).otherwise(boosted.clip(-SCORE_LIMIT, SCORE_LIMIT))
