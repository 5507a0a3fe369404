"""A synthetic regular-season schedule: the calendar, 1,230 games, home/away and rest patterns.

Every team plays 82 games (41 home, 41 away). The games come as 82 rounds in which each team plays
once; a round is spread over two consecutive game dates. A team therefore plays at most twice in any
three consecutive game dates (never 3 games in 3 nights), and a back-to-back can only be the late
half of one round followed by the early half of the next. Which games go early is steered so that
each team ends with 13-16 back-to-backs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from nbaray.season_calendar import opening_night

N_TEAMS = 30
GAMES_PER_TEAM = 82
N_ROUNDS = GAMES_PER_TEAM  # one game per team per round
GAMES_PER_ROUND = N_TEAMS // 2
DAYS_PER_ROUND = 2  # game dates a round is spread over
SEASON_DAYS = 174  # calendar days from opening night to the last regular-season night, inclusive
ALL_STAR_BREAK_DAYS = 6  # Friday before Presidents' Day to the Wednesday after
OPENING_NIGHT_GAMES = 2  # the opener is a small national-TV slate
EARLY_GAMES_RANGE = (5, 10)  # games on the first date of a round, inclusive
B2B_RANGE = (13, 16)  # back-to-back second legs per team, inclusive
B2B_STEER = 40.0  # weight of a team's back-to-back deficit against the random tie-break
LATE_PULL = 0.5  # how strongly a team short of back-to-backs is kept to the late date


@dataclass(frozen=True)
class Schedule:
    """One season's games in date order; teams are indices into `nbaray.teams.TEAMS`."""

    season_year: int
    game_date: np.ndarray  # datetime64[D], one per game, non-decreasing
    home: np.ndarray  # int, home team index
    away: np.ndarray  # int, away team index

    @property
    def n_games(self) -> int:
        return len(self.game_date)


def schedule(season_year: int, rng: np.random.Generator) -> Schedule:
    """The 1,230 regular-season games of `season_year`, numbered in date order."""
    dates = game_dates(season_year, rng)
    home, away = rounds(rng)
    day = _round_days(home, away, dates, rng)
    order = np.lexsort((home.ravel(), day.ravel()))
    return Schedule(
        season_year=season_year,
        game_date=dates[day.ravel()[order]],
        home=home.ravel()[order],
        away=away.ravel()[order],
    )


def game_dates(season_year: int, rng: np.random.Generator) -> np.ndarray:
    """The season's 164 game dates: opening night onwards, skipping holidays, the All-Star break and two off days."""
    opener = opening_night(season_year)
    calendar = np.arange(np.datetime64(opener), np.datetime64(opener + timedelta(days=SEASON_DAYS)))
    blocked = np.isin(calendar, np.array(no_game_days(season_year), dtype="datetime64[D]"))
    n_spare = len(calendar) - blocked.sum() - N_ROUNDS * DAYS_PER_ROUND
    # league-wide off days (e.g. election night); never the first or last week
    candidates = np.flatnonzero(~blocked[7:-7]) + 7
    blocked[rng.choice(candidates, size=n_spare, replace=False)] = True
    return calendar[~blocked]


def no_game_days(season_year: int) -> list[date]:
    """Thanksgiving, Christmas Eve and the six days of the All-Star break."""
    return [thanksgiving(season_year), date(season_year, 12, 24), *all_star_break(season_year + 1)]


def thanksgiving(year: int) -> date:
    """The fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def all_star_break(year: int) -> list[date]:
    """The six game-free days around All-Star Sunday: Friday before Presidents' Day to the Wednesday after."""
    first = date(year, 2, 1)
    presidents_day = first + timedelta(days=(0 - first.weekday()) % 7 + 14)  # third Monday of February
    friday = presidents_day - timedelta(days=3)
    return [friday + timedelta(days=i) for i in range(ALL_STAR_BREAK_DAYS)]


