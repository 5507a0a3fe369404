"""Processor 4 (player_daily_cache): the spec's worked examples PDC-1..3 as DECISIONS re-derive them, and D1."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from nbaray import context
from nbaray.processors import player_daily_cache
from nbaray.schemas.phase3 import (
    PLAYER_GAME_SUMMARY,
    SCHEDULE,
    TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_PLAYER_GAME_CONTEXT,
)
from nbaray.schemas.precompute import PLAYER_SHOT_ZONE_ANALYSIS
from nbaray.season_calendar import season_year
from tests.rows import assert_values, frame, only_row

D = date
STATS = ["points", "minutes_played", "usage_rate", "ts_pct", "fg_makes", "assisted_fg_makes", "fg_attempts"]


def box_score(player: str, day: date, team: str, opponent: str, **stats: object) -> dict:
    return {"player_lookup": player, "universal_player_id": f"{player}_001", "game_date": day,
            "game_id": f"{day:%Y%m%d}_{opponent}_{team}", "team_abbr": team, "opponent_team_abbr": opponent,
            "season_year": season_year(day), "is_active": True, **stats}  # fmt: skip


def scheduled(day: date, home: str, away: str, status: int = 3) -> dict:
    return {"game_id": f"{day:%Y%m%d}{home}{away}", "game_date": day, "season_year": season_year(day),
            "home_team_tricode": home, "away_team_tricode": away, "game_status": status,
            "is_regular_season": True}  # fmt: skip


def team_game(team: str, day: date, pace: float, rating: float = 110.0) -> dict:
    return {"game_id": f"{day:%Y%m%d}_{team}", "game_date": day, "team_abbr": team, "opponent_team_abbr": "NYK",
            "season_year": season_year(day), "pace": pace, "offensive_rating": rating, "home_game": True,
            "win_flag": True}  # fmt: skip


def run(pgs, togs, schedule, upcoming=(), shot_zones=(), dates=()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """PDC through the pipeline's path: context first, then compute, then the registry's conform (D7)."""
    inputs = {
        "player_game_summary": frame(PLAYER_GAME_SUMMARY, list(pgs)),
        "team_offense_game_summary": frame(TEAM_OFFENSE_GAME_SUMMARY, list(togs)),
        "schedule": frame(SCHEDULE, list(schedule)),
        "analysis_dates": list(dates),
    }
    players = context.player_game_context(
        upcoming_player_game_context=frame(UPCOMING_PLAYER_GAME_CONTEXT, list(upcoming)), **inputs
    )
    output = player_daily_cache.compute(
        player_game_context=players, player_shot_zone_analysis=frame(PLAYER_SHOT_ZONE_ANALYSIS, list(shot_zones)),
        **inputs,
    )  # fmt: skip
    stamped = output.rows.with_columns(
        processor_version=pl.lit(player_daily_cache.VERSION), run_id=pl.lit("test"),
        processed_at=pl.lit(datetime(2025, 1, 1, tzinfo=UTC)),
    )  # fmt: skip
    return player_daily_cache.TABLE.conform(stamped), output.failures


# --- PDC-1: regular mid-season player with an upcoming context row, moved to 2024-12-11 (D1) ---

JANEDOE_GAMES = [  # date, points, minutes, usage, ts, fg makes, assisted makes
    (D(2024, 12, 10), 24, 34.5, 27.10, 0.581, 9, 5), (D(2024, 12, 8), 31, 36.0, 30.40, 0.642, 11, 6),
    (D(2024, 12, 6), 18, 31.2, 24.80, 0.533, 7, 3), (D(2024, 12, 4), 27, 35.0, 28.00, 0.605, 10, 6),
    (D(2024, 11, 30), 22, 33.8, 26.50, 0.569, 8, 4), (D(2024, 11, 29), 29, 37.1, 29.90, 0.618, 11, 5),
    (D(2024, 11, 27), 20, 30.0, 25.20, 0.551, 7, 4), (D(2024, 11, 25), 25, 34.0, 27.70, 0.590, 9, 5),
    (D(2024, 11, 22), 33, 38.2, 31.60, 0.660, 12, 7), (D(2024, 11, 20), 19, 32.5, 24.00, 0.540, 7, 3),
    (D(2024, 11, 17), 21, 33.0, 25.50, 0.562, 8, 4), (D(2024, 11, 15), 26, 35.5, 28.30, 0.600, 10, 6),
]  # fmt: skip
BOS_PACE = [99.2, 101.5, 98.7, 100.1, 97.9, 102.3, 99.8, 100.6, 98.4, 101.0]
BOS_RATING = [118.4, 121.7, 112.9, 116.3, 114.8, 123.5, 115.2, 119.9, 113.6, 117.0]
PDC1_DAY = D(2024, 12, 11)


def pdc1_inputs() -> dict:
    pgs = [box_score("janedoe", day, "BOS", "NYK", points=p, minutes_played=m, usage_rate=u, ts_pct=t, fg_makes=f,
                     fg_attempts=2 * f, assisted_fg_makes=a) for day, p, m, u, t, f, a in JANEDOE_GAMES]  # fmt: skip
    # her game on D: it puts her on the roster, and none of its statistics may count (D1)
    pgs.append(box_score("janedoe", PDC1_DAY, "BOS", "NYK", points=60, minutes_played=48.0, usage_rate=50.0,
                         ts_pct=0.9, fg_makes=25, fg_attempts=30, assisted_fg_makes=0))  # fmt: skip
    game_days = [g[0] for g in JANEDOE_GAMES]
    togs = [team_game("BOS", day, p, r) for day, p, r in zip(game_days, BOS_PACE, BOS_RATING, strict=False)]
    togs += [team_game("BOS", D(2024, 11, 17), 80.0, 90.0), team_game("BOS", D(2024, 11, 15), 80.0, 90.0)]
    togs.append(team_game("BOS", PDC1_DAY, 130.0, 150.0))
    schedule = [scheduled(day, "BOS", "NYK") for day in [*game_days, PDC1_DAY]]
    upcoming = [{"player_lookup": "janedoe", "universal_player_id": "janedoe_001", "game_id": "0022400350",
                 "game_date": PDC1_DAY, "team_abbr": "BOS", "opponent_team_abbr": "NYK", "games_in_last_7_days": 3,
                 "games_in_last_14_days": 6, "minutes_in_last_7_days": 106, "minutes_in_last_14_days": 211,
                 "back_to_backs_last_14_days": 1, "avg_minutes_per_game_last_7": 35.3}]  # fmt: skip
    shot_zones = [{"player_lookup": "janedoe", "analysis_date": PDC1_DAY, "primary_scoring_zone": "perimeter",
                   "paint_rate_last_10": 28.5, "three_pt_rate_last_10": 47.25,
                   "is_production_ready": True}]  # fmt: skip
    return {"pgs": pgs, "togs": togs, "schedule": schedule, "upcoming": upcoming, "shot_zones": shot_zones,
            "dates": [PDC1_DAY]}  # fmt: skip


def test_compute_pdc1_regular_player_matches_reworked_example() -> None:
    rows, failed = run(**pdc1_inputs())
    assert failed.is_empty()
    assert_values(only_row(rows, "janedoe"), {
        "universal_player_id": "janedoe_001", "cache_date": PDC1_DAY,
        "points_avg_last_5": 24.4, "points_avg_last_10": 24.8, "points_avg_season": 24.6, "points_std_last_10": 5.16,
        "minutes_avg_last_10": 34.2, "usage_rate_last_10": 27.52, "ts_pct_last_10": 0.589, "games_played_season": 12,
        "player_usage_rate_season": 27.42, "team_pace_last_10": 100.0, "team_off_rating_last_10": 117.33,
        "assisted_rate_last_10": 0.53,
        "games_in_last_7_days": 3, "games_in_last_14_days": 6, "minutes_in_last_7_days": 106,
        "minutes_in_last_14_days": 211, "back_to_backs_last_14_days": 1, "avg_minutes_per_game_last_7": 35.3,
        "fourth_quarter_minutes_last_7": None, "player_age": None,
        "primary_scoring_zone": "perimeter", "paint_rate_last_10": 28.5, "three_pt_rate_last_10": 47.25,
        "shot_zone_data_available": True, "early_season_flag": False, "insufficient_data_reason": None,
        "expected_games_count": 12, "actual_games_count": 12, "completeness_percentage": 100.0,
        "missing_games_count": 0, "is_production_ready": True,
        "l5_completeness_pct": 100.0, "l10_completeness_pct": 100.0, "l7d_completeness_pct": 100.0,
        "l14d_completeness_pct": 100.0, "all_windows_complete": True,
        "season_boundary_detected": False, "backfill_bootstrap_mode": False,
    })  # fmt: skip


def test_compute_pdc1_unrounded_values_before_the_write() -> None:
    inputs = pdc1_inputs()
    frames = {
        "player_game_summary": frame(PLAYER_GAME_SUMMARY, inputs["pgs"]),
        "team_offense_game_summary": frame(TEAM_OFFENSE_GAME_SUMMARY, inputs["togs"]),
        "schedule": frame(SCHEDULE, inputs["schedule"]),
        "analysis_dates": inputs["dates"],
    }
    players = context.player_game_context(
        upcoming_player_game_context=frame(UPCOMING_PLAYER_GAME_CONTEXT, inputs["upcoming"]), **frames
    )
    output = player_daily_cache.compute(
        player_game_context=players,
        player_shot_zone_analysis=frame(PLAYER_SHOT_ZONE_ANALYSIS, inputs["shot_zones"]),
        **frames,
    )
    row = only_row(output.rows, "janedoe")
    assert row["points_avg_season"] == pytest.approx(295 / 12)
    assert row["points_std_last_10"] == pytest.approx(5.159672686, abs=1e-9)
    assert row["team_pace_last_10"] == pytest.approx(99.95)
    assert row["assisted_rate_last_10"] == pytest.approx(48 / 91)
    assert set(output.rows.columns) == set(player_daily_cache.TABLE.column_names) - {
        "processor_version", "run_id", "processed_at"
    }  # fmt: skip


# --- PDC-2: early season, traded, D stays 2024-11-08 and the D game drops out (D1) ---

JOHNROE_GAMES = [  # date, points, minutes, usage, ts, fg makes, assisted makes
    (D(2024, 11, 2), 3, None, None, None, 1, 1), (D(2024, 10, 31), 15, 26.5, 21.00, 0.612, 6, 5),
    (D(2024, 10, 29), 9, 18.0, 17.25, 0.480, 4, 3), (D(2024, 10, 27), 14, 24.0, 20.00, 0.590, 6, 4),
    (D(2024, 10, 25), 11, 21.5, 18.75, 0.533, 4, 3), (D(2024, 10, 23), 8, 17.0, 16.50, 0.500, 3, 3),
]  # fmt: skip
PDC2_DAY = D(2024, 11, 8)


def test_compute_pdc2_traded_early_season_player_matches_reworked_example() -> None:
    pgs = [box_score("johnroe", day, "MEM", "NYK", points=p, minutes_played=m, usage_rate=u, ts_pct=t, fg_makes=f,
                     fg_attempts=2 * f, assisted_fg_makes=a) for day, p, m, u, t, f, a in JOHNROE_GAMES]  # fmt: skip
    pgs.append(box_score("johnroe", PDC2_DAY, "UTA", "NYK", points=12, minutes_played=22.0, usage_rate=19.5,
                         ts_pct=0.545, fg_makes=5, fg_attempts=9, assisted_fg_makes=4))  # fmt: skip
    uta = [(D(2024, 11, 6), 98.1, 111.4), (D(2024, 11, 4), 97.0, 109.9), (D(2024, 11, 2), 95.8, 106.3),
           (D(2024, 10, 31), 99.3, 113.75), (D(2024, 10, 28), 97.7, 110.2), (D(2024, 10, 26), 96.9, 107.85),
           (D(2024, 10, 24), 98.8, 112.05), (D(2024, 4, 14), 101.2, 115.6), (D(2024, 4, 12), 100.4, 114.9),
           (D(2024, 4, 10), 99.6, 116.35), (D(2024, 4, 7), 80.0, 90.0)]  # fmt: skip
    togs = [team_game("UTA", day, p, r) for day, p, r in uta] + [team_game("UTA", PDC2_DAY, 96.4, 108.25)]
    mem_days = [D(2024, 10, d) for d in (23, 25, 27, 29, 31)] + [D(2024, 11, d) for d in (2, 4, 6)]
    schedule = [scheduled(day, "MEM", "NYK") for day in mem_days] + [scheduled(PDC2_DAY, "UTA", "NYK")]
    upcoming = [{"player_lookup": "johnroe", "universal_player_id": "johnroe_001", "game_id": "0022400120",
                 "game_date": PDC2_DAY, "team_abbr": "UTA", "opponent_team_abbr": "NYK", "games_in_last_7_days": 1,
                 "games_in_last_14_days": 5, "minutes_in_last_7_days": 0, "minutes_in_last_14_days": 87,
                 "back_to_backs_last_14_days": 0}]  # fmt: skip
    rows, failed = run(pgs, togs, schedule, upcoming, dates=[PDC2_DAY])
    assert failed.is_empty()
    assert_values(only_row(rows, "johnroe"), {
        "points_avg_last_5": 10.4, "points_avg_last_10": 10.0, "points_avg_season": 10.0, "points_std_last_10": 4.38,
        "minutes_avg_last_10": 21.4, "usage_rate_last_10": 18.7, "player_usage_rate_season": 18.7,
        "ts_pct_last_10": 0.543, "games_played_season": 6, "team_pace_last_10": 98.5,
        "team_off_rating_last_10": 111.83, "assisted_rate_last_10": 0.79,
        "games_in_last_7_days": 1, "games_in_last_14_days": 5, "minutes_in_last_7_days": 0,
        "minutes_in_last_14_days": 87, "back_to_backs_last_14_days": 0, "avg_minutes_per_game_last_7": None,
        "fourth_quarter_minutes_last_7": None, "player_age": None,
        "primary_scoring_zone": None, "paint_rate_last_10": None, "three_pt_rate_last_10": None,
        "shot_zone_data_available": False,
        "early_season_flag": True, "insufficient_data_reason": "Only 6 games played, need 10 minimum",
        "expected_games_count": 8, "actual_games_count": 6, "completeness_percentage": 75.0,
        "missing_games_count": 2, "is_production_ready": True,
        # D4 windows from his first row, MEM games he has a row for:
        # last 5 games 3 of 5, last 10 games 6 of 8, 7 days 1 of 3, 14 days 5 of 7
        "l5_completeness_pct": 60.0, "l5_is_complete": False, "l10_completeness_pct": 75.0, "l10_is_complete": True,
        "l7d_completeness_pct": 33.3, "l7d_is_complete": False, "l14d_completeness_pct": 71.4,
        "l14d_is_complete": True, "all_windows_complete": False,
        "season_boundary_detected": True, "backfill_bootstrap_mode": False,
    })  # fmt: skip


# --- PDC-3: derived context (no upcoming rows) and the minimum-games drops, 2023-01-15 ---

PDC3_DAY = D(2023, 1, 15)
DEN_RECENT = [D(2023, 1, d) for d in (3, 5, 8, 10, 12, 14)]
DEN_OLDER = [D(2022, 12, 31) - timedelta(days=2 * k) for k in range(33)]  # 33 earlier DEN games, every other day


def pdc3_box_scores() -> list[dict]:
    def den(player: str, day: date, **stats: object) -> dict:
        return box_score(player, day, "DEN", "LAC" if day == PDC3_DAY else "UTA", **stats)

    alpha = [den("alphaguard", day, points=20, minutes_played=30.0, usage_rate=21.0) for day in DEN_OLDER]
    alpha += [
        den("alphaguard", D(2023, 1, 3), points=15, minutes_played=29.0, usage_rate=19.0),
        den("alphaguard", D(2023, 1, 5), points=10, minutes_played=31.0, usage_rate=17.0),
        den("alphaguard", D(2023, 1, 8), points=15, minutes_played=30.5, usage_rate=18.0),
        den("alphaguard", D(2023, 1, 10), is_active=False),  # DNP: no minutes, no points
        den("alphaguard", D(2023, 1, 12), points=25, minutes_played=33.0, usage_rate=20.5),
        den("alphaguard", D(2023, 1, 14), points=20, minutes_played=35.5, usage_rate=22.0),
        den("alphaguard", PDC3_DAY, points=30, minutes_played=36.0, usage_rate=30.0),
    ]
    beta = [den("betawing", day, points=8, minutes_played=12.0) for day in [*DEN_RECENT[2::2], D(2023, 1, 14)]]
    beta.append(den("betawing", PDC3_DAY, points=40, minutes_played=40.0))
    gamma_active = [D(2022, 12, 27), D(2022, 12, 29), D(2023, 1, 3), D(2023, 1, 5)]
    gamma_inactive = [D(2022, 12, d) for d in (19, 21, 23, 25, 31)] + [D(2023, 1, d) for d in (8, 10, 12, 14, 15)]
    gamma = [den("gammabig", day, points=6, minutes_played=10.0) for day in gamma_active]
    gamma += [den("gammabig", day, is_active=False) for day in gamma_inactive]
    return alpha + beta + gamma


def pdc3_schedule() -> list[dict]:
    return [scheduled(day, "DEN", "UTA") for day in [*DEN_OLDER, *DEN_RECENT]] + [scheduled(PDC3_DAY, "LAC", "DEN")]


def test_compute_pdc3_derived_context_and_minimum_games() -> None:
    rows, failed = run(pdc3_box_scores(), [], pdc3_schedule(), dates=[PDC3_DAY])
    assert rows["player_lookup"].to_list() == ["alphaguard"]
    assert_values(only_row(rows, "alphaguard"), {
        "points_avg_last_5": 17.0, "games_in_last_7_days": 4, "games_in_last_14_days": 6,
        "minutes_in_last_7_days": 99, "minutes_in_last_14_days": 159, "avg_minutes_per_game_last_7": 24.8,
        "back_to_backs_last_14_days": 0, "fourth_quarter_minutes_last_7": None, "player_age": None,
        "games_played_season": 38, "team_pace_last_10": None, "team_off_rating_last_10": None,
        "expected_games_count": 39, "actual_games_count": 39, "completeness_percentage": 100.0,
        "is_production_ready": True, "shot_zone_data_available": False,
    })  # fmt: skip
    assert failed.sort("entity_id").to_dicts() == [
        {"analysis_date": PDC3_DAY, "entity_id": "betawing", "failure_category": "INSUFFICIENT_DATA",
         "failure_reason": "Only 3 games played, need 5 minimum"},
        {"analysis_date": PDC3_DAY, "entity_id": "gammabig", "failure_category": "INSUFFICIENT_DATA",
         "failure_reason": "Only 4 games played, need 5 minimum"},
    ]  # fmt: skip


def test_compute_reports_a_date_without_roster_at_date_level() -> None:
    empty_day = D(2023, 1, 16)
    rows, failed = run(pdc3_box_scores(), [], pdc3_schedule(), dates=[PDC3_DAY, empty_day])
    assert set(rows["cache_date"].to_list()) == {PDC3_DAY}
    date_level = failed.filter(pl.col("entity_id") == "DATE_LEVEL")
    assert date_level.select("analysis_date", "failure_category").rows() == [(empty_day, "MISSING_DEPENDENCY")]


def test_compute_is_vectorised_over_dates_like_one_date_at_a_time() -> None:
    days = [PDC3_DAY, D(2023, 1, 14), D(2023, 1, 12)]
    together, _ = run(pdc3_box_scores(), [], pdc3_schedule(), dates=days)
    alone = pl.concat([run(pdc3_box_scores(), [], pdc3_schedule(), dates=[day])[0] for day in days])
    assert together.sort("cache_date", "player_lookup").equals(alone.sort("cache_date", "player_lookup"))


def test_compute_season_averages_use_the_newest_82_games_played() -> None:
    day = D(2024, 1, 20)
    game_days = [D(2023, 10, 20) + timedelta(days=k) for k in range(91)]
    pgs = [box_score("ironman", g, "BOS", "NYK", points=100 if k < 8 else 10, minutes_played=30.0)
           for k, g in enumerate(game_days[:90])]  # fmt: skip
    pgs.append(box_score("ironman", game_days[90], "BOS", "NYK", points=0, minutes_played=0.0))  # did not play
    pgs.append(box_score("ironman", day, "BOS", "NYK", points=50, minutes_played=40.0))
    rows, _ = run(pgs, [], [scheduled(g, "BOS", "NYK") for g in [*game_days, day]], dates=[day])
    row = only_row(rows, "ironman")
    assert (row["games_played_season"], row["points_avg_season"], row["points_avg_last_5"]) == (82, 10.0, 10.0)


# --- D1: nothing on or after D reaches D's rows ---


def league(seed: int) -> dict[str, list[dict]]:
    """Two teams over four weeks of late 2023, each player on most of his team's game days."""
    import random

    rng = random.Random(seed)
    days = [D(2023, 11, 1) + timedelta(days=k) for k in range(30) if rng.random() < 0.6]
    pgs, togs, schedule = [], [], []
    for day in days:
        schedule.append(scheduled(day, "BOS", "MIA"))
        for team, opponent in (("BOS", "MIA"), ("MIA", "BOS")):
            togs.append(
                team_game(team, day, rng.uniform(94, 106), rng.uniform(100, 125)) | {"opponent_team_abbr": opponent}
            )
            for k in range(4):
                if rng.random() < 0.85:
                    stats = {"points": rng.randint(0, 40), "minutes_played": round(rng.uniform(0, 40), 1),
                             "usage_rate": round(rng.uniform(10, 35), 1), "ts_pct": round(rng.uniform(0.3, 0.7), 3),
                             "fg_makes": rng.randint(0, 12), "assisted_fg_makes": rng.randint(0, 6),
                             "is_active": rng.random() < 0.9}  # fmt: skip
                    pgs.append(box_score(f"{team.lower()}{k}", day, team, opponent, **stats))
    return {"pgs": pgs, "togs": togs, "schedule": schedule, "days": days}


