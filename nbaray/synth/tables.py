"""The Phase 3 tables of one synthetic season, built from its schedule and box scores.

Team rows are the sums of their players' rows; derived columns use the producers' formulas
(phase3-inputs 2.3, 3.1 and 4.1), and each defence row mirrors the opponent's offence row (4.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from nbaray.schemas.phase3 import (
    PLAYER_GAME_SUMMARY,
    SCHEDULE,
    TEAM_DEFENSE_GAME_SUMMARY,
    TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_TEAM_GAME_CONTEXT,
)
from nbaray.synth.games import FT_WEIGHT, OVERTIME_MINUTES, REGULATION_MINUTES, BoxScores
from nbaray.synth.players import PlayerPool
from nbaray.synth.schedule import Schedule, TeamGames
from nbaray.teams import TEAMS

PROCESSED_AFTER_GAME = timedelta(days=1, hours=9)  # Phase 3 rows land the morning after the game
FINAL = 3  # nbac_schedule game_status of a finished game
TEAM_CODES = np.array(TEAMS)


@dataclass(frozen=True)
class SeasonGames:
    """Everything one season's tables are built from."""

    schedule: Schedule
    team_games: TeamGames
    pool: PlayerPool
    box: BoxScores
    game_total: np.ndarray  # per team-game
    game_spread: np.ndarray  # per team-game, the team's side


def season_tables(season: SeasonGames) -> dict[str, pl.DataFrame]:
    """The five generated tables of the season, conformed to the registry."""
    offense = _team_offense(season)
    return {
        PLAYER_GAME_SUMMARY.qualified_name: _player_game_summary(season, offense),
        TEAM_OFFENSE_GAME_SUMMARY.qualified_name: TEAM_OFFENSE_GAME_SUMMARY.conform(offense),
        TEAM_DEFENSE_GAME_SUMMARY.qualified_name: _team_defense(season, offense),
        UPCOMING_TEAM_GAME_CONTEXT.qualified_name: _upcoming_team_context(season),
        SCHEDULE.qualified_name: _schedule(season, offense),
    }


def game_ids(games: Schedule) -> np.ndarray:
    """`YYYYMMDD_AWAY_HOME` per game."""
    day = np.datetime_as_string(games.game_date, unit="D")
    return np.char.add(np.char.add(np.char.replace(day, "-", ""), "_"), _pair(games.away, games.home))


def nba_game_ids(games: Schedule) -> np.ndarray:
    """NBA.com ids `002{YY}{00001..01230}` per game, in date order."""
    prefix = f"002{games.season_year % 100:02d}"
    return np.char.add(prefix, np.char.zfill(np.arange(1, games.n_games + 1).astype(str), 5))


def _pair(away: np.ndarray, home: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(TEAM_CODES[away], "_"), TEAM_CODES[home])


def _keys(season: SeasonGames, rows: np.ndarray | None = None) -> dict[str, object]:
    """game_id, game_date and season_year columns for team-game rows (all of them by default)."""
    tg = season.team_games
    game = tg.game if rows is None else tg.game[rows]
    return {
        "game_id": game_ids(season.schedule)[game],
        "game_date": season.schedule.game_date[game],
        "season_year": np.full(len(game), season.schedule.season_year),
    }


def _team_offense(season: SeasonGames) -> pl.DataFrame:
    """TOGS: team box sums, possessions FGA + 0.44*FTA + TOV - OREB truncated, pace per 48, ORtg per 100."""
    tg, box = season.team_games, season.box
    makes = box.zone_makes.sum(axis=1)
    points = box.points.sum(axis=1)
    raw_possessions = box.fga.sum(axis=1) + FT_WEIGHT * box.fta.sum(axis=1) + box.tov.sum(axis=1) - box.oreb
    possessions = np.trunc(raw_possessions)
    game_minutes = REGULATION_MINUTES + OVERTIME_MINUTES * box.overtime
    opponent_points = points.reshape(-1, 2)[:, ::-1].ravel()
    return pl.DataFrame(
        {
            **_keys(season),
            "team_abbr": TEAM_CODES[tg.team],
            "opponent_team_abbr": TEAM_CODES[tg.opponent],
            "points_scored": points,
            "fg_attempts": box.fga.sum(axis=1),
            "fg_makes": makes.sum(axis=1),
            "ft_attempts": box.fta.sum(axis=1),
            "turnovers": box.tov.sum(axis=1),
            "pace": possessions * REGULATION_MINUTES / game_minutes,
            "offensive_rating": 100 * points / possessions,
            "home_game": tg.is_home,
            "win_flag": points > opponent_points,
            # not in the table; kept for the defence mirror and the schedule scores
            "raw_possessions": raw_possessions,
            "paint_attempts": box.zone_attempts[..., 0].sum(axis=1),
            "paint_makes": makes[:, 0],
            "mid_range_attempts": box.zone_attempts[..., 1].sum(axis=1),
            "mid_range_makes": makes[:, 1],
            "three_pt_attempts": box.zone_attempts[..., 2].sum(axis=1),
            "three_pt_makes": makes[:, 2],
        }
    ).with_columns(_processed_at())


