"""Phase 3 inputs (nba_analytics) and the schedule (nba_raw): the columns Phase 4 reads.

Columns that Phase 4 never reads are left out; `required=False` marks columns an input may omit
(they are then NULL). Row checks are the input validation the backfill applies when it reads.
"""

from __future__ import annotations

import polars as pl

from nbaray.schemas.columns import TIMESTAMP, Column, RowCheck, TableSchema
from nbaray.season_calendar import season_year_of
from nbaray.teams import TEAMS

I64, F64, STR, BOOL, DATE = pl.Int64(), pl.Float64(), pl.String(), pl.Boolean(), pl.Date()


def _non_negative(*columns: str) -> tuple[RowCheck, ...]:
    return tuple(RowCheck(c, f"{c} is negative", pl.col(c) < 0) for c in columns)


def _makes_within_attempts(*pairs: tuple[str, str]) -> tuple[RowCheck, ...]:
    return tuple(RowCheck(m, f"{m} > {a}", pl.col(m) > pl.col(a)) for m, a in pairs)


def _known_teams(*columns: str) -> tuple[RowCheck, ...]:
    return tuple(RowCheck(c, f"{c} is not an NBA team code", ~pl.col(c).is_in(TEAMS)) for c in columns)


def _date_in_season(date_column: str = "game_date") -> tuple[RowCheck, ...]:
    return (
        RowCheck(
            date_column,
            f"{date_column} lies outside season_year's season (Oct 1 to Sep 30)",
            season_year_of(pl.col(date_column)) != pl.col("season_year"),
        ),
    )


PLAYER_GAME_SUMMARY = TableSchema(
    dataset="nba_analytics",
    name="player_game_summary",
    doc="One row per player per game played (box score plus shot zones).",
    key=("player_lookup", "game_id"),
    partition="game_date",
    clustering=("player_lookup", "team_abbr", "game_date"),
    columns=(
        Column("player_lookup", STR, nullable=False, doc="normalised player key"),
        Column("universal_player_id", STR, required=False),
        Column("game_id", STR, nullable=False, doc="YYYYMMDD_AWAY_HOME"),
        Column("game_date", DATE, nullable=False),
        Column("team_abbr", STR, nullable=False),
        Column("opponent_team_abbr", STR, nullable=False),
        Column("season_year", I64, nullable=False),
        Column("is_active", BOOL, nullable=False),
        Column("minutes_played", F64, scale=1, doc="minutes"),
        Column("points", I64),
        Column("fg_attempts", I64),
        Column("fg_makes", I64),
        Column("three_pt_attempts", I64),
        Column("three_pt_makes", I64),
        Column("ft_attempts", I64, required=False),
        Column("ft_makes", I64),
        Column("turnovers", I64, required=False),
        Column("paint_attempts", I64),
        Column("paint_makes", I64),
        Column("mid_range_attempts", I64),
        Column("mid_range_makes", I64),
        Column("assisted_fg_makes", I64),
        Column("unassisted_fg_makes", I64),
        Column("usage_rate", F64, scale=1, doc="percent of team plays"),
        Column("ts_pct", F64, scale=3, doc="true shooting, fraction"),
        Column("processed_at", TIMESTAMP, required=False),
    ),
    checks=(
        *_non_negative("minutes_played", "points", "fg_attempts", "fg_makes", "three_pt_attempts",
                       "three_pt_makes", "ft_makes", "paint_attempts", "mid_range_attempts"),
        *_makes_within_attempts(("fg_makes", "fg_attempts"), ("three_pt_makes", "three_pt_attempts"), ("ft_makes", "ft_attempts"),
                                ("paint_makes", "paint_attempts"), ("mid_range_makes", "mid_range_attempts")),
        *_known_teams("team_abbr", "opponent_team_abbr"),
        *_date_in_season(),
    ),
)  # fmt: skip

