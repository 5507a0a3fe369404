"""Reading the Phase 3 inputs of a run once, with the look-back its windows need, validated."""

from __future__ import annotations

import logging
from datetime import date

import polars as pl

from nbaray.input_checks import checked_against_schedule, checked_input
from nbaray.schemas import phase3
from nbaray.schemas.columns import TableSchema
from nbaray.season_calendar import season_year
from nbaray.warehouse.base import Warehouse

log = logging.getLogger(__name__)

# The names processors use for their inputs (their `compute` parameter names).
PHASE3_INPUTS: dict[str, TableSchema] = {
    "player_game_summary": phase3.PLAYER_GAME_SUMMARY,
    "team_offense_game_summary": phase3.TEAM_OFFENSE_GAME_SUMMARY,
    "team_defense_game_summary": phase3.TEAM_DEFENSE_GAME_SUMMARY,
    "upcoming_player_game_context": phase3.UPCOMING_PLAYER_GAME_CONTEXT,
    "upcoming_team_game_context": phase3.UPCOMING_TEAM_GAME_CONTEXT,
    "schedule": phase3.SCHEDULE,
}


# Each input's rows ordered by entity, date and game id: the order every window reads them in. Frames
# read in that order make the windows' own sorts cheap; correctness never depends on it.
ENTITY_ORDER: dict[str, list[str]] = {
    "player_game_summary": ["player_lookup", "game_date", "game_id"],
    "team_offense_game_summary": ["team_abbr", "game_date", "game_id"],
    "team_defense_game_summary": ["defending_team_abbr", "game_date", "game_id"],
    "upcoming_player_game_context": ["player_lookup", "game_date", "game_id"],
    "upcoming_team_game_context": ["team_abbr", "game_date", "game_id"],
    "schedule": ["game_date", "game_id"],
}


def lookback_start(first: date) -> date:
    """Oldest game date any window of `first` can reach: October 1 of the previous season.

    Season windows start on October 1 of the date's season; a few windows (team pace, a
    player's latest team) may reach into the season before.
    """
    return date(season_year(first) - 1, 10, 1)


def read_phase3(warehouse: Warehouse, start: date, end: date) -> dict[str, pl.DataFrame]:
    """Every Phase 3 input from the look-back of `start` to `end`, checked against the registry, in ENTITY_ORDER."""
    frames = {}
    for name, table in PHASE3_INPUTS.items():
        frame = warehouse.read(table, lookback_start(start), end)
        frames[name] = checked_input(table, frame).sort(ENTITY_ORDER[name])
        log.info("read %s: %d rows", table.qualified_name, frame.height)
    checked_against_schedule(frames)
    return frames


def window_inputs(frames: dict[str, pl.DataFrame], first: date, last: date) -> dict[str, pl.DataFrame]:
    """The rows a batch of dates from `first` to `last` can use (the processors enforce `< D`)."""
    lo = lookback_start(first)
    return {name: frame.filter(pl.col("game_date").is_between(lo, last)) for name, frame in frames.items()}
