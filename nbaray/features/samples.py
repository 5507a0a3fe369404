"""A window's sample of games: how far it is from its target size, and exact means of decimal stats."""

from __future__ import annotations

import polars as pl


def sample_quality(games: pl.Expr, target: int) -> pl.Expr:
    """
    excellent (>= target), good (>= floor(0.7 target)), limited (>= floor(0.5 target)), else insufficient.

    Examples
    --------
    >>> pl.DataFrame({"games": [20, 14, 10, 9]}).select(q=sample_quality(pl.col("games"), 20))["q"].to_list()
    ['excellent', 'good', 'limited', 'insufficient']
    """
    return (
        pl.when(games >= target).then(pl.lit("excellent"))
        .when(games >= target * 7 // 10).then(pl.lit("good"))
        .when(games >= target // 2).then(pl.lit("limited"))
        .otherwise(pl.lit("insufficient"))
    )  # fmt: skip


def data_quality_tier(games: pl.Expr, *, high: int, medium: int) -> pl.Expr:
    """high with at least `high` games, medium with at least `medium`, else low."""
    return (
        pl.when(games >= high)
        .then(pl.lit("high"))
        .when(games >= medium)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("low"))
    )


def decimal_mean(values: pl.Expr, scale: int) -> pl.Expr:
    """
    Mean of the non-NULL values of a NUMERIC(p, `scale`) column: float(exact decimal sum) / count.

    Use in ``agg``. The Float64 inputs hold decimals with `scale` digits; summing them as scaled
    integers keeps the sum exact, as a decimal type would, and one division by ``count * 10**scale``
    gives the correctly rounded mean (Polars divides by a literal through its reciprocal, which
    can be one unit in the last place off). NULL when every value is NULL.

    Examples
    --------
    >>> pl.DataFrame({"rating": [110.1, 110.2, None]}).select(decimal_mean(pl.col("rating"), 2)).item()
    110.15
    """
    factor = 10**scale
    exact_sum = (values * factor).round().cast(pl.Int64).sum()
    count = values.count()
    return pl.when(count > 0).then(exact_sum / (count * factor))
