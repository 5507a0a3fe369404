"""Latent team strengths for one season and the betting lines they imply.

Pace, shot-making, zone defence, turnover forcing, offensive rebounding and rim protection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nbaray.synth.schedule import N_TEAMS, TeamGames

LEAGUE_PACE = 100.5  # possessions per 48 minutes, by the pipeline's formula
TEAM_PACE_SD = 2.5  # possessions per 48
TEAM_OFFENSE_SD = 0.018  # log multiplier on every make probability
ZONE_DEFENSE_SD = np.array([0.024, 0.02, 0.011])  # FG% allowed above league, paint / mid / three
ZONE_DEFENSE_SHARED = 0.7  # correlation of a zone's FG% allowed with the team's overall defence
TURNOVER_FORCING_SD = 0.06  # log multiplier on the opponent's turnovers
LEAGUE_OREB = 10.5  # offensive rebounds per 100 possessions
TEAM_OREB_SD = 1.2
BLOCKING_SD = 0.2  # log multiplier on blocks
HOME_EFFICIENCY = 1.012  # on the home team's make rates; the away team gets the reciprocal (~2.7 points)
ZONE_ATTEMPTS_PER_100 = np.array([37.5, 15.0, 35.0])  # league shots per 100 possessions, paint / mid / three
ZONE_POINTS = np.array([2, 2, 3])
LEAGUE_POINTS_PER_POSSESSION = 1.12
TOTAL_LINE_SD = 3.0  # points between the book's total and the ratings' expectation
SPREAD_LINE_SD = 2.0  # points between the book's spread and the ratings' expected margin


@dataclass(frozen=True)
class TeamRatings:
    """One value per team index (`nbaray.teams.TEAMS` order); zone arrays are (30, 3)."""

    pace: np.ndarray
    offense: np.ndarray  # multiplier on the team's make probabilities
    zone_fg_allowed: np.ndarray  # added to the opponent's make probability, paint / mid / three
    turnovers_forced: np.ndarray  # multiplier on the opponent's turnovers
    oreb_per_100: np.ndarray
    blocking: np.ndarray  # multiplier on blocks


def team_ratings(rng: np.random.Generator) -> TeamRatings:
    """Fresh latent strengths for every team; a good defence is usually good in every zone."""
    defense = rng.normal(size=(N_TEAMS, 1))
    zone_noise = rng.normal(size=(N_TEAMS, 3))
    zone = ZONE_DEFENSE_SD * (ZONE_DEFENSE_SHARED * defense + np.sqrt(1 - ZONE_DEFENSE_SHARED**2) * zone_noise)
    return TeamRatings(
        pace=rng.normal(LEAGUE_PACE, TEAM_PACE_SD, N_TEAMS),
        offense=rng.lognormal(0, TEAM_OFFENSE_SD, N_TEAMS),
        zone_fg_allowed=zone - zone.mean(axis=0),
        turnovers_forced=rng.lognormal(-0.5 * defense[:, 0] * TURNOVER_FORCING_SD, TURNOVER_FORCING_SD),
        oreb_per_100=rng.normal(LEAGUE_OREB, TEAM_OREB_SD, N_TEAMS),
        blocking=rng.lognormal(-0.5 * defense[:, 0] * BLOCKING_SD, BLOCKING_SD),
    )


def betting_lines(
    games: TeamGames, ratings: TeamRatings, points: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(game total, team spread) per team-game, in half points, around the points the ratings expect.

    Expected points come from the pair's pace, the team's shot-making, the opponent's zone defence
    and home court, scaled so the league average matches the season's; negative spread = favourite.
    """
    pair_pace = (ratings.pace[games.team] + ratings.pace[games.opponent]) / 2
    home_factor = np.where(games.is_home, HOME_EFFICIENCY, 1 / HOME_EFFICIENCY)
    defense = ratings.zone_fg_allowed[games.opponent] @ (ZONE_ATTEMPTS_PER_100 * ZONE_POINTS) / 100
    expected = pair_pace * (LEAGUE_POINTS_PER_POSSESSION * ratings.offense[games.team] * home_factor + defense)
    expected *= points.mean() / expected.mean()
    total = np.repeat(expected[::2] + expected[1::2] + rng.normal(0, TOTAL_LINE_SD, len(expected) // 2), 2)
    home_spread = expected[1::2] - expected[::2] + rng.normal(0, SPREAD_LINE_SD, len(expected) // 2)
    spread = np.column_stack([home_spread, -home_spread]).ravel()
    return _half_points(total), _half_points(spread)


def _half_points(values: np.ndarray) -> np.ndarray:
    """Values rounded to the nearest half point, as books quote them."""
    return np.rint(values * 2) / 2
