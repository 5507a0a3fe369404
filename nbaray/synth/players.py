"""Synthetic players: names and lookups, roles and shot archetypes, rosters, trades, injuries and form.

One pool of 450 players (15 per team) is drawn from the seed alone, so a player keeps his name, role and
shooting across seasons. Each season reshuffles some players between teams in the offseason, moves a
few more in mid-season trades, and draws its own injuries and scoring form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from nbaray.synth.schedule import N_TEAMS, all_star_break

ROSTER_SIZE = 15  # players per team on every date; trades swap players one for one
N_PLAYERS = N_TEAMS * ROSTER_SIZE
REFERENCE_SEASON = 2023  # season in which the pool's ages are drawn

# Roster slot -> role tier (phase3-inputs 2.4): star, 2 secondary starters, 2 role starters, 3 rotation,
# 3 end of bench, 4 deep bench. A slot keeps its tier for good; trades swap equal slots.
TIER_OF_SLOT = np.array([0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5])
TIER_MINUTES = np.array([[34, 37], [30, 35], [26, 32], [16, 24], [8, 15], [2, 8]])  # minutes per game played
TIER_USAGE = np.array([[0.26, 0.32], [0.22, 0.26], [0.14, 0.19], [0.15, 0.21], [0.13, 0.17], [0.12, 0.17]])
TIER_EFFICIENCY = np.array([0.035, 0.015, 0.0, 0.0, -0.01, -0.025])  # added to every zone FG%
TIER_APPEARS = np.array([1.0, 1.0, 1.0, 1.0, 0.8, 0.25])  # chance to get in a game when healthy
DEEP_BENCH_FILL_IN = 0.08  # extra appearance chance of the deep bench per injured regular
DEEP_TIER = 5

# Shot archetypes: share of FGA by zone (paint, mid, three), zone FG%, FT%, share of FGM assisted,
# turnovers and 0.44*FTA as shares of a player's plays. Rim big, stretch big, wing, creator guard.
ZONE_SHARES = np.array([[0.75, 0.12, 0.13], [0.45, 0.12, 0.43], [0.31, 0.17, 0.52], [0.36, 0.22, 0.42]])
ZONE_FG_PCT = np.array([[0.64, 0.39, 0.29], [0.585, 0.40, 0.345], [0.56, 0.405, 0.355], [0.55, 0.415, 0.345]])
FT_PCT = np.array([0.68, 0.78, 0.80, 0.84])
ASSISTED_RATE = np.array([0.80, 0.72, 0.66, 0.42])
TOV_SHARE = np.array([0.12, 0.11, 0.11, 0.135])
FT_SHARE = np.array([0.10, 0.07, 0.07, 0.085])
ARCHETYPE_WEIGHTS = np.array([0.2, 0.13, 0.4, 0.27])
ZONE_SHARE_CONCENTRATION = 40  # Dirichlet concentration of a player's shot mix around his archetype's
ZONE_FG_PCT_SD = 0.02  # player-to-player spread of each zone's make rate
FT_PCT_SD = 0.05
ASSISTED_RATE_SD = 0.06
TOV_SHARE_SD = 0.1  # log SD
FT_SHARE_SD = 0.15  # log SD
STAR_FREE_THROWS = 1.3  # stars get to the line this much more often than their archetype
AGE_GAMMA = (2.2, 3.0)  # shape, scale of years above 20 in the reference season (mean age about 26.5)

OFFSEASON_MOVERS_PER_SLOT = 8  # teams whose player in a slot changes over the summer
TRADE_MOVES_RANGE = (30, 60)  # player team changes per season, inclusive
TRADE_SLOT_WEIGHTS = np.array([0.2, 0.6, 1.0, 1.2, 1.2, 1.2, 1.2, 1.2, 1.0, 1.0, 1.0, 0.6, 0.6, 0.6, 0.6])
DEADLINE_BEFORE_ALL_STAR = 8  # days: the trade deadline is the Thursday a week before the break
DEADLINE_RUSH_DAYS = 10  # most trades fall in the 10 days before the deadline
DEADLINE_RUSH_SHARE = 0.75
EARLY_TRADE_START = (12, 15)  # month, day: players signed in summer can be traded from mid-December
INJURY_GAMES_RANGE = (5, 20)  # games a regular misses per season, inclusive
LOAD_MANAGEMENT_AGE = 31  # stars and secondary starters this old sit some back-to-backs
LOAD_MANAGEMENT_RATE = 0.35  # chance such a player sits the second leg of a back-to-back
FORM_DRIFT_SD = 0.12  # SD of the within-season drift of log scoring form, after a full season
SEASON_FORM_SD = 0.06  # SD of a player's season-to-season change in log scoring form

FIRST_NAMES = (
    "Aaron", "Andre", "Anthony", "Bam", "Brandon", "Caleb", "Cam", "Chet", "Christian", "Cole", "Dante", "Darius",
    "D'Angelo", "De'Aaron", "DeMarcus", "Derrick", "Devin", "Donovan", "Dylan", "Elijah", "Evan", "Franz", "Gabriel",
    "Grant", "Isaiah", "Jabari", "Ja'Marr", "Jalen", "Jamal", "Jaren", "Jaylen", "Jerome", "Jonas", "Jordan", "Josh",
    "Julius", "Kai", "Keegan", "Kelly", "Kevin", "Killian", "Kyle", "Lamar", "Luka", "Malik", "Marcus", "Mikal",
    "Miles", "Nikola", "Norman", "Obi", "Oscar", "Paolo", "Quentin", "Rasheed", "Reggie", "Santi", "Scottie",
    "Shai", "Terrence", "Tobias", "Trey", "Tyrese", "Victor", "Walker", "Xavier", "Zach", "Zion", "André", "José",
)  # fmt: skip
LAST_NAMES = (
    "Abernathy", "Achterberg", "Adebayo-Reid", "Alvarado", "Ashworth", "Barlow", "Bellweather", "Bogdanić",
    "Brightwater", "Calloway", "Castellanos", "Cunningham", "Dalembert", "Deveraux", "Dorsey", "Drummond-Fox",
    "Easley", "Fairbanks", "Fontaine", "Garrison", "Gillespie", "Grimaldi", "Hargrove", "Holloway", "Ibekwe",
    "Jankovic", "Jefferson", "Kaminski", "Kessler", "Kowalczyk", "Lambright", "Larkspur", "Lindqvist", "Mabry",
    "Maddox", "Marchetti", "McAllister", "Montgomery", "Nakamura", "Navarro", "Nwankwo", "O'Bannon", "Okafor",
    "Oyelaran", "Pemberton", "Petrović", "Quarles", "Radovanović", "Ramsey", "Rivers-Hall", "Rosario", "Saxton",
    "Schröder", "Sinclair", "Stojaković", "Sutherland", "Thibodeaux", "Tillman", "Underwood", "Valančiūnas",
    "Vanterpool", "Wainwright", "Whitfield", "Winslow", "Yarbrough", "Zeller", "Zubac", "Öztürk",
)  # fmt: skip
SUFFIXES = ("", "", "", "", "", "", "", "", "", "", " Jr.", " II", " III", " Sr.")


@dataclass(frozen=True)
class PlayerPool:
    """The league's 450 players; index p is the player's row in every array."""

    lookup: np.ndarray  # str, lowercase alphanumeric, unique
    birth_year: np.ndarray  # int
    slot: np.ndarray  # roster slot 0-14, fixing the role tier
    archetype: np.ndarray  # 0 rim big, 1 stretch big, 2 wing, 3 creator guard
    zone_shares: np.ndarray  # (P, 3) share of FGA by zone
    zone_fg_pct: np.ndarray  # (P, 3) make rate by zone before matchup effects
    ft_pct: np.ndarray
    assisted_rate: np.ndarray
    tov_share: np.ndarray
    ft_share: np.ndarray
    minutes: np.ndarray  # usual minutes when he plays
    usage: np.ndarray  # share of team plays while on the floor


@dataclass(frozen=True)
class Trades:
    """Mid-season moves: after `trade_date`, the slot's players of team_a and team_b swap teams."""

    trade_date: np.ndarray  # datetime64[D]
    team_a: np.ndarray
    team_b: np.ndarray
    slot: np.ndarray


