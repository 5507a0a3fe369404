"""Shot zones: shooting by court zone, where a team defends best and worst, where a player scores.

The court has three zones: the paint (<= 8 ft), mid-range (other 2-pt shots) and three-point.
Functions take window totals (sums over a window's games, NULL stats counted as 0) unless the
docstring says otherwise, so they work in ``agg`` on sums or in ``with_columns`` on summed columns.
"""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import round_half_away

ZONES: tuple[str, ...] = ("paint", "mid_range", "three_pt")  # column prefixes in Phase 3 and Phase 4

# Team defence names the three-point zone "perimeter"; this order also breaks ties (2A.6).
DEFENSE_ZONE_LABELS: tuple[str, ...] = ("paint", "mid_range", "perimeter")

PAINT_ZONE_MIN_RATE = 40.0  # percent of zone attempts; checked first
PERIMETER_ZONE_MIN_RATE = 40.0  # checked second
MID_RANGE_ZONE_MIN_RATE = 35.0  # checked third; otherwise "balanced"


def shooting_pct(makes: pl.Expr, attempts: pl.Expr) -> pl.Expr:
    """
    Made / attempted field goals, a 0-1 fraction; NULL when nothing was attempted.

    Examples
    --------
    >>> pl.DataFrame({"m": [52, 0], "a": [82, 0]}).select(pct=shooting_pct(pl.col("m"), pl.col("a")))["pct"].to_list()
    [0.6341463414634146, None]
    """
    return pl.when(attempts > 0).then(makes / attempts)


def league_shooting_pct(makes: pl.Expr, attempts: pl.Expr) -> pl.Expr:
    """Made / attempted over a group's rows with SQL NULLs: NULL if all makes or all attempts are NULL, or no attempts.

    Use in ``agg`` on per-game rows. Unlike the window totals elsewhere, a team whose makes were
    never recorded gets NULL here, which keeps it out of the league average (2A.4).
    """
    made = pl.when(makes.count() > 0).then(makes.sum())
    tried = pl.when(attempts.count() > 0).then(attempts.sum())
    return pl.when(tried > 0).then(made / tried)


def zone_rate(zone_attempts: pl.Expr, total_attempts: pl.Expr) -> pl.Expr:
    """Percent (0-100) of all zone attempts taken from one zone; NULL when there were none.

    Computed as ``(a / T) * 100`` in that order, which fixes the last bit of the double.
    """
    return pl.when(total_attempts > 0).then(zone_attempts / total_attempts * 100)


def made_share(part_makes: pl.Expr, fg_makes: pl.Expr, total_attempts: pl.Expr) -> pl.Expr:
    """Percent (0-100) of made field goals that were of one kind (assisted, unassisted).

    NULL without made field goals, and without zone attempts: a window with no zone data has no
    shot profile at all (2B.4).
    """
    return pl.when((total_attempts > 0) & (fg_makes > 0)).then(part_makes / fg_makes * 100)


def per_game(total: pl.Expr, games: pl.Expr) -> pl.Expr:
    """A window total divided by the games in the window (rows, even with NULL stats); NULL with no games."""
    return pl.when(games > 0).then(total / games)


def vs_league_avg(pct: pl.Expr, league_avg_pct: pl.Expr) -> pl.Expr:
    """Fraction allowed minus the league's, in percentage points; positive = allows more (worse defence)."""
    return (pct - league_avg_pct) * 100


def strongest_zone(paint: pl.Expr, mid_range: pl.Expr, perimeter: pl.Expr) -> pl.Expr:
    """
    The zone with the lowest vs-league value (best defence), ignoring NULLs; ties go to the earlier zone.

    Examples
    --------
    >>> pl.select(strongest_zone(pl.lit(0.5), pl.lit(0.5), pl.lit(-1.0))).item()
    'perimeter'
    """
    return _zone_at(pl.min_horizontal(paint, mid_range, perimeter), paint, mid_range, perimeter)


def weakest_zone(paint: pl.Expr, mid_range: pl.Expr, perimeter: pl.Expr) -> pl.Expr:
    """
    The zone with the highest vs-league value (worst defence), ignoring NULLs; ties go to the earlier zone.

    Examples
    --------
    >>> pl.select(weakest_zone(pl.lit(0.5), pl.lit(0.5), pl.lit(-1.0))).item()
    'paint'
    """
    return _zone_at(pl.max_horizontal(paint, mid_range, perimeter), paint, mid_range, perimeter)


def no_attempt_notes(paint_attempts: pl.Expr, mid_range_attempts: pl.Expr, three_pt_attempts: pl.Expr) -> pl.Expr:
    """``'; '``-joined notes for each zone without attempts in the window, in zone order; NULL if none."""
    notes = [
        pl.when(attempts == 0).then(pl.lit(note))
        for attempts, note in (
            (paint_attempts, "No paint attempts"),
            (mid_range_attempts, "No mid-range attempts"),
            (three_pt_attempts, "No three-point attempts"),
        )
    ]
    joined = pl.concat_str(notes, separator="; ", ignore_nulls=True)
    return pl.when(joined != "").then(joined)


def primary_scoring_zone(paint_rate: pl.Expr, mid_range_rate: pl.Expr, three_pt_rate: pl.Expr) -> pl.Expr:
    """
    Where a player takes his shots: paint, perimeter, mid_range or balanced; NULL without zone attempts.

    Takes the unrounded 10-game rates and classifies them rounded to 2 decimals (NULL as 0), so a
    raw 39.996 counts as 40.0 (2B.5). Thresholds are inclusive and checked paint, three, mid.

    Examples
    --------
    >>> pl.select(primary_scoring_zone(pl.lit(39.996), pl.lit(20.0), pl.lit(40.004))).item()
    'paint'
    """
    paint, mid, three = (
        round_half_away(rate, 2).fill_null(0.0) for rate in (paint_rate, mid_range_rate, three_pt_rate)
    )
    return (
        pl.when((paint == 0) & (mid == 0) & (three == 0)).then(None)
        .when(paint >= PAINT_ZONE_MIN_RATE).then(pl.lit("paint"))
        .when(three >= PERIMETER_ZONE_MIN_RATE).then(pl.lit("perimeter"))
        .when(mid >= MID_RANGE_ZONE_MIN_RATE).then(pl.lit("mid_range"))
        .otherwise(pl.lit("balanced"))
    )  # fmt: skip


def _zone_at(target: pl.Expr, paint: pl.Expr, mid_range: pl.Expr, perimeter: pl.Expr) -> pl.Expr:
    """The first zone label, in DEFENSE_ZONE_LABELS order, whose value equals `target`; NULL if none does."""
    chain = pl.when(paint == target).then(pl.lit(DEFENSE_ZONE_LABELS[0]))
    chain = chain.when(mid_range == target).then(pl.lit(DEFENSE_ZONE_LABELS[1]))
    return chain.when(perimeter == target).then(pl.lit(DEFENSE_ZONE_LABELS[2]))
