"""Point-in-time windows: for each analysis date D, history strictly before D (D1).

Two ways to build the same window. `history_before` pairs every row with every later analysis
date: simple, and the definition the tests hold the fast path to, but its size grows with rows x
dates. `games_before` finds each window by position instead: an entity's rows sorted oldest to
newest, an as-of join for the newest row strictly before D and for the oldest row the window may
reach, and the contiguous run of rows between them, newest first. Its cost is the size of the
windows asked for, whatever the length of the history or the number of dates.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from nbaray.season_calendar import season_year_of

_ROW = "_row"  # a row's index in the entity-sorted frame
_NEWEST = "_newest_row"  # the newest row of a window
_OLDEST = "_oldest_row"  # its oldest row
_WINDOW = "_window"  # a window's number


def dates_frame(analysis_dates: list[date]) -> pl.DataFrame:
    """One row per distinct analysis date, sorted."""
    return pl.DataFrame({"analysis_date": sorted(set(analysis_dates))}, schema={"analysis_date": pl.Date()})


def season_start(analysis_date: pl.Expr) -> pl.Expr:
    """October 1 of the season of each analysis date: where season windows begin."""
    return pl.date(season_year_of(analysis_date), 10, 1)


def history_before(
    frame: pl.DataFrame,
    analysis_dates: list[date],
    *,
    date_column: str = "game_date",
    same_season: bool = False,
    days: int | None = None,
) -> pl.DataFrame:
    """Rows of `frame` paired with every analysis date D they precede: `date_column < D` (D1).

    `same_season` keeps rows from October 1 of D's season on; `days` keeps `D - days <= date < D`.
    The result has an `analysis_date` column; nothing on or after D can appear for D.
    """
    dates = dates_frame(analysis_dates)
    if dates.is_empty() or frame.is_empty():
        return frame.head(0).with_columns(pl.lit(None, pl.Date()).alias("analysis_date"))
    lo = dates["analysis_date"].min()
    hi = dates["analysis_date"].max()
    lower = pl.date(1900, 1, 1)
    if same_season:
        lower = season_start(pl.lit(lo))
    if days is not None:
        lower = pl.lit(lo - timedelta(days=days))
    candidates = frame.filter((pl.col(date_column) < hi) & (pl.col(date_column) >= lower))
    paired = candidates.join_where(dates, pl.col(date_column) < pl.col("analysis_date"))
    if same_season:
        paired = paired.filter(pl.col(date_column) >= season_start(pl.col("analysis_date")))
    if days is not None:
        paired = paired.filter(pl.col(date_column) >= pl.col("analysis_date") - pl.duration(days=days))
    return paired


def newest_first(
    frame: pl.DataFrame, *, by: list[str], date_column: str = "game_date", id_column: str = "game_id"
) -> pl.DataFrame:
    """Sort each group newest first; ties by date desc then id desc (D7), with a 1-based `recency_rank`."""
    ordered = frame.sort([*by, date_column, id_column], descending=[False] * len(by) + [True, True])
    return ordered.with_columns(pl.int_range(1, pl.len() + 1).over(by).alias("recency_rank"))


def entity_dates(frame: pl.DataFrame, analysis_dates: list[date], *, by: list[str]) -> pl.DataFrame:
    """Every entity of `frame` (its distinct `by` values) paired with every analysis date: window keys."""
    return frame.select(by).unique().join(dates_frame(analysis_dates), how="cross")


def games_before(
    frame: pl.DataFrame,
    keys: pl.DataFrame,
    *,
    by: list[str],
    n: int | None = None,
    same_season: bool = False,
    days: int | None = None,
    date_column: str = "game_date",
    id_column: str = "game_id",
) -> pl.DataFrame:
    """
    Each key's window of `frame` rows strictly before D, newest first (D1, D7).

    The window of a key (`by`..., `analysis_date` = D) holds the entity's rows with
    `date_column < D`; `same_season` keeps those from October 1 of D's season on, `days` those
    with `D - days <= date`, and `n` the `n` newest of what is left. Rows are ordered newest
    first, ties by date desc then `id_column` desc (when `frame` has one), and numbered by
    `recency_rank` (1 = newest): the rows and order of `newest_first(history_before(...))`
    limited to the keys, and so the same aggregates to the last bit.

    Returns
    -------
    DataFrame
        `frame`'s columns, then `analysis_date` and `recency_rank` (Int64). A key with an empty
        window has no rows.

    Examples
    --------
    >>> games = pl.DataFrame({
    ...     "team_abbr": ["BOS"] * 4,
    ...     "game_date": [date(2024, 4, 10), date(2024, 11, 2), date(2024, 11, 4), date(2024, 11, 6)],
    ...     "game_id": ["a", "b", "c", "d"],
    ... })
    >>> keys = pl.DataFrame({"team_abbr": ["BOS"], "analysis_date": [date(2024, 11, 6)]})
    >>> games_before(games, keys, by=["team_abbr"], same_season=True)["game_id"].to_list()
    ['c', 'b']
    >>> games_before(games, keys, by=["team_abbr"], n=3)["game_id"].to_list()
    ['c', 'b', 'a']
    """
    games, spans = _window_spans(frame, keys, by, n, same_season, days, date_column, id_column)
    rows = (
        spans.select("analysis_date", _NEWEST, pl.int_ranges(_NEWEST, pl.col(_OLDEST) - 1, step=-1).alias(_ROW))
        .explode(_ROW)
        .select("analysis_date", _ROW, recency_rank=pl.col(_NEWEST) - pl.col(_ROW) + 1)
    )
    return pl.concat([games.select(pl.all().gather(rows[_ROW])), rows.drop(_ROW)], how="horizontal")


def window_aggregates(
    frame: pl.DataFrame,
    keys: pl.DataFrame,
    aggregations: list[pl.Expr],
    *,
    by: list[str],
    n: int | None = None,
    same_season: bool = False,
    days: int | None = None,
    date_column: str = "game_date",
    id_column: str = "game_id",
) -> pl.DataFrame:
    """
    `aggregations` over each key's window: ``games_before(...).group_by([*by, "analysis_date"]).agg(aggregations)``.

    The same groups, rows and order within a group (newest first, with `recency_rank`), so the
    same values; but a window is a run of rows numbered as it is cut, and grouping by that number
    is far cheaper than hashing the entity and date of every row. The aggregations may read
    `frame`'s columns, `analysis_date` and `recency_rank`; only the columns they read are gathered.

    Examples
    --------
    >>> games = pl.DataFrame({
    ...     "team_abbr": ["BOS"] * 3,
    ...     "game_date": [date(2024, 11, 2), date(2024, 11, 4), date(2024, 11, 6)],
    ...     "game_id": ["a", "b", "c"],
    ...     "pace": [99.0, 101.0, 97.0],
    ... })
    >>> keys = pl.DataFrame({"team_abbr": ["BOS"], "analysis_date": [date(2024, 11, 6)]})
    >>> window_aggregates(games, keys, [pl.col("pace").first().alias("newest_pace")], by=["team_abbr"]).row(0)
    ('BOS', datetime.date(2024, 11, 6), 101.0)
    """
    games, spans = _window_spans(frame, keys, by, n, same_season, days, date_column, id_column)
    spans = spans.with_row_index(_WINDOW)
    rows = (
        spans.select(
            _WINDOW, "analysis_date", _NEWEST, pl.int_ranges(_NEWEST, pl.col(_OLDEST) - 1, step=-1).alias(_ROW)
        )
        .explode(_ROW)
        .select(_WINDOW, "analysis_date", _ROW, recency_rank=pl.col(_NEWEST) - pl.col(_ROW) + 1)
    )
    values = games.select(pl.col(_read_columns(aggregations, games, by)).gather(rows[_ROW]))
    windows = pl.concat([rows.drop(_ROW), values], how="horizontal")
    aggregated = windows.group_by(_WINDOW).agg(aggregations)
    return spans.select(_WINDOW, *by, "analysis_date").join(aggregated, on=_WINDOW).drop(_WINDOW)


def _read_columns(aggregations: list[pl.Expr], frame: pl.DataFrame, by: list[str]) -> list[str]:
    """The columns of `frame` the aggregations read; all but `by` when one of them selects several."""
    if any(aggregation.meta.has_multiple_outputs() for aggregation in aggregations):
        return [c for c in frame.columns if c not in by]
    read = {name for aggregation in aggregations for name in aggregation.meta.root_names()}
    return [c for c in frame.columns if c in read]


def window_sums(
    frame: pl.DataFrame,
    keys: pl.DataFrame,
    *,
    by: list[str],
    columns: list[str],
    newest: list[str] | None = None,
    n: int | None = None,
    same_season: bool = False,
    days: int | None = None,
    date_column: str = "game_date",
    id_column: str = "game_id",
) -> pl.DataFrame:
    """
    Per key with a non-empty window (the window of `games_before`): its size and its sums.

    Each sum is a difference of two running totals over the entity-sorted rows, so its cost does
    not depend on the window's length. `columns` must be integers, whose sums are exact; a NULL
    counts as 0, as it does in ``sum()``.

    Returns
    -------
    DataFrame
        The `by` columns, `analysis_date`, `games` (rows in the window), each of `columns`
        summed, and the `newest` columns taken from the window's newest row.

    Examples
    --------
    >>> games = pl.DataFrame({
    ...     "team_abbr": ["BOS"] * 4,
    ...     "game_date": [date(2024, 4, 10), date(2024, 11, 2), date(2024, 11, 4), date(2024, 11, 6)],
    ...     "game_id": ["a", "b", "c", "d"],
    ...     "points": [100, 110, None, 90],
    ... })
    >>> keys = pl.DataFrame({"team_abbr": ["BOS"], "analysis_date": [date(2024, 11, 7)]})
    >>> window_sums(games, keys, by=["team_abbr"], columns=["points"], n=3).select("games", "points").row(0)
    (3, 200)
    """
    not_integer = [c for c in columns if not frame.schema[c].is_integer()]
    if not_integer:
        raise TypeError(f"window_sums adds integers exactly; {not_integer} are not integer columns")
    games, spans = _window_spans(frame, keys, by, n, same_season, days, date_column, id_column)
    # Row 0 holds zeros, row i + 1 the totals through sorted row i.
    running = pl.concat([games.head(0).select(columns).clear(1).fill_null(0),
                         games.select(pl.col(columns).fill_null(0).cum_sum())])  # fmt: skip
    sums = running.select(pl.all().gather(spans[_NEWEST] + 1)) - running.select(pl.all().gather(spans[_OLDEST]))
    return pl.concat(
        [
            spans.select(*by, "analysis_date", games=pl.col(_NEWEST) - pl.col(_OLDEST) + 1),
            sums,
            games.select(pl.col(newest or []).gather(spans[_NEWEST])),
        ],
        how="horizontal",
    )


def _window_spans(
    frame: pl.DataFrame,
    keys: pl.DataFrame,
    by: list[str],
    n: int | None,
    same_season: bool,
    days: int | None,
    date_column: str,
    id_column: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows a window can hold, sorted by entity, date and id; and per key with a non-empty window,
    `_newest_row` and `_oldest_row`, the positions of its newest and oldest rows in that frame.

    The newest row is found by an as-of join strictly before D, the oldest by one forward from the
    window's lower bound (October 1 of D's season, `D - days`), then at most `n - 1` rows back.
    """
    keys = keys.select(*by, "analysis_date").unique()
    lower = _lower_bound(same_season, days)
    games = _candidates(frame, keys, lower, date_column).sort(
        [*by, date_column, *([id_column] if id_column in frame.columns else [])]
    )
    dated = games.select(*by, date_column).with_row_index(_ROW).with_columns(pl.col(_ROW).cast(pl.Int64))
    days_of = (
        dated.group_by(*by, date_column)
        .agg(pl.col(_ROW).min().alias("_first_of_day"), pl.col(_ROW).max().alias("_last_of_day"))
        .sort(date_column)
    )
    asof = {"by": by, "right_on": date_column, "coalesce": False, "check_sortedness": False}
    spans = keys.sort("analysis_date").join_asof(
        days_of.select(*by, date_column, pl.col("_last_of_day").alias(_NEWEST)),
        left_on="analysis_date", strategy="backward", allow_exact_matches=False, **asof,  # nothing on D (D1)
    ).drop(date_column).drop_nulls(_NEWEST)  # fmt: skip
    if lower is None:
        first = dated.group_by(by).agg(pl.col(_ROW).min().alias(_OLDEST))
        spans = spans.join(first, on=by)
    else:
        spans = spans.with_columns(_lower=lower).sort("_lower").join_asof(
            days_of.select(*by, date_column, pl.col("_first_of_day").alias(_OLDEST)),
            left_on="_lower", strategy="forward", allow_exact_matches=True, **asof,
        ).drop(date_column, "_lower").drop_nulls(_OLDEST)  # fmt: skip
    if n is not None:
        spans = spans.with_columns(pl.max_horizontal(_OLDEST, pl.col(_NEWEST) - (n - 1)).alias(_OLDEST))
    return games, spans.filter(pl.col(_OLDEST) <= pl.col(_NEWEST))


def _lower_bound(same_season: bool, days: int | None) -> pl.Expr | None:
    """The oldest date a window of D may reach, as an expression of `analysis_date`; None for no bound."""
    day = pl.col("analysis_date")
    bounds = ([season_start(day)] if same_season else []) + ([day - pl.duration(days=days)] if days is not None else [])
    return pl.max_horizontal(bounds) if bounds else None


def _candidates(frame: pl.DataFrame, keys: pl.DataFrame, lower: pl.Expr | None, date_column: str) -> pl.DataFrame:
    """The rows of `frame` some key's window may hold: before the last D, and from the lowest bound on."""
    if keys.is_empty():
        return frame.head(0)
    reach = keys.select(last=pl.col("analysis_date").max(), lowest=lower.min() if lower is not None else pl.lit(None))
    last, lowest = reach.row(0)
    within = pl.col(date_column) < last
    if lowest is not None:
        within &= pl.col(date_column) >= lowest
    return frame.filter(within)
