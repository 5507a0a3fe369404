"""Pre-game context for each analysis date D: who plays on D, against whom, and how rested (D6).

The pipeline computes both frames once per task and passes them to the processors as
`player_game_context` and `team_game_context`.

Roster. For a past date (one with `player_game_summary` rows on D) the players with a row on D,
whatever their status; otherwise (today or a future date) the `upcoming_player_game_context`
rows of D. Teams: those scheduled on D, plus any `upcoming_team_game_context` row of D.

Values. A player's (team's) `upcoming_*_game_context` row for D is used as it is, even where it
disagrees with the games; without one the context is derived from the schedule and Phase 3 rows
strictly before D (`context_source` says which). Only identifiers are read from D's rows (team,
opponent, game id); no statistic of a game on or after D enters (D1). A k-day window is
`D - k <= game_date < D`.

`player_game_context`, one row per (`player_lookup`, `game_date` = D), dtypes as in
`upcoming_player_game_context`:

- `player_lookup`, `universal_player_id`, `game_id`, `game_date`, `team_abbr`, `opponent_team_abbr`
- `home_game`: from the schedule, else the third part of a `YYYYMMDD_AWAY_HOME` game id
- `days_rest`: days since the player's previous row (any status, any season); 1 = played
  yesterday; null without one. `back_to_back`: `days_rest == 1`
- `opponent_days_rest`: days since the opponent's previous final game in the schedule
- `games_in_last_7_days`, `games_in_last_14_days`: his rows in the window (DNP rows count)
- `minutes_in_last_7_days`, `minutes_in_last_14_days`: minutes summed, rounded to whole minutes
- `avg_minutes_per_game_last_7`: 7-day minutes / 7-day rows; null without rows
- `back_to_backs_last_14_days`: pairs of his games on consecutive days in the 14-day window
- `avg_usage_rate_last_7_games`: mean usage rate (percent) of his rows in the 7-day window
- `pace_differential`: mean pace of his team's last 10 games before D minus the opponent's
  (any season), rounded to 2 decimals; `opponent_pace_last_10`: the opponent's mean
- `season_phase`: early (Oct-Nov), mid (Dec-Feb), late (Mar-Apr), playoffs (otherwise)
- not derivable from the games, so null when derived: `fourth_quarter_minutes_last_7`,
  `player_age`, `projected_usage_rate`, `player_status`, `current_points_line`;
  `star_teammates_out` = 0 and `has_prop_line` = False, as the reference's backfill context has
- `context_source`: ``"upcoming"`` (the row was given) or ``"derived"``

`team_game_context`, one row per (`team_abbr`, `game_date` = D):

- `team_abbr`, `game_date`, `game_id`, `opponent_team_abbr`, `game_total`, `game_spread`: the
  upcoming row's when there is one, else the schedule's (lines then null)
- `home_game`: from the schedule
- `days_rest` (1 = played yesterday), `back_to_back`, `games_in_last_7_days`,
  `games_in_last_14_days`: from the schedule's final games before D, home and away (a
  postponed or not yet played game is no game)
- `pace_last_10`, `opponent_pace_last_10`, `pace_differential`: as above
- `context_source`: ``"upcoming"`` or ``"derived"``
"""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features import pace, rest, workload
from nbaray.features.completeness import schedule_team_dates
from nbaray.features.recent_games import latest_date_before, newest_before
from nbaray.features.windows import dates_frame, games_before, window_aggregates
from nbaray.processors import MISSING_DEPENDENCY, failures
from nbaray.schemas.phase3 import UPCOMING_PLAYER_GAME_CONTEXT, UPCOMING_TEAM_GAME_CONTEXT

RECENT_DAYS = 7  # days before D in the short workload window
LONG_DAYS = 14  # days before D in the long workload window
PACE_GAMES = 10  # team games before D, any season
UPCOMING, DERIVED = "upcoming", "derived"
DATE_LEVEL = "DATE_LEVEL"  # failure entity for a whole date (D8)

PLAYER_CONTEXT_COLUMNS: dict[str, pl.DataType] = {
    **{c: UPCOMING_PLAYER_GAME_CONTEXT.column(c).dtype for c in (
        "player_lookup", "universal_player_id", "game_id", "game_date", "team_abbr", "opponent_team_abbr",
        "home_game", "days_rest", "back_to_back", "opponent_days_rest", "games_in_last_7_days",
        "games_in_last_14_days", "minutes_in_last_7_days", "minutes_in_last_14_days", "avg_minutes_per_game_last_7",
        "back_to_backs_last_14_days", "fourth_quarter_minutes_last_7", "avg_usage_rate_last_7_games", "player_age",
        "projected_usage_rate", "star_teammates_out", "pace_differential", "opponent_pace_last_10", "season_phase",
        "player_status", "has_prop_line", "current_points_line",
    )},
    "context_source": pl.String(),
}  # fmt: skip

