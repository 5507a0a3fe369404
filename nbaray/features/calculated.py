"""The feature store's calculated features (9-12, 21 and 24), with the fixes of D5.

Each function is row-wise over the feature store's input frame: scalars per (player, D), and
the player's recent games as lists, newest first (ties by date desc, then game id desc, D7).
The recent games are his `player_game_summary` rows with `D - 60 <= game_date < D`, at most 10;
a missing `points`, `ft_makes` or `minutes_played` in a game counts as 0. Every function returns
a Float64 that is never null: it has its own neutral value for missing inputs.
"""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import round_half_away

REST_ADVANTAGE_LIMIT = 2  # days, either way
INJURY_RISK = {"available": 0.0, "probable": 1.0, "questionable": 2.0, "doubtful": 3.0, "out": 3.0}
TREND_MIN_GAMES = 5  # recent games recent_trend needs; fewer -> 0
FREE_THROW_MIN_GAMES = 5  # recent games pct_free_throw needs; fewer -> the neutral share
NEUTRAL_FREE_THROW_SHARE = 0.15  # share of points from free throws when unknown
FREE_THROW_SHARE_CAP = 0.5
TEAM_MIN_GAMES = 5  # team season games team_win_pct needs; fewer -> 0.5
NEUTRAL_WIN_PCT = 0.5
STORED_DECIMALS = 9  # the spec's round9 of shares


def rest_advantage(days_rest: pl.Expr, opponent_days_rest: pl.Expr) -> pl.Expr:
    """Player's rest days minus his opponent's, clamped to -2..+2 (feature 9); 0 when either is unknown."""
    difference = days_rest.cast(pl.Int64) - opponent_days_rest.cast(pl.Int64)
    return difference.clip(-REST_ADVANTAGE_LIMIT, REST_ADVANTAGE_LIMIT).cast(pl.Float64).fill_null(0.0)


def injury_risk(player_status: pl.Expr) -> pl.Expr:
    """0 available .. 3 doubtful/out, from the lower-cased status (feature 10); unknown or missing status -> 0."""
    return player_status.str.to_lowercase().replace_strict(INJURY_RISK, default=0.0, return_dtype=pl.Float64)


def recent_trend(last_10_points: pl.Expr) -> pl.Expr:
    """-2..+2 from (mean of the 2 newest games) - (mean of games 3-5); positive = scoring more lately (D5).

    Steps: diff >= 5 -> +2, >= 2 -> +1, <= -5 -> -2, <= -2 -> -1, else 0; 0 with fewer than 5 games.
    """
    points = _zero_filled(last_10_points)
    diff = points.list.head(2).list.mean() - points.list.slice(2, 3).list.mean()
    return (
        pl.when(_games(last_10_points) < TREND_MIN_GAMES).then(0.0)
        .when(diff >= 5).then(2.0).when(diff >= 2).then(1.0)
        .when(diff <= -5).then(-2.0).when(diff <= -2).then(-1.0)
        .otherwise(0.0)
    )  # fmt: skip


def minutes_change(minutes_avg_last_10: pl.Expr, last_10_minutes: pl.Expr, season_minutes_avg: pl.Expr) -> pl.Expr:
    """-2..+2 from the relative change of recent minutes against the season average (feature 12).

    Recent minutes: the daily cache's `minutes_avg_last_10`, else the mean over the recent games,
    else 0. r = (recent - season) / season: >= 0.20 -> +2, >= 0.10 -> +1, <= -0.20 -> -2,
    <= -0.10 -> -1, else 0; 0 when either average is 0 or unknown.
    """
    from_games = pl.when(_games(last_10_minutes) > 0).then(_zero_filled(last_10_minutes).list.mean())
    recent = pl.coalesce(_nan_as_null(minutes_avg_last_10), from_games, pl.lit(0.0))
    season = _nan_as_null(season_minutes_avg).fill_null(0.0)
    r = (recent - season) / season
    return (
        pl.when((recent == 0) | (season == 0)).then(0.0)
        .when(r >= 0.20).then(2.0).when(r >= 0.10).then(1.0)
        .when(r <= -0.20).then(-2.0).when(r <= -0.10).then(-1.0)
        .otherwise(0.0)
    )  # fmt: skip


def pct_free_throw(last_10_ft_makes: pl.Expr, last_10_points: pl.Expr) -> pl.Expr:
    """Share of his recent points scored from free throws, clamped to 0..0.5 (feature 21).

    0.15 with fewer than 5 recent games or no recent points. One free throw made is one point.
    """
    free_throws = _zero_filled(last_10_ft_makes).list.sum().cast(pl.Float64)
    points = _zero_filled(last_10_points).list.sum().cast(pl.Float64)
    share = round_half_away((free_throws / points).clip(0.0, FREE_THROW_SHARE_CAP), STORED_DECIMALS)
    enough = (_games(last_10_points) >= FREE_THROW_MIN_GAMES) & (points != 0)
    return pl.when(enough).then(share).otherwise(NEUTRAL_FREE_THROW_SHARE)


def team_win_pct(team_season_wins: pl.Expr, team_season_games: pl.Expr) -> pl.Expr:
    """Wins / games of the player's team this season before D (feature 24, D5); 0.5 below 5 games."""
    games = team_season_games.fill_null(0)
    share = round_half_away(team_season_wins.fill_null(0).cast(pl.Float64) / games, STORED_DECIMALS)
    return pl.when(games >= TEAM_MIN_GAMES).then(share).otherwise(NEUTRAL_WIN_PCT)


def _games(recent: pl.Expr) -> pl.Expr:
    """Number of recent games in a list column; 0 for a missing list."""
    return recent.list.len().fill_null(0)


def _zero_filled(recent: pl.Expr) -> pl.Expr:
    """The list with a missing statistic as 0 (spec 2.7)."""
    return recent.list.eval(pl.element().cast(pl.Float64).fill_nan(None).fill_null(0.0))


def _nan_as_null(value: pl.Expr) -> pl.Expr:
    return value.cast(pl.Float64).fill_nan(None)