def scrambled(rows: list[dict], day: date, rng_seed: int, columns: list[str]) -> list[dict]:
    import random

    rng = random.Random(rng_seed)
    out = []
    for row in rows:
        if row["game_date"] >= day:
            row = row | {c: type(row[c])(rng.uniform(0, 60)) for c in columns if row.get(c) is not None}
            if "is_active" in row:
                row["is_active"] = rng.random() < 0.5
        out.append(row)
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 100), noise=st.integers(0, 10_000))
@example(seed=1, pick=50, noise=3)  # a league with rows: the comparison below is not vacuous
def test_compute_ignores_every_statistic_on_or_after_d(seed: int, pick: int, noise: int) -> None:
    data = league(seed)
    later_days = [d for d in data["days"] if d >= D(2023, 11, 18)]
    day = later_days[pick % len(later_days)]
    dates = [d for d in data["days"] if d <= day][-5:]
    clean, clean_failed = run(data["pgs"], data["togs"], data["schedule"], dates=dates)
    noisy, noisy_failed = run(
        scrambled(data["pgs"], day, noise, STATS),
        scrambled(data["togs"], day, noise, ["pace", "offensive_rating"]),
        data["schedule"],
        dates=dates,
    )
    assume(clean.height > 0)  # some tiny random leagues leave nobody with 5 games yet
    assert clean.sort("cache_date", "player_lookup").equals(noisy.sort("cache_date", "player_lookup"))
    assert clean_failed.sort("analysis_date", "entity_id").equals(noisy_failed.sort("analysis_date", "entity_id"))