def player_pool(rng: np.random.Generator) -> PlayerPool:
    """450 players with names, roles and shooting; player p starts in slot p % 15 of team p // 15."""
    slot = np.arange(N_PLAYERS) % ROSTER_SIZE
    tier = TIER_OF_SLOT[slot]
    archetype = rng.choice(len(ARCHETYPE_WEIGHTS), size=N_PLAYERS, p=ARCHETYPE_WEIGHTS)
    age = np.clip(20 + np.rint(rng.gamma(*AGE_GAMMA, size=N_PLAYERS)), 19, 38).astype(np.int64)
    zone_shares = rng.gamma(ZONE_SHARE_CONCENTRATION * ZONE_SHARES[archetype])  # Dirichlet, unnormalised
    zone_fg = ZONE_FG_PCT[archetype] + TIER_EFFICIENCY[tier][:, None] + rng.normal(0, ZONE_FG_PCT_SD, (N_PLAYERS, 3))
    low, high = TIER_MINUTES[tier].T
    usage_low, usage_high = TIER_USAGE[tier].T
    return PlayerPool(
        lookup=np.array(player_lookups(rng)),
        birth_year=REFERENCE_SEASON - age,
        slot=slot,
        archetype=archetype,
        zone_shares=zone_shares / zone_shares.sum(axis=1, keepdims=True),
        zone_fg_pct=np.clip(zone_fg, 0.2, 0.8),
        ft_pct=np.clip(FT_PCT[archetype] + rng.normal(0, FT_PCT_SD, N_PLAYERS), 0.5, 0.95),
        assisted_rate=np.clip(ASSISTED_RATE[archetype] + rng.normal(0, ASSISTED_RATE_SD, N_PLAYERS), 0.15, 0.95),
        tov_share=TOV_SHARE[archetype] * rng.lognormal(0, TOV_SHARE_SD, N_PLAYERS),
        ft_share=FT_SHARE[archetype]
        * rng.lognormal(0, FT_SHARE_SD, N_PLAYERS)
        * np.where(tier == 0, STAR_FREE_THROWS, 1.0),
        minutes=rng.uniform(low, high),
        usage=rng.uniform(usage_low, usage_high),
    )