TEAM_CONTEXT_COLUMNS: dict[str, pl.DataType] = {
    "team_abbr": pl.String(), "game_date": pl.Date(), "game_id": pl.String(), "opponent_team_abbr": pl.String(),
    "home_game": pl.Boolean(), "days_rest": pl.Int64(), "back_to_back": pl.Boolean(),
    "games_in_last_7_days": pl.Int64(), "games_in_last_14_days": pl.Int64(), "pace_last_10": pl.Float64(),
    "opponent_pace_last_10": pl.Float64(), "pace_differential": pl.Float64(),
    "game_total": UPCOMING_TEAM_GAME_CONTEXT.column("game_total").dtype,
    "game_spread": UPCOMING_TEAM_GAME_CONTEXT.column("game_spread").dtype, "context_source": pl.String(),
}  # fmt: skip

_PLAYER_KEYS = ["player_lookup", "game_date"]
_TEAM_KEYS = ["team_abbr", "game_date"]


def player_game_context(
    *,
    player_game_summary: pl.DataFrame,
    team_offense_game_summary: pl.DataFrame,
    upcoming_player_game_context: pl.DataFrame,
    schedule: pl.DataFrame,
    analysis_dates: list[date],
) -> pl.DataFrame:
    """One row per player on D's roster with his pre-game context (columns in the module docstring)."""
    dates = dates_frame(analysis_dates).rename({"analysis_date": "game_date"})
    played = _newest_per_key(player_game_summary.join(dates, on="game_date"), _PLAYER_KEYS, "game_id")
    upcoming = _newest_per_key(upcoming_player_game_context.join(dates, on="game_date"), _PLAYER_KEYS, "processed_at")
    future_roster = upcoming.join(played.select("game_date").unique(), on="game_date", how="anti")
    roster = pl.concat([played.select(_PLAYER_KEYS), future_roster.select(_PLAYER_KEYS)])
    given = upcoming.join(roster, on=_PLAYER_KEYS, how="semi").with_columns(context_source=pl.lit(UPCOMING))
    derived = _derived_player_context(
        played.join(upcoming, on=_PLAYER_KEYS, how="anti"),
        player_game_summary=player_game_summary,
        team_offense_game_summary=team_offense_game_summary,
        schedule=schedule,
        dates=dates,
    )
    return pl.concat([_shaped(given, PLAYER_CONTEXT_COLUMNS), _shaped(derived, PLAYER_CONTEXT_COLUMNS)]).sort(
        "game_date", "player_lookup"
    )


def team_game_context(
    *,
    schedule: pl.DataFrame,
    team_offense_game_summary: pl.DataFrame,
    upcoming_team_game_context: pl.DataFrame,
    analysis_dates: list[date],
) -> pl.DataFrame:
    """One row per team playing on D with its pre-game context (columns in the module docstring)."""
    dates = dates_frame(analysis_dates).rename({"analysis_date": "game_date"})
    upcoming = _newest_per_key(upcoming_team_game_context.join(dates, on="game_date"), _TEAM_KEYS, "processed_at")
    rows = (
        _scheduled_games(schedule, dates)
        .join(upcoming, on=_TEAM_KEYS, how="full", coalesce=True, suffix="_upcoming")
        .with_columns(
            game_id=pl.coalesce("game_id_upcoming", "game_id"),
            opponent_team_abbr=pl.coalesce("opponent_team_abbr_upcoming", "opponent_team_abbr"),
            context_source=pl.when(pl.col("game_id_upcoming").is_null())
            .then(pl.lit(DERIVED))
            .otherwise(pl.lit(UPCOMING)),
        )
    )
    form = _team_form(rows, schedule=schedule, team_offense_game_summary=team_offense_game_summary)
    with_form = _with_opponent_form(rows.join(form, on=_TEAM_KEYS, how="left"), form)
    return _shaped(with_form, TEAM_CONTEXT_COLUMNS).sort("game_date", "team_abbr")


