"""Box scores: who plays, minutes, shots by zone and makes, free throws, turnovers, overtime.

Everything is an array over (team-game, roster slot). A team's plays (FGA + 0.44*FTA + TOV) equal its
possessions plus its offensive rebounds, so the pipeline's possession formula gives back the drawn
pace, and they are shared out by usage x minutes, so minute-weighted usage is 20 % by construction.
A player's points depend on his usage and form, minutes, his own rest, the opponent's FG% allowed in
each zone, the game's pace, home court and his team's shot-making.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nbaray.synth.players import (
    DEEP_BENCH_FILL_IN,
    DEEP_TIER,
    LOAD_MANAGEMENT_AGE,
    LOAD_MANAGEMENT_RATE,
    TIER_APPEARS,
    TIER_OF_SLOT,
    PlayerPool,
)
from nbaray.synth.ratings import HOME_EFFICIENCY, TeamRatings
from nbaray.synth.schedule import TeamGames

REGULATION_MINUTES = 48  # per game
OVERTIME_MINUTES = 5  # per period
PLAYERS_ON_COURT = 5
MIN_PLAYERS = 8  # a team dresses at least this many who play
MINUTES_NOISE_SD = 0.15  # log SD of a player's minutes around his usual
MINUTES_CAP = 44.0  # most minutes anyone plays in regulation
GAME_PACE_SD = 3.0  # possessions per 48, game to game
TEAM_POSSESSION_SD = 1.0  # possessions, between the two teams of one game
FT_WEIGHT = 0.44  # free-throw attempts per play in the possession formula
FORM_EFFICIENCY = 0.5  # share of the log form that raises make rates (the rest raises usage)
BACK_TO_BACK_EFFICIENCY = 0.94  # multiplier on make rates on the second night of a back-to-back
TIRED_DEFENSE_EFFICIENCY = 1.015  # multiplier on make rates against a team on a back-to-back
BACK_TO_BACK_PACE = 1.0  # possessions per 48 a game loses for each team on a back-to-back
EXTRA_REST_EFFICIENCY = 1.02  # after 3+ days off
MAKE_PROBABILITY_RANGE = (0.05, 0.95)
MAX_OVERTIMES = 20  # a tie surviving this many periods is a bug, not basketball
BLOCK_RATE = np.array([0.26, 0.067, 0.013])  # blocks per missed shot, paint / mid / three
LOAD_MANAGEMENT_TIERS = 2  # stars and secondary starters
OVERTIME_ROTATION = 7  # players per team who see overtime minutes


@dataclass(frozen=True)
class BoxScores:
    """Per (team-game, slot) counts, zero where the player did not play; zone axis is paint / mid / three."""

    player: np.ndarray  # (n, 15) player index
    played: np.ndarray  # (n, 15) bool
    minutes: np.ndarray  # (n, 15) whole minutes
    fga: np.ndarray
    fta: np.ndarray
    ftm: np.ndarray
    tov: np.ndarray
    zone_attempts: np.ndarray  # (n, 15, 3)
    zone_makes: np.ndarray  # (n, 15, 3)
    assisted: np.ndarray
    oreb: np.ndarray  # (n,) team offensive rebounds
    blocks: np.ndarray  # (n, 3) blocks by the row's team, on the opponent's shots, by zone
    overtime: np.ndarray  # (n,) overtime periods of the game

    @property
    def points(self) -> np.ndarray:
        """(n, 15) 2 per two, 3 per three, 1 per free throw."""
        return 2 * self.zone_makes[..., :2].sum(axis=-1) + 3 * self.zone_makes[..., 2] + self.ftm


@dataclass(frozen=True)
class _Rates:
    """Per (team-game, slot) tendencies that stay fixed through regulation and overtime."""

    usage: np.ndarray  # weight of the player's plays per minute
    tov_share: np.ndarray  # turnovers per play
    ft_share: np.ndarray  # 0.44 * FTA per play
    zone_shares: np.ndarray  # (n, 15, 3) FGA by zone
    make_rate: np.ndarray  # (n, 15, 3)
    ft_pct: np.ndarray
    assisted_rate: np.ndarray
    oreb_per_100: np.ndarray  # (n,) the team's offensive rebounds per 100 possessions

    def rows(self, index: np.ndarray) -> _Rates:
        return _Rates(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


def box_scores(
    games: TeamGames,
    pool: PlayerPool,
    rosters: np.ndarray,
    injured: np.ndarray,
    ratings: TeamRatings,
    form: np.ndarray,
    rng: np.random.Generator,
) -> BoxScores:
    """Every team-game's box score, with overtime periods added until no game is tied."""
    played = appearances(games, pool, rosters, injured, rng)
    rates = _rates(games, pool, rosters, played, ratings, form)
    pace = game_pace(games, ratings, rng)
    raw = np.where(played, pool.minutes[rosters] * rng.lognormal(0, MINUTES_NOISE_SD, rosters.shape), 0.0)
    minutes = integer_minutes(_filled(raw, REGULATION_MINUTES * PLAYERS_ON_COURT), played)
    totals = _stint(minutes, pace + rng.normal(0, TEAM_POSSESSION_SD, len(pace)), rates, rng)
    overtime = np.zeros(len(games.team), dtype=np.int64)
    for _ in range(MAX_OVERTIMES):
        rows = np.flatnonzero(_tied(totals))
        if not len(rows):
            break
        # the closers play overtime: minutes shared in proportion to regulation minutes squared
        closers = played[rows] & (_rank_desc(minutes[rows]) < OVERTIME_ROTATION)
        weights = np.where(closers, minutes[rows].astype(float) ** 2, 0.0)
        ot_minutes = integer_minutes(_capped(weights, OVERTIME_MINUTES * PLAYERS_ON_COURT), closers)
        ot_possessions = pace[rows] * OVERTIME_MINUTES / REGULATION_MINUTES
        for name, value in _stint(ot_minutes, ot_possessions, rates.rows(rows), rng).items():
            totals[name][rows] += value
        minutes[rows] += ot_minutes
        overtime[rows] += 1
    else:
        raise RuntimeError(f"games still tied after {MAX_OVERTIMES} overtimes")
    misses = (totals["zone_attempts"] - totals["zone_makes"]).sum(axis=1)
    opponent_misses = misses.reshape(-1, 2, 3)[:, ::-1].reshape(-1, 3)
    block_rate = np.minimum(BLOCK_RATE * ratings.blocking[games.team][:, None], 0.9)
    return BoxScores(
        player=rosters,
        played=played,
        minutes=minutes,
        fga=totals["zone_attempts"].sum(axis=-1),
        fta=totals["fta"],
        ftm=totals["ftm"],
        tov=totals["tov"],
        zone_attempts=totals["zone_attempts"],
        zone_makes=totals["zone_makes"],
        assisted=totals["assisted"],
        oreb=totals["oreb"],
        blocks=rng.binomial(opponent_misses, block_rate),
        overtime=overtime,
    )


