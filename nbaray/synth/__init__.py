"""Synthetic Phase 3 inputs: full regular seasons of schedule, box scores and team context.

The recipe is phase3-inputs section 9. `upcoming_player_game_context` is not generated: for past
dates the pipeline derives that context itself (D6).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from nbaray.schemas.phase3 import (
    PLAYER_GAME_SUMMARY,
    SCHEDULE,
    TEAM_DEFENSE_GAME_SUMMARY,
    TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_TEAM_GAME_CONTEXT,
)
from nbaray.synth import games, players, ratings, schedule, tables

GENERATED_TABLES = (
    PLAYER_GAME_SUMMARY,
    TEAM_OFFENSE_GAME_SUMMARY,
    TEAM_DEFENSE_GAME_SUMMARY,
    UPCOMING_TEAM_GAME_CONTEXT,
    SCHEDULE,
)
POOL_STREAM = 0  # seed-sequence key of the player pool; seasons use their year as key

__all__ = ["GENERATED_TABLES", "generate_seasons"]


def generate_seasons(seasons: Sequence[int], seed: int = 0) -> dict[str, pl.DataFrame]:
    """Synthetic Phase 3 tables for the given season years (2023 = the 2023-24 season).

    Parameters
    ----------
    seasons
        Season start years; each is generated on its own, so a season's rows do not depend on
        which other seasons are asked for.
    seed
        The same seed gives identical frames; the players (names, roles, shooting) depend on the
        seed only and carry over from season to season.

    Returns
    -------
    dict[str, DataFrame]
        One frame per generated table, keyed by `dataset.table`, with exactly the registry's
        columns and dtypes, in season and date order.
    """
    pool = players.player_pool(np.random.default_rng([seed, POOL_STREAM]))
    per_season = [season_tables(year, pool, seed) for year in sorted(set(seasons))]
    return {
        t.qualified_name: pl.concat([s[t.qualified_name] for s in per_season]) if per_season else t.empty()
        for t in GENERATED_TABLES
    }


def season_tables(season_year: int, pool: players.PlayerPool, seed: int) -> dict[str, pl.DataFrame]:
    """One season's tables; each part draws from its own stream so changing one leaves the others alone."""
    calendar_rng, roster_rng, ratings_rng, game_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, season_year]).spawn(4)
    )
    season_games = schedule.schedule(season_year, calendar_rng)
    team_games = schedule.team_games(season_games)
    rosters = players.game_rosters(
        players.opening_rosters(roster_rng),
        players.trades(season_year, roster_rng),
        team_games.team,
        team_games.game_date,
    )
    out = players.injured(rosters, team_games.game_date, roster_rng)
    form = players.form(int(team_games.day.max()) + 1, roster_rng)
    team_ratings = ratings.team_ratings(ratings_rng)
    box = games.box_scores(team_games, pool, rosters, out, team_ratings, form, game_rng)
    total, spread = ratings.betting_lines(team_games, team_ratings, box.points.sum(axis=1), game_rng)
    return tables.season_tables(
        tables.SeasonGames(
            schedule=season_games,
            team_games=team_games,
            pool=pool,
            box=box,
            game_total=total,
            game_spread=spread,
        )
    )