def player_lookups(rng: np.random.Generator) -> list[str]:
    """450 distinct lookups of generated names, normalised as the registry does."""
    combos = rng.permuted(np.arange(len(FIRST_NAMES) * len(LAST_NAMES)))[: 2 * N_PLAYERS]
    suffix = rng.integers(len(SUFFIXES), size=len(combos))
    names = [
        f"{FIRST_NAMES[c // len(LAST_NAMES)]} {LAST_NAMES[c % len(LAST_NAMES)]}{SUFFIXES[s]}"
        for c, s in zip(combos, suffix, strict=True)
    ]
    return list(dict.fromkeys(normalized_lookup(n) for n in names))[:N_PLAYERS]


def normalized_lookup(name: str) -> str:
    """The name lowercased, diacritics stripped, every character outside [a-z0-9] removed."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


def opening_rosters(rng: np.random.Generator) -> np.ndarray:
    """(30, 15) player index per team and slot on opening night, after the summer's moves."""
    rosters = np.arange(N_PLAYERS).reshape(N_TEAMS, ROSTER_SIZE)
    for slot in range(ROSTER_SIZE):
        movers = rng.choice(N_TEAMS, size=OFFSEASON_MOVERS_PER_SLOT, replace=False)
        rosters[movers, slot] = rosters[np.roll(movers, 1), slot]
    return rosters