def game_pace(games: TeamGames, ratings: TeamRatings, rng: np.random.Generator) -> np.ndarray:
    """(n,) possessions per 48 of each game (same on both rows): the teams' mean, slower when tired, plus noise."""
    mean = (ratings.pace[games.team[::2]] + ratings.pace[games.opponent[::2]]) / 2
    tired_teams = (games.days_rest == 1).reshape(-1, 2).sum(axis=1)
    return np.repeat(mean - BACK_TO_BACK_PACE * tired_teams + rng.normal(0, GAME_PACE_SD, len(mean)), 2)


def appearances(
    games: TeamGames, pool: PlayerPool, rosters: np.ndarray, injured: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """(n, 15) true where the player gets into the game: healthy, not rested, and picked by the coach.

    Older stars sit some second legs of back-to-backs; the deep bench plays more when regulars are out.
    """
    tier = TIER_OF_SLOT[pool.slot[rosters]]
    age = games.game_date.astype("datetime64[Y]").astype(np.int64)[:, None] + 1970 - pool.birth_year[rosters]
    rested = (
        (tier < LOAD_MANAGEMENT_TIERS)
        & (age >= LOAD_MANAGEMENT_AGE)
        & (games.days_rest == 1)[:, None]
        & (rng.random(rosters.shape) < LOAD_MANAGEMENT_RATE)
    )
    healthy = ~injured & ~rested
    regulars_out = (~healthy & (tier < DEEP_TIER)).sum(axis=1, keepdims=True)
    chance = TIER_APPEARS[tier] + np.where(tier == DEEP_TIER, DEEP_BENCH_FILL_IN * regulars_out, 0.0)
    played = healthy & (rng.random(rosters.shape) < chance)
    short = played.sum(axis=1) < MIN_PLAYERS
    played[short] = healthy[short]
    return played


def player_rest(rosters: np.ndarray, played: np.ndarray, day: np.ndarray) -> np.ndarray:
    """(n, 15) days since the player's previous appearance; 0 for his first game or a DNP."""
    cell = np.flatnonzero(played.ravel())
    player = rosters.ravel()[cell]
    cell_day = np.repeat(day, rosters.shape[1])[cell]
    order = np.lexsort((cell_day, player))
    gap = np.diff(cell_day[order], prepend=0)
    same_player = np.diff(player[order], prepend=-1) == 0
    rest = np.zeros(rosters.size, dtype=np.int64)
    rest[cell[order]] = np.where(same_player, gap, 0)
    return rest.reshape(rosters.shape)


def integer_minutes(minutes: np.ndarray, played: np.ndarray) -> np.ndarray:
    """Whole minutes, at least 1 for anyone who played, with each row's total kept (largest remainder)."""
    target = np.rint(minutes.sum(axis=1, keepdims=True))
    kept = np.where(played, np.maximum(minutes, 1.0), 0.0)
    whole = np.floor(kept)
    deficit = target - whole.sum(axis=1, keepdims=True)
    by_remainder = _rank_desc(np.where(played, kept - whole, -1.0))
    by_size = _rank_desc(np.where(played & (whole > 1), whole, -1.0))
    whole += played & (by_remainder < deficit)
    whole -= played & (whole > 1) & (by_size < -deficit)
    return whole.astype(np.int64)


def _filled(raw: np.ndarray, total: float) -> np.ndarray:
    """Usual minutes made to sum to `total` per row: missing minutes go mostly to the bench, not the stars.

    Each player takes a share of the shortfall in proportion to his minutes times his room below
    MINUTES_CAP; a surplus is taken back in proportion to minutes.
    """
    shortfall = total - raw.sum(axis=1, keepdims=True)
    room = raw * np.clip(MINUTES_CAP - raw, 0, None)
    grown = raw + np.maximum(shortfall, 0) * room / room.sum(axis=1, keepdims=True)
    return _capped(grown, total)


def _capped(weights: np.ndarray, total: float) -> np.ndarray:
    """Weights scaled to sum to `total` per row, nobody above MINUTES_CAP (per 48 minutes of the stint)."""
    cap = MINUTES_CAP * total / (REGULATION_MINUTES * PLAYERS_ON_COURT)
    scaled = weights
    for _ in range(4):
        scaled = np.minimum(scaled * total / scaled.sum(axis=1, keepdims=True), cap)
    return scaled * total / scaled.sum(axis=1, keepdims=True)


def _rates(
    games: TeamGames,
    pool: PlayerPool,
    rosters: np.ndarray,
    played: np.ndarray,
    ratings: TeamRatings,
    form: np.ndarray,
) -> _Rates:
    """Each slot's tendencies in each game: the player's own, moved by form, rest and the matchup."""
    player_form = form[rosters, games.day[:, None]]
    return _Rates(
        usage=pool.usage[rosters] * np.exp((1 - FORM_EFFICIENCY) * player_form),
        tov_share=pool.tov_share[rosters] * ratings.turnovers_forced[games.opponent][:, None],
        ft_share=pool.ft_share[rosters],
        zone_shares=pool.zone_shares[rosters],
        make_rate=_make_rates(games, pool, rosters, ratings, player_form, player_rest(rosters, played, games.day)),
        ft_pct=pool.ft_pct[rosters],
        assisted_rate=pool.assisted_rate[rosters],
        oreb_per_100=ratings.oreb_per_100[games.team],
    )


def _make_rates(
    games: TeamGames,
    pool: PlayerPool,
    rosters: np.ndarray,
    ratings: TeamRatings,
    player_form: np.ndarray,
    rest: np.ndarray,
) -> np.ndarray:
    """(n, 15, 3) chance a shot by zone goes in: shooter, form, rest, home court, team, opponent's defence and rest."""
    rest_factor = np.where(rest == 1, BACK_TO_BACK_EFFICIENCY, np.where(rest >= 3, EXTRA_REST_EFFICIENCY, 1.0))
    tired_opponent = (games.days_rest == 1).reshape(-1, 2)[:, ::-1].ravel()
    team_factor = (
        np.where(games.is_home, HOME_EFFICIENCY, 1 / HOME_EFFICIENCY)
        * np.where(tired_opponent, TIRED_DEFENSE_EFFICIENCY, 1.0)
        * ratings.offense[games.team]
    )
    factor = np.exp(FORM_EFFICIENCY * player_form) * rest_factor * team_factor[:, None]
    rate = pool.zone_fg_pct[rosters] * factor[..., None] + ratings.zone_fg_allowed[games.opponent][:, None, :]
    return np.clip(rate, *MAKE_PROBABILITY_RANGE)


def _stint(
    minutes: np.ndarray, possessions: np.ndarray, rates: _Rates, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Counts for one stretch of play (regulation or one overtime) given minutes and team possessions.

    Team turnovers and free throws are drawn first, field goals fill the remaining plays, and each is
    shared out among the players by usage x minutes.
    """
    oreb = rng.poisson(rates.oreb_per_100 * possessions / 100)
    plays = possessions + oreb
    share = rates.usage * minutes
    share = share / share.sum(axis=1, keepdims=True)
    tov_team = rng.poisson(plays * (share * rates.tov_share).sum(axis=1))
    fta_team = rng.poisson(plays * (share * rates.ft_share).sum(axis=1) / FT_WEIGHT)
    fga_team = np.maximum(np.rint(plays - tov_team - FT_WEIGHT * fta_team), 0).astype(np.int64)
    shot_share = share * np.maximum(1 - rates.tov_share - rates.ft_share, 0.05)
    zone_attempts = rng.multinomial(rng.multinomial(fga_team, _normalized(shot_share)), rates.zone_shares)
    zone_makes = rng.binomial(zone_attempts, rates.make_rate)
    fta = rng.multinomial(fta_team, _normalized(share * rates.ft_share))
    return {
        "zone_attempts": zone_attempts,
        "zone_makes": zone_makes,
        "fta": fta,
        "ftm": rng.binomial(fta, rates.ft_pct),
        "tov": rng.multinomial(tov_team, _normalized(share * rates.tov_share)),
        "assisted": rng.binomial(zone_makes.sum(axis=-1), rates.assisted_rate),
        "oreb": oreb,
    }


def _normalized(weights: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to just under 1, as `multinomial` requires."""
    return weights / weights.sum(axis=-1, keepdims=True) * (1 - 1e-12)


def _rank_desc(values: np.ndarray) -> np.ndarray:
    """Position of each value in its row when sorted largest first (0 = largest)."""
    return np.argsort(np.argsort(-values, axis=1, kind="stable"), axis=1, kind="stable")


def _tied(totals: dict[str, np.ndarray]) -> np.ndarray:
    """(n,) true on both rows of every game whose two teams have scored the same."""
    makes = totals["zone_makes"]
    points = (2 * makes[..., :2].sum(axis=-1) + 3 * makes[..., 2] + totals["ftm"]).sum(axis=1)
    return np.repeat(points[::2] == points[1::2], 2)