def missing_roster_failures(player_game_context: pl.DataFrame, analysis_dates: list[date]) -> pl.DataFrame:
    """A DATE_LEVEL MISSING_DEPENDENCY failure row (D8) for each analysis date on which nobody is known to play."""
    empty = dates_frame(analysis_dates).join(
        player_game_context.select(pl.col("game_date").alias("analysis_date")).unique(), on="analysis_date", how="anti"
    )
    return failures(
        empty.with_columns(entity=pl.lit(DATE_LEVEL)),
        entity="entity",
        date_column="analysis_date",
        category=MISSING_DEPENDENCY,
        reason=pl.lit("no player_game_summary or upcoming_player_game_context rows for the date"),
    )


def _derived_player_context(
    roster: pl.DataFrame,
    *,
    player_game_summary: pl.DataFrame,
    team_offense_game_summary: pl.DataFrame,
    schedule: pl.DataFrame,
    dates: pl.DataFrame,
) -> pl.DataFrame:
    """Context of roster rows (their D rows of player_game_summary) from games strictly before D (D6)."""
    keys = roster.select("player_lookup", pl.col("game_date").alias("analysis_date"))
    load = _recent_load(player_game_summary, keys).rename({"analysis_date": "game_date"})
    previous = latest_date_before(player_game_summary.select("player_lookup", "game_date"), keys, by=["player_lookup"])
    form = _team_form(roster, schedule=schedule, team_offense_game_summary=team_offense_game_summary)
    home_from_game_id = pl.col("game_id").str.split("_").list.get(2, null_on_oob=True) == pl.col("team_abbr")
    rows = (
        roster.select(*_PLAYER_KEYS, "universal_player_id", "game_id", "team_abbr", "opponent_team_abbr")
        .join(load, on=_PLAYER_KEYS, how="left")
        .join(previous.rename({"analysis_date": "game_date"}), on=_PLAYER_KEYS, how="left")
        .join(_scheduled_games(schedule, dates).select(*_TEAM_KEYS, "home_game"), on=_TEAM_KEYS, how="left")
        .join(form.select(*_TEAM_KEYS, "pace_last_10"), on=_TEAM_KEYS, how="left")
    )
    return (
        _with_opponent_form(rows, form)
        .with_columns(
            pl.col(
                "games_in_last_7_days", "games_in_last_14_days", "minutes_in_last_7_days",
                "minutes_in_last_14_days", "back_to_backs_last_14_days",
            ).fill_null(0),
            home_game=pl.coalesce("home_game", home_from_game_id),
            days_rest=rest.days_rest(pl.col("previous_game_date"), pl.col("game_date")),
            star_teammates_out=pl.lit(0),
            has_prop_line=pl.lit(False),
            season_phase=_season_phase(pl.col("game_date")),
            context_source=pl.lit(DERIVED),
        )
        .with_columns(back_to_back=rest.back_to_back(pl.col("days_rest")))
    )  # fmt: skip