def _team_defense(season: SeasonGames, offense: pl.DataFrame) -> pl.DataFrame:
    """TDGS: row of defending team A = B's offence row; blocks are A's own; DRtg from B's raw possessions."""
    mirror = np.arange(offense.height) ^ 1  # the other row of the same game
    faced = offense[mirror]
    blocks = season.box.blocks
    frame = pl.DataFrame(
        {
            "game_id": offense["game_id"],
            "game_date": offense["game_date"],
            "defending_team_abbr": offense["team_abbr"],
            "opponent_team_abbr": offense["opponent_team_abbr"],
            "season_year": offense["season_year"],
            "points_allowed": faced["points_scored"],
            "opp_paint_attempts": faced["paint_attempts"],
            "opp_paint_makes": faced["paint_makes"],
            "opp_mid_range_attempts": faced["mid_range_attempts"],
            "opp_mid_range_makes": faced["mid_range_makes"],
            "opp_three_pt_attempts": faced["three_pt_attempts"],
            "opp_three_pt_makes": faced["three_pt_makes"],
            "points_in_paint_allowed": 2 * faced["paint_makes"],
            "mid_range_points_allowed": 2 * faced["mid_range_makes"],
            "three_pt_points_allowed": 3 * faced["three_pt_makes"],
            "blocks_paint": blocks[:, 0],
            "blocks_mid_range": blocks[:, 1],
            "blocks_three_pt": blocks[:, 2],
            "defensive_rating": 100 * faced["points_scored"] / faced["raw_possessions"],
            "opponent_pace": faced["raw_possessions"],
            "home_game": offense["home_game"],
            "processed_at": offense["processed_at"],
        }
    )
    return TEAM_DEFENSE_GAME_SUMMARY.conform(frame)


def _player_game_summary(season: SeasonGames, offense: pl.DataFrame) -> pl.DataFrame:
    """PGS: one row per player who played; usage and TS% by the formulas of phase3-inputs 2.3."""
    tg, box = season.team_games, season.box
    rows, slots = np.nonzero(box.played)
    cell = (rows, slots)
    team_plays = (offense["fg_attempts"] + FT_WEIGHT * offense["ft_attempts"] + offense["turnovers"]).to_numpy()
    fga, fta, tov = box.fga[cell], box.fta[cell], box.tov[cell]
    attempts, makes = box.zone_attempts[cell], box.zone_makes[cell]
    points = box.points[cell]
    minutes = box.minutes[cell]
    lookup = season.pool.lookup[box.player[cell]]
    frame = pl.DataFrame(
        {
            "player_lookup": lookup,
            "universal_player_id": np.char.add(lookup, "_001"),
            **_keys(season, rows),
            "team_abbr": TEAM_CODES[tg.team[rows]],
            "opponent_team_abbr": TEAM_CODES[tg.opponent[rows]],
            "is_active": np.ones(len(rows), dtype=bool),
            "minutes_played": minutes.astype(float),
            "points": points,
            "fg_attempts": fga,
            "fg_makes": makes.sum(axis=1),
            "three_pt_attempts": attempts[:, 2],
            "three_pt_makes": makes[:, 2],
            "ft_attempts": fta,
            "ft_makes": box.ftm[cell],
            "turnovers": tov,
            "paint_attempts": attempts[:, 0],
            "paint_makes": makes[:, 0],
            "mid_range_attempts": attempts[:, 1],
            "mid_range_makes": makes[:, 1],
            "assisted_fg_makes": box.assisted[cell],
            "unassisted_fg_makes": makes.sum(axis=1) - box.assisted[cell],
            "usage_rate": usage_rate(fga + FT_WEIGHT * fta + tov, minutes, team_plays[rows]),
            "ts_pct": ts_pct(points, fga, fta),
        }
    ).with_columns(_processed_at())
    return PLAYER_GAME_SUMMARY.conform(frame.sort("game_date", "game_id", "team_abbr", "player_lookup"))


def usage_rate(plays: np.ndarray, minutes: np.ndarray, team_plays: np.ndarray) -> np.ndarray:
    """Percent of the team's plays (FGA + 0.44*FTA + TOV) a player used per 48 minutes on the floor."""
    return 100 * plays * REGULATION_MINUTES / (minutes * team_plays)


def ts_pct(points: np.ndarray, fga: np.ndarray, fta: np.ndarray) -> np.ndarray:
    """True shooting, PTS / (2 * (FGA + 0.44*FTA)) as a fraction; NaN (stored as NULL) without a field goal try."""
    true_shots = 2 * (fga + FT_WEIGHT * fta)
    return np.where(fga > 0, points / np.where(fga > 0, true_shots, 1.0), np.nan)


def _upcoming_team_context(season: SeasonGames) -> pl.DataFrame:
    """UTGC: both sides of every game under its NBA.com id, with the book's total and the team's spread."""
    tg = season.team_games
    frame = pl.DataFrame(
        {
            "team_abbr": TEAM_CODES[tg.team],
            "game_id": nba_game_ids(season.schedule)[tg.game],
            "game_date": season.schedule.game_date[tg.game],
            "opponent_team_abbr": TEAM_CODES[tg.opponent],
            "game_total": season.game_total,
            "game_spread": season.game_spread,
        }
    ).with_columns(_processed_at())
    return UPCOMING_TEAM_GAME_CONTEXT.conform(frame)


def _schedule(season: SeasonGames, offense: pl.DataFrame) -> pl.DataFrame:
    """nbac_schedule: one final regular-season row per game, with the score."""
    games = season.schedule
    points = offense["points_scored"].to_numpy()
    frame = pl.DataFrame(
        {
            "game_id": nba_game_ids(games),
            "game_date": games.game_date,
            "season_year": np.full(games.n_games, games.season_year),
            "home_team_tricode": TEAM_CODES[games.home],
            "away_team_tricode": TEAM_CODES[games.away],
            "game_status": np.full(games.n_games, FINAL),
            "is_regular_season": np.ones(games.n_games, dtype=bool),
            "home_team_score": points[::2],
            "away_team_score": points[1::2],
        }
    )
    return SCHEDULE.conform(frame)


def _processed_at() -> pl.Expr:
    """The morning after the game, UTC."""
    return (pl.col("game_date").cast(pl.Datetime("us", "UTC")) + PROCESSED_AFTER_GAME).alias("processed_at")
