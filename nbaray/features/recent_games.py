"""Any-season look-backs: an entity's newest rows, or its newest date, strictly before each D (D1, D7).

Both reach back with an as-of join (`windows.games_before` for rows), so their cost does not grow
with the length of the history.
"""

from __future__ import annotations

import polars as pl

from nbaray.features.windows import games_before


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
    picked = games_before(frame, keys, by=by, n=n, date_column=date_column, id_column=id_column)
    return picked.sort([*by, "analysis_date", "recency_rank"])


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