def _recent_load(player_game_summary: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Per (player, D): games, minutes, usage and back-to-backs over the 7 and 14 days before D."""
    minutes, usage = pl.col("minutes_played"), pl.col("usage_rate")
    days_before = (pl.col("analysis_date") - pl.col("game_date")).dt.total_days()
    load = [
        workload.games_in_last_days(days_before, RECENT_DAYS).alias("games_in_last_7_days"),
        workload.games_in_last_days(days_before, LONG_DAYS).alias("games_in_last_14_days"),
        workload.minutes_in_last_days(minutes, days_before, RECENT_DAYS).alias("minutes_in_last_7_days"),
        workload.minutes_in_last_days(minutes, days_before, LONG_DAYS).alias("minutes_in_last_14_days"),
        workload.avg_minutes_per_game_last_days(minutes, days_before, RECENT_DAYS).alias("avg_minutes_per_game_last_7"),
        workload.avg_usage_rate_last_days(usage, days_before, RECENT_DAYS).alias("avg_usage_rate_last_7_games"),
        rest.back_to_backs(days_before).alias("back_to_backs_last_14_days"),
    ]
    rows = player_game_summary.select("player_lookup", "game_date", "game_id", "minutes_played", "usage_rate")
    return window_aggregates(rows, keys, load, by=["player_lookup"], days=LONG_DAYS)


def _team_form(games: pl.DataFrame, *, schedule: pl.DataFrame, team_offense_game_summary: pl.DataFrame) -> pl.DataFrame:
    """Per (team, D) for both sides of `games`: rest and recent games from the schedule, pace from Phase 3."""
    sides = [
        games.select("team_abbr", "game_date"),
        games.select(pl.col("opponent_team_abbr").alias("team_abbr"), "game_date"),
    ]
    keys = pl.concat(sides).drop_nulls().unique().rename({"game_date": "analysis_date"})
    team_dates = schedule_team_dates(schedule)
    days_before = pl.col("days_before")
    recent = (
        games_before(team_dates, keys, by=["team_abbr"], days=LONG_DAYS)
        .with_columns(days_before=(pl.col("analysis_date") - pl.col("game_date")).dt.total_days())
        .group_by("team_abbr", "analysis_date")
        .agg(
            games_in_last_7_days=workload.games_in_last_days(days_before, RECENT_DAYS),
            games_in_last_14_days=workload.games_in_last_days(days_before, LONG_DAYS),
        )
    )
    pace_games = team_offense_game_summary.select("team_abbr", "game_date", "game_id", "pace")
    team_pace = (
        newest_before(pace_games, keys, by=["team_abbr"], n=PACE_GAMES)
        .group_by("team_abbr", "analysis_date")
        .agg(pace_last_10=pace.pace_last_10(pl.col("pace")))
    )
    return (
        latest_date_before(team_dates, keys, by=["team_abbr"])
        .join(recent, on=["team_abbr", "analysis_date"], how="left")
        .join(team_pace, on=["team_abbr", "analysis_date"], how="left")
        .with_columns(
            pl.col("games_in_last_7_days", "games_in_last_14_days").fill_null(0),
            days_rest=rest.days_rest(pl.col("previous_game_date"), pl.col("analysis_date")),
        )
        .with_columns(back_to_back=rest.back_to_back(pl.col("days_rest")))
        .rename({"analysis_date": "game_date"})
        .drop("previous_game_date")
    )


def _with_opponent_form(rows: pl.DataFrame, form: pl.DataFrame) -> pl.DataFrame:
    """Adds the opponent's rest and pace, and the pace differential, to rows that carry `pace_last_10`."""
    opponent = form.select(
        pl.col("team_abbr").alias("opponent_team_abbr"),
        "game_date",
        pl.col("days_rest").alias("opponent_days_rest"),
        pl.col("pace_last_10").alias("opponent_pace_last_10"),
    )
    return rows.join(opponent, on=["opponent_team_abbr", "game_date"], how="left").with_columns(
        pace_differential=pace.pace_differential(pl.col("pace_last_10"), pl.col("opponent_pace_last_10"))
    )


def _scheduled_games(schedule: pl.DataFrame, dates: pl.DataFrame) -> pl.DataFrame:
    """Both sides of each scheduled game on the dates: team, opponent, home flag, game id."""
    games = schedule.join(dates, on="game_date")
    home = games.select(
        pl.col("home_team_tricode").alias("team_abbr"), "game_date", "game_id",
        pl.col("away_team_tricode").alias("opponent_team_abbr"), home_game=pl.lit(True),
    )  # fmt: skip
    away = games.select(
        pl.col("away_team_tricode").alias("team_abbr"), "game_date", "game_id",
        pl.col("home_team_tricode").alias("opponent_team_abbr"), home_game=pl.lit(False),
    )  # fmt: skip
    return _newest_per_key(pl.concat([home, away]), _TEAM_KEYS, "game_id")


def _newest_per_key(frame: pl.DataFrame, keys: list[str], order_column: str) -> pl.DataFrame:
    """One row per key: greatest `order_column` (nulls last), then greatest game id, the same way every run."""
    order = list(dict.fromkeys(c for c in (order_column, "game_id") if c in frame.columns))
    return frame.sort(order, descending=True, nulls_last=True).unique(keys, keep="first", maintain_order=True)


def _season_phase(game_date: pl.Expr) -> pl.Expr:
    month = game_date.dt.month()
    return (
        pl.when(month.is_in([10, 11])).then(pl.lit("early"))
        .when(month.is_in([12, 1, 2])).then(pl.lit("mid"))
        .when(month.is_in([3, 4])).then(pl.lit("late"))
        .otherwise(pl.lit("playoffs"))
    )  # fmt: skip


def _shaped(frame: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """The declared columns in order and dtype; a column the frame lacks is null."""
    present = set(frame.columns)
    return frame.select(
        [(pl.col(n) if n in present else pl.lit(None)).cast(dtype).alias(n) for n, dtype in columns.items()]
    )