TEAM_OFFENSE_GAME_SUMMARY = TableSchema(
    dataset="nba_analytics",
    name="team_offense_game_summary",
    doc="One row per team per game: the team's offensive box score.",
    key=("game_id", "team_abbr"),
    partition="game_date",
    clustering=("team_abbr", "game_date"),
    columns=(
        Column("game_id", STR, nullable=False),
        Column("game_date", DATE, nullable=False),
        Column("team_abbr", STR, nullable=False),
        Column("opponent_team_abbr", STR, nullable=False),
        Column("season_year", I64, nullable=False),
        Column("points_scored", I64),
        Column("fg_attempts", I64, required=False),
        Column("fg_makes", I64, required=False),
        Column("ft_attempts", I64, required=False),
        Column("turnovers", I64, required=False),
        Column("pace", F64, scale=1, doc="possessions per 48 minutes"),
        Column("offensive_rating", F64, scale=2, doc="points per 100 possessions"),
        Column("home_game", BOOL, nullable=False),
        Column("win_flag", BOOL, nullable=False),
        Column("processed_at", TIMESTAMP, required=False),
    ),
    checks=(
        *_non_negative("points_scored", "pace", "offensive_rating"),
        *_makes_within_attempts(("fg_makes", "fg_attempts")),
        *_known_teams("team_abbr", "opponent_team_abbr"),
        *_date_in_season(),
    ),
)

TEAM_DEFENSE_GAME_SUMMARY = TableSchema(
    dataset="nba_analytics",
    name="team_defense_game_summary",
    doc="One row per defending team per game: what the opponent did against it.",
    key=("game_id", "defending_team_abbr"),
    partition="game_date",
    clustering=("defending_team_abbr", "game_date"),
    columns=(
        Column("game_id", STR, nullable=False),
        Column("game_date", DATE, nullable=False),
        Column("defending_team_abbr", STR, nullable=False),
        Column("opponent_team_abbr", STR, nullable=False),
        Column("season_year", I64, nullable=False),
        Column("points_allowed", I64),
        Column("opp_paint_attempts", I64),
        Column("opp_paint_makes", I64),
        Column("opp_mid_range_attempts", I64),
        Column("opp_mid_range_makes", I64),
        Column("opp_three_pt_attempts", I64),
        Column("opp_three_pt_makes", I64),
        Column("points_in_paint_allowed", I64),
        Column("mid_range_points_allowed", I64, required=False),
        Column("three_pt_points_allowed", I64, required=False),
        Column("blocks_paint", I64),
        Column("blocks_mid_range", I64),
        Column("blocks_three_pt", I64),
        Column("defensive_rating", F64, scale=2),
        Column("opponent_pace", F64, scale=1),
        Column("home_game", BOOL, required=False),
        Column("processed_at", TIMESTAMP, required=False),
    ),
    checks=(
        *_non_negative("points_allowed", "opp_paint_attempts", "opp_mid_range_attempts", "opp_three_pt_attempts",
                       "blocks_paint", "blocks_mid_range", "blocks_three_pt"),
        *_makes_within_attempts(("opp_paint_makes", "opp_paint_attempts"),
                                ("opp_mid_range_makes", "opp_mid_range_attempts"),
                                ("opp_three_pt_makes", "opp_three_pt_attempts")),
        *_known_teams("defending_team_abbr", "opponent_team_abbr"),
        *_date_in_season(),
    ),
)  # fmt: skip