def rounds(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(home, away) team indices, shape (82 rounds, 15 games): every pair meets 2-3 times, 41 home games each.

    A circle-method round robin is played twice (home and away swapped) and 24 of its 29 rounds a third
    time; those third meetings are oriented along alternating cycles so each team hosts 12 of them.
    """
    single = _round_robin(rng.permutation(N_TEAMS))
    flip = rng.random(single.shape[:2]) < 0.5
    first = np.where(flip[..., None], single[..., ::-1], single)
    second = first[..., ::-1]
    extra_rounds = rng.choice(len(single), size=GAMES_PER_TEAM - 2 * len(single), replace=False)
    third = np.concatenate([_balanced_pair(single[a], single[b]) for a, b in extra_rounds.reshape(-1, 2)])
    games = np.concatenate([first, second, third])
    games = games[_spread_rematches(np.concatenate([np.arange(29), np.arange(29), extra_rounds]), rng)]
    return games[..., 0], games[..., 1]


def _round_robin(teams: np.ndarray) -> np.ndarray:
    """Circle method: 29 rounds of 15 (team, team) pairs, every pair exactly once."""
    n = len(teams) - 1
    out = np.empty((n, len(teams) // 2, 2), dtype=np.int64)
    for k in range(n):
        out[k, 0] = teams[-1], teams[k]
        offsets = np.arange(1, len(teams) // 2)
        out[k, 1:, 0] = teams[(k + offsets) % n]
        out[k, 1:, 1] = teams[(k - offsets) % n]
    return out


def _balanced_pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two rounds (as home, away pairs) oriented so every team is home in exactly one of them.

    The union of two perfect matchings is a set of even cycles; walking each cycle and hosting the
    next team gives every team one home and one away game.
    """
    partner_a = np.empty(N_TEAMS, dtype=np.int64)
    partner_b = np.empty(N_TEAMS, dtype=np.int64)
    partner_a[a[:, 0]], partner_a[a[:, 1]] = a[:, 1], a[:, 0]
    partner_b[b[:, 0]], partner_b[b[:, 1]] = b[:, 1], b[:, 0]
    games_a, games_b, seen = [], [], np.zeros(N_TEAMS, dtype=bool)
    for start in range(N_TEAMS):
        team = start
        while not seen[team]:
            seen[team] = True
            games_a.append((team, partner_a[team]))
            seen[partner_a[team]] = True
            games_b.append((partner_a[team], partner_b[partner_a[team]]))
            team = partner_b[partner_a[team]]
    return np.array([games_a, games_b], dtype=np.int64)


def _spread_rematches(base_round: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the rounds in which no round directly follows a replay of itself."""
    order = rng.permutation(len(base_round))
    for i in range(1, len(order)):
        if base_round[order[i]] == base_round[order[i - 1]]:
            ok = [j for j in range(i + 1, len(order)) if base_round[order[j]] != base_round[order[i - 1]]]
            if ok:
                j = ok[0]
                order[i], order[j] = order[j], order[i]
    return order


def _round_days(home: np.ndarray, away: np.ndarray, dates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index into `dates` of every game, shape (82, 15): round r uses dates 2r (early) and 2r+1 (late).

    Placing a game early gives a back-to-back to each of its teams that played the previous night.
    Games are ranked for the early slot by how far those teams are from their back-to-back target
    (plus noise), so every team ends inside B2B_RANGE.
    """
    low, high = B2B_RANGE
    target = rng.integers(low, high, size=N_TEAMS)  # soft aim, one below the hard ceiling at most
    b2b = np.zeros(N_TEAMS)
    played_late = np.zeros(N_TEAMS, dtype=bool)
    day = np.empty(home.shape, dtype=np.int64)
    for r in range(N_ROUNDS):
        early_day, late_day = DAYS_PER_ROUND * r, DAYS_PER_ROUND * r + 1
        consecutive = r > 0 and (dates[early_day] - dates[early_day - 1]).astype(int) == 1
        tired = played_late & consecutive  # teams for which an early game is a back-to-back
        left = N_ROUNDS - r
        h, a = home[r], away[r]
        # back-to-backs still wanted per remaining round, above the expected rate; a team that wants
        # more should play late now (a back-to-back needs a late game followed by an early one)
        want = (target - b2b) / left - target / N_ROUNDS
        pull = np.where(tired, want, -LATE_PULL * want)
        score = pull[h] + pull[a]
        # a team at the ceiling never gets another; one that must reach the floor always does
        full = tired & (b2b >= high)
        behind = tired & (low - b2b >= (left + 1) // 2)
        score[full[h] | full[a]] = -np.inf
        score[(behind[h] | behind[a]) & ~(full[h] | full[a])] = np.inf
        n_early = OPENING_NIGHT_GAMES if r == 0 else rng.integers(EARLY_GAMES_RANGE[0], EARLY_GAMES_RANGE[1] + 1)
        n_early = max(1, min(n_early, int(np.isfinite(score).sum() + (score == np.inf).sum())))
        ranked = np.argsort(-(B2B_STEER * score + rng.random(GAMES_PER_ROUND)), kind="stable")
        early = np.zeros(GAMES_PER_ROUND, dtype=bool)
        early[ranked[:n_early]] = True
        day[r] = np.where(early, early_day, late_day)
        b2b[h[early & tired[h]]] += 1
        b2b[a[early & tired[a]]] += 1
        played_late[:] = False
        played_late[h[~early]] = True
        played_late[a[~early]] = True
    return day


@dataclass(frozen=True)
class TeamGames:
    """Two rows per game, in game order: row 2g is game g's home team, row 2g+1 its away team."""

    game: np.ndarray  # game index into the Schedule
    team: np.ndarray
    opponent: np.ndarray
    is_home: np.ndarray  # bool
    game_date: np.ndarray  # datetime64[D]
    day: np.ndarray  # days since opening night
    days_rest: np.ndarray  # days since the team's previous game; 0 before its first


def team_games(games: Schedule) -> TeamGames:
    """Each game seen from both sides, with the team's calendar gap since its previous game."""
    team = np.column_stack([games.home, games.away]).ravel()
    game_date = np.repeat(games.game_date, 2)
    order = np.lexsort((game_date, team))
    gap = np.diff(game_date[order]).astype(np.int64)
    days_rest = np.empty(len(team), dtype=np.int64)
    days_rest[order] = np.where(np.diff(team[order], prepend=-1) == 0, np.concatenate([[0], gap]), 0)
    return TeamGames(
        game=np.repeat(np.arange(games.n_games), 2),
        team=team,
        opponent=np.column_stack([games.away, games.home]).ravel(),
        is_home=np.tile([True, False], games.n_games),
        game_date=game_date,
        day=(game_date - game_date.min()).astype(np.int64),
        days_rest=days_rest,
    )
