"""The feature store's quality score, tier and primary data source (spec section 3).

All three read the per-feature source labels of a row (`feature_sources`, a list of
``phase4`` / ``phase3`` / ``calculated`` / ``default``, null = unlabelled).
"""

from __future__ import annotations

import polars as pl

from nbaray.features.feature_sets import CALCULATED, DEFAULT, PHASE3, PHASE4
from nbaray.schemas.columns import round_half_away

SOURCE_WEIGHTS = {PHASE4: 100.0, PHASE3: 75.0, CALCULATED: 100.0, DEFAULT: 40.0}  # points out of 100
UNKNOWN_SOURCE_WEIGHT = SOURCE_WEIGHTS[DEFAULT]  # an unknown or missing label weighs as a default
STORED_DECIMALS = 2  # the score's stored scale
TIERS = (("gold", 95.0), ("silver", 75.0), ("bronze", 50.0), ("poor", 25.0))  # lowest score of each tier
LOWEST_TIER = "unusable"
PHASE4_SHARE, PHASE4_PARTIAL_SHARE, PHASE3_SHARE = 0.90, 0.50, 0.50  # data_source cut-offs


def feature_quality_score(feature_sources: pl.Expr, feature_count: int) -> pl.Expr:
    """
    Mean source weight over the `feature_count` indices, 0-100; an unlabelled index weighs as a default.

    0.0 when no index is labelled. Unrounded; stored to 2 decimals.

    Examples
    --------
    >>> rows = pl.DataFrame({"feature_sources": [["phase4", "phase3", "calculated", "default"]]})
    >>> rows.select(feature_quality_score(pl.col("feature_sources"), 4)).item()
    78.75
    """
    weights = feature_sources.list.eval(
        pl.element().replace_strict(SOURCE_WEIGHTS, default=UNKNOWN_SOURCE_WEIGHT, return_dtype=pl.Float64)
    ).list.sum()
    unlisted = (feature_count - feature_sources.list.len()).clip(lower_bound=0)
    score = (weights + unlisted * UNKNOWN_SOURCE_WEIGHT) / feature_count
    return pl.when(_labelled(feature_sources) > 0).then(score).otherwise(0.0).alias("feature_quality_score")


def quality_tier(feature_quality_score: pl.Expr) -> pl.Expr:
    """gold >= 95, silver >= 75, bronze >= 50, poor >= 25, else unusable; judged on the stored score."""
    stored = round_half_away(feature_quality_score, STORED_DECIMALS)
    (top, top_min), *lower = TIERS
    tier = pl.when(stored >= top_min).then(pl.lit(top))
    for name, minimum in lower:
        tier = tier.when(stored >= minimum).then(pl.lit(name))
    return tier.otherwise(pl.lit(LOWEST_TIER)).alias("quality_tier")


def data_source(feature_sources: pl.Expr) -> pl.Expr:
    """Where most values came from: phase4 (>= 90 % Phase 4), phase4_partial (>= 50 %), phase3 (>= 50 %
    Phase 3), else mixed; unknown without labels. Shares are of the labelled features.

    Examples
    --------
    >>> rows = pl.DataFrame({"feature_sources": [["phase4"] * 16 + ["phase3"] * 3 + ["calculated"] * 6]})
    >>> rows.select(data_source(pl.col("feature_sources"))).item()
    'phase4_partial'
    """
    total = _labelled(feature_sources)
    phase4_share = _count(feature_sources, PHASE4) / total
    phase3_share = _count(feature_sources, PHASE3) / total
    return (
        pl.when(total == 0).then(pl.lit("unknown"))
        .when(phase4_share >= PHASE4_SHARE).then(pl.lit("phase4"))
        .when(phase4_share >= PHASE4_PARTIAL_SHARE).then(pl.lit("phase4_partial"))
        .when(phase3_share >= PHASE3_SHARE).then(pl.lit("phase3"))
        .otherwise(pl.lit("mixed"))
        .alias("data_source")
    )  # fmt: skip


def _labelled(feature_sources: pl.Expr) -> pl.Expr:
    return feature_sources.list.drop_nulls().list.len().fill_null(0)


def _count(feature_sources: pl.Expr, label: str) -> pl.Expr:
    return feature_sources.list.eval(pl.element() == label).list.sum()