UPCOMING_PLAYER_GAME_CONTEXT = TableSchema(
    dataset="nba_analytics",
    name="upcoming_player_game_context",
    doc="One row per player per game date: who is scheduled and their pre-game context (D6).",
    key=("player_lookup", "game_date"),
    partition="game_date",
    clustering=("player_lookup", "game_date"),
    columns=(
        Column("player_lookup", STR, nullable=False),
        Column("universal_player_id", STR, required=False),
        Column("game_id", STR, nullable=False),
        Column("game_date", DATE, nullable=False),
        Column("team_abbr", STR, nullable=False),
        Column("opponent_team_abbr", STR, nullable=False),
        Column("home_game", BOOL, required=False),
        Column("back_to_back", BOOL, required=False),
        Column("days_rest", I64, required=False, doc="days since previous game; 1 = played yesterday"),
        Column("opponent_days_rest", I64, required=False),
        Column("season_phase", STR, required=False),
        Column("player_status", STR, required=False),
        Column("has_prop_line", BOOL, required=False),
        Column("current_points_line", F64, scale=1, required=False),
        Column("games_in_last_7_days", I64, required=False),
        Column("games_in_last_14_days", I64, required=False),
        Column("minutes_in_last_7_days", I64, required=False),
        Column("minutes_in_last_14_days", I64, required=False),
        Column("avg_minutes_per_game_last_7", F64, scale=1, required=False),
        Column("back_to_backs_last_14_days", I64, required=False),
        Column("fourth_quarter_minutes_last_7", I64, required=False),
        Column("player_age", I64, required=False),
        Column("projected_usage_rate", F64, scale=2, required=False),
        Column("avg_usage_rate_last_7_games", F64, scale=2, required=False),
        Column("star_teammates_out", I64, required=False),
        Column("pace_differential", F64, scale=1, required=False),
        Column("opponent_pace_last_10", F64, scale=1, required=False),
        Column("processed_at", TIMESTAMP, required=False),
    ),
    checks=(
        *_non_negative("days_rest", "games_in_last_7_days", "minutes_in_last_7_days", "player_age"),
        *_known_teams("team_abbr", "opponent_team_abbr"),
    ),
)

UPCOMING_TEAM_GAME_CONTEXT = TableSchema(
    dataset="nba_analytics",
    name="upcoming_team_game_context",
    doc="Two rows per game (one per team): betting lines and rest for the team's next game.",
    key=("team_abbr", "game_date"),
    partition="game_date",
    clustering=("game_date", "team_abbr"),
    columns=(
        Column("team_abbr", STR, nullable=False),
        Column("game_id", STR, nullable=False),
        Column("game_date", DATE, nullable=False),
        Column("opponent_team_abbr", STR, required=False),
        Column("game_total", F64, scale=1, required=False),
        Column("game_spread", F64, scale=2, required=False),
        Column("processed_at", TIMESTAMP, required=False),
    ),
    checks=(*_known_teams("team_abbr"),),
)

SCHEDULE = TableSchema(
    dataset="nba_raw",
    name="nbac_schedule",
    doc="The league schedule: one row per game (NBA.com ids), final (3) or scheduled (1).",
    key=("game_id",),
    partition="game_date",
    clustering=("game_date",),
    columns=(
        Column("game_id", STR, nullable=False, doc="NBA.com id 00TYYNNNNN"),
        Column("game_date", DATE, nullable=False),
        Column("season_year", I64, nullable=False),
        Column("home_team_tricode", STR, nullable=False),
        Column("away_team_tricode", STR, nullable=False),
        Column("game_status", I64, nullable=False, doc="3 = final, 1 = scheduled"),
        Column("is_regular_season", BOOL, nullable=False),
        Column("home_team_score", I64, required=False),
        Column("away_team_score", I64, required=False),
    ),
    checks=(
        *_known_teams("home_team_tricode", "away_team_tricode"),
        RowCheck(
            "away_team_tricode", "a team plays itself", pl.col("home_team_tricode") == pl.col("away_team_tricode")
        ),
        *_date_in_season(),
    ),
)

PHASE3_TABLES: tuple[TableSchema, ...] = (
    PLAYER_GAME_SUMMARY,
    TEAM_OFFENSE_GAME_SUMMARY,
    TEAM_DEFENSE_GAME_SUMMARY,
    UPCOMING_PLAYER_GAME_CONTEXT,
    UPCOMING_TEAM_GAME_CONTEXT,
    SCHEDULE,
)
