"""Any-season look-backs: an entity's newest rows, or its newest date, strictly before each D (D1, D7).

`windows.history_before` pairs every row with every later analysis date, which is right for
season and day windows. A "last N games, any season" window or a "previous game" lookup would
then pair whole multi-season histories with every date; these helpers reach back with an as-of
join instead, so their cost does not grow with the length of the history.
"""

from __future__ import annotations

import polars as pl


def newest_before(
    frame: pl.DataFrame,
    keys: pl.DataFrame,
    *,
    by: list[str],
    n: int,
    date_column: str = "game_date",
    id_column: str = "game_id",
) -> pl.DataFrame:
    """
    The `n` newest rows of each entity strictly before each of its analysis dates, any season.

    Parameters
    ----------
    frame
        History rows with the `by` columns, `date_column` and `id_column`.
    keys
        The wanted (`by`..., `analysis_date`) pairs.
    by
        Entity columns, e.g. ``["team_abbr"]``.
    n
        Window length in rows (games).

    Returns
    -------
    DataFrame
        The selected rows of `frame` with `analysis_date` and `recency_rank` (1 = newest; ties by
        date desc, then id desc, D7). A pair without history has no rows.

    Examples
    --------
    >>> from datetime import date
    >>> games = pl.DataFrame({
    ...     "team_abbr": ["BOS"] * 3,
    ...     "game_date": [date(2024, 4, 10), date(2024, 11, 2), date(2024, 11, 4)],
    ...     "game_id": ["a", "b", "c"],
    ...     "pace": [99.0, 101.0, 97.0],
    ... })
    >>> keys = pl.DataFrame({"team_abbr": ["BOS"], "analysis_date": [date(2024, 11, 4)]})
    >>> newest_before(games, keys, by=["team_abbr"], n=2).select("game_id", "recency_rank")
    shape: (2, 2)
    ┌─────────┬──────────────┐
    │ game_id ┆ recency_rank │
    │ ---     ┆ ---          │
    │ str     ┆ i64          │
    ╞═════════╪══════════════╡
    │ b       ┆ 1            │
    │ a       ┆ 2            │
    └─────────┴──────────────┘
    """
    ordered = frame.sort([*by, date_column, id_column]).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).over(by).alias("_position")
    )
    newest = _last_position_before(ordered, keys, by=by, date_column=date_column)
    ranks = pl.DataFrame({"recency_rank": range(1, n + 1)}, schema={"recency_rank": pl.Int64})
    wanted = (
        newest.join(ranks, how="cross")
        .with_columns((pl.col("_position") - pl.col("recency_rank") + 1).alias("_position"))
        .filter(pl.col("_position") >= 0)
    )
    return wanted.join(ordered, on=[*by, "_position"]).drop("_position").sort([*by, "analysis_date", "recency_rank"])


def latest_date_before(
    frame: pl.DataFrame, keys: pl.DataFrame, *, by: list[str], date_column: str = "game_date"
) -> pl.DataFrame:
    """`keys` with `previous_game_date`: the entity's newest `date_column` strictly before D (null if none)."""
    dates = frame.select(*by, pl.col(date_column).alias("previous_game_date")).unique()
    return keys.sort("analysis_date").join_asof(
        dates.sort("previous_game_date"),
        left_on="analysis_date",
        right_on="previous_game_date",
        by=by,
        strategy="backward",
        allow_exact_matches=False,  # a game on D itself is not a previous game (D1)
        coalesce=False,
        check_sortedness=False,  # sorted just above; polars cannot verify it per `by` group
    )


def _last_position_before(
    ordered: pl.DataFrame, keys: pl.DataFrame, *, by: list[str], date_column: str
) -> pl.DataFrame:
    """Per key, the position of the entity's newest row before D; keys without one are dropped."""
    last_of_day = ordered.group_by([*by, date_column]).agg(pl.col("_position").max())
    return (
        keys.select(*by, "analysis_date")
        .unique()
        .sort("analysis_date")
        .join_asof(
            last_of_day.sort(date_column),
            left_on="analysis_date",
            right_on=date_column,
            by=by,
            strategy="backward",
            allow_exact_matches=False,
            coalesce=False,
            check_sortedness=False,  # sorted just above; polars cannot verify it per `by` group
        )
        .drop(date_column)
        .drop_nulls("_position")
    )