def trades(season_year: int, rng: np.random.Generator) -> Trades:
    """Same-slot swaps between two teams, most in the days before the deadline; nobody is traded twice."""
    n_swaps = rng.integers(TRADE_MOVES_RANGE[0], TRADE_MOVES_RANGE[1] + 1) // 2
    deadline = trade_deadline(season_year)
    early_start = date(season_year, *EARLY_TRADE_START)
    rush = rng.random(n_swaps) < DEADLINE_RUSH_SHARE
    days_before = np.where(
        rush,
        rng.integers(0, DEADLINE_RUSH_DAYS, n_swaps),
        rng.integers(0, (deadline - early_start).days + 1, n_swaps),
    )
    slots = rng.choice(ROSTER_SIZE, size=n_swaps, p=TRADE_SLOT_WEIGHTS / TRADE_SLOT_WEIGHTS.sum())
    used = np.zeros((N_TEAMS, ROSTER_SIZE), dtype=bool)
    team_a, team_b = np.empty(n_swaps, dtype=np.int64), np.empty(n_swaps, dtype=np.int64)
    for i, slot in enumerate(slots):
        team_a[i], team_b[i] = rng.choice(np.flatnonzero(~used[:, slot]), size=2, replace=False)
        used[[team_a[i], team_b[i]], slot] = True
    return Trades(
        trade_date=np.datetime64(deadline) - days_before.astype("timedelta64[D]"),
        team_a=team_a,
        team_b=team_b,
        slot=slots,
    )


def trade_deadline(season_year: int) -> date:
    """The Thursday eight days before the All-Star break (e.g. 2024-02-08)."""
    return all_star_break(season_year + 1)[0] - timedelta(days=DEADLINE_BEFORE_ALL_STAR)


def game_rosters(opening: np.ndarray, moves: Trades, team: np.ndarray, game_date: np.ndarray) -> np.ndarray:
    """(team-games, 15) player index in each slot of `team` on `game_date`, trades applied after their date."""
    rosters = opening[team]
    for d, a, b, slot in zip(moves.trade_date, moves.team_a, moves.team_b, moves.slot, strict=True):
        after = game_date > d
        rosters[after & (team == a), slot] = opening[b, slot]
        rosters[after & (team == b), slot] = opening[a, slot]
    return rosters


def injured(rosters: np.ndarray, game_date: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(team-games, 15) true where the slot's player is out injured: 5-20 games in 1-3 spells per regular.

    Spells are counted in the player's own games (his team's schedule, across a trade) and each lies
    in its own third, half or whole of his season, so spells never overlap.
    """
    player = rosters.ravel()
    order = np.lexsort((np.repeat(game_date, ROSTER_SIZE), player))
    counts = np.bincount(player, minlength=N_PLAYERS)
    game_no = np.empty(len(player), dtype=np.int64)
    game_no[order] = np.arange(len(player)) - np.repeat(np.cumsum(counts) - counts, counts)
    n_spells = rng.integers(1, 4, size=N_PLAYERS)
    missed = rng.integers(INJURY_GAMES_RANGE[0], INJURY_GAMES_RANGE[1] + 1, size=N_PLAYERS)
    share = rng.dirichlet(np.ones(3), size=N_PLAYERS) * (np.arange(3) < n_spells[:, None])
    share /= share.sum(axis=1, keepdims=True)
    length = np.floor(share * missed[:, None]).astype(np.int64)
    length[:, 0] += missed - length.sum(axis=1)
    segment = counts[:, None] // n_spells[:, None]
    start = np.arange(3) * segment + np.floor(rng.random((N_PLAYERS, 3)) * np.maximum(segment - length, 1))
    regular = TIER_OF_SLOT[np.arange(N_PLAYERS) % ROSTER_SIZE] < DEEP_TIER
    out = (game_no[:, None] >= start[player]) & (game_no[:, None] < start[player] + length[player])
    return (out.any(axis=1) & regular[player]).reshape(rosters.shape)


def form(n_days: int, rng: np.random.Generator) -> np.ndarray:
    """(450, n_days) log scoring form: a season offset plus a slow random walk over calendar days."""
    steps = rng.normal(0, FORM_DRIFT_SD / np.sqrt(n_days), size=(N_PLAYERS, n_days))
    return rng.normal(0, SEASON_FORM_SD, size=(N_PLAYERS, 1)) + np.cumsum(steps, axis=1)
