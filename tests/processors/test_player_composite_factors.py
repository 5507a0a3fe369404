"""Processor 3 (player_composite_factors): worked examples PCF-1..3 under DECISIONS, readiness, and D1."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbaray import context
from nbaray.processors import player_composite_factors
from nbaray.schemas.phase3 import (
    PLAYER_GAME_SUMMARY,
    SCHEDULE,
    TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_PLAYER_GAME_CONTEXT,
)
from nbaray.schemas.precompute import PLAYER_SHOT_ZONE_ANALYSIS, TEAM_DEFENSE_ZONE_ANALYSIS
from tests.rows import assert_values, box_score, frame, only_row, scheduled, team_game

D = date
RUN_COLUMNS = {"processor_version", "run_id", "processed_at"}


def shot_zone(player: str, day: date, zone: str, ready: bool = True, **rates: float) -> dict:
    return {"player_lookup": player, "analysis_date": day, "primary_scoring_zone": zone, "is_production_ready": ready,
            **rates}  # fmt: skip


def defense(team: str, day: date, ready: bool = True, **vs_league: float) -> dict:
    return {"team_abbr": team, "analysis_date": day, "is_production_ready": ready, **vs_league}


def run(pgs=(), togs=(), schedule=(), upcoming=(), shot_zones=(), defenses=(), dates=()) -> pl.DataFrame:
    """PCF through the pipeline's path: context first, then compute, then the registry's conform (D7)."""
    rows, _ = run_with_failures(pgs, togs, schedule, upcoming, shot_zones, defenses, dates)
    return rows


def run_with_failures(pgs, togs, schedule, upcoming, shot_zones, defenses, dates) -> tuple[pl.DataFrame, pl.DataFrame]:
    inputs = {
        "player_game_summary": frame(PLAYER_GAME_SUMMARY, list(pgs)),
        "schedule": frame(SCHEDULE, list(schedule)),
        "analysis_dates": list(dates),
    }
    players = context.player_game_context(
        team_offense_game_summary=frame(TEAM_OFFENSE_GAME_SUMMARY, list(togs)),
        upcoming_player_game_context=frame(UPCOMING_PLAYER_GAME_CONTEXT, list(upcoming)),
        **inputs,
    )
    output = player_composite_factors.compute(
        player_game_context=players,
        player_shot_zone_analysis=frame(PLAYER_SHOT_ZONE_ANALYSIS, list(shot_zones)),
        team_defense_zone_analysis=frame(TEAM_DEFENSE_ZONE_ANALYSIS, list(defenses)),
        **inputs,
    )
    assert set(output.rows.columns) == set(player_composite_factors.TABLE.column_names) - RUN_COLUMNS
    stamped = output.rows.with_columns(
        processor_version=pl.lit(player_composite_factors.VERSION), run_id=pl.lit("test"),
        processed_at=pl.lit(datetime(2025, 1, 1, tzinfo=UTC)),
    )  # fmt: skip
    return player_composite_factors.TABLE.conform(stamped), output.failures


# --- PCF-1: a fully populated upcoming context on the day itself (no box score on D yet) ---

PCF1_DAY = D(2025, 1, 20)
CHI_DAYS = [D(2025, 1, 19) - timedelta(days=2 * k) for k in range(40)]  # CHI's 40 games since his first row


def pcf1_inputs(**context_changes: object) -> dict:
    pgs = [box_score("veteranwing", day, "CHI", "NYK", points=18, minutes_played=34.0)
           for k, day in enumerate(CHI_DAYS) if k not in (5, 10)]  # fmt: skip
    upcoming = {"player_lookup": "veteranwing", "universal_player_id": "veteranwing_001", "game_id": "0022400600",
                "game_date": PCF1_DAY, "team_abbr": "CHI", "opponent_team_abbr": "MIA", "days_rest": 1,
                "back_to_back": False, "games_in_last_7_days": 4, "minutes_in_last_7_days": 150,
                "avg_minutes_per_game_last_7": 37.5, "back_to_backs_last_14_days": 2, "player_age": 31,
                "projected_usage_rate": 27.0, "avg_usage_rate_last_7_games": 24.5, "star_teammates_out": 1,
                "pace_differential": 3.4} | context_changes  # fmt: skip
    return {
        "pgs": pgs,
        "schedule": [scheduled(day, "CHI", "NYK") for day in CHI_DAYS],
        "upcoming": [upcoming],
        "shot_zones": [shot_zone("veteranwing", PCF1_DAY, "paint", paint_rate_last_10=62.0)],
        "defenses": [
            defense("MIA", PCF1_DAY, paint_defense_vs_league_avg=4.6, weakest_zone="paint"),
            defense("CHI", PCF1_DAY, paint_defense_vs_league_avg=-9.0),  # his own team's row must not be read
        ],
        "dates": [PCF1_DAY],
    }


def test_compute_pcf1_fully_populated_context_matches_reworked_example() -> None:
    assert_values(only_row(run(**pcf1_inputs()), "veteranwing"), {
        "universal_player_id": "veteranwing_001", "game_date": PCF1_DAY, "analysis_date": PCF1_DAY,
        "game_id": "0022400600", "fatigue_score": 65, "shot_zone_mismatch_score": 4.6, "pace_score": 1.7,
        "usage_spike_score": 0.9, "referee_favorability_score": 0.0, "look_ahead_pressure_score": 0.0,
        "travel_impact_score": 0.0, "opponent_strength_score": 0.0, "total_composite_adjustment": 5.41,
        "data_completeness_pct": 100.0, "missing_data_fields": None, "has_warnings": False, "warning_details": None,
        "early_season_flag": False, "insufficient_data_reason": None,
        "expected_games_count": 40, "actual_games_count": 38, "completeness_percentage": 95.0,
        "missing_games_count": 2, "is_production_ready": True, "data_quality_issues": [],
        "upstream_player_shot_ready": True, "upstream_team_defense_ready": True, "all_upstreams_ready": True,
        "season_boundary_detected": False, "backfill_bootstrap_mode": False,
    })  # fmt: skip


def test_compute_pcf1_with_a_back_to_back_as_d6_would_derive_it() -> None:
    row = only_row(run(**pcf1_inputs(back_to_back=True)), "veteranwing")
    assert (row["fatigue_score"], row["total_composite_adjustment"]) == (50, 4.66)  # 4.6625


# --- PCF-2: the extreme case with all three warnings ---


def test_compute_pcf2_extreme_case_raises_all_three_warnings() -> None:
    upcoming = {"player_lookup": "ironman", "game_id": "0022400601", "game_date": PCF1_DAY, "team_abbr": "CHI",
                "opponent_team_abbr": "ORL", "days_rest": 0, "back_to_back": True, "games_in_last_7_days": 4,
                "minutes_in_last_7_days": 250, "avg_minutes_per_game_last_7": 36.2, "back_to_backs_last_14_days": 2,
                "player_age": 36, "projected_usage_rate": 22.0, "avg_usage_rate_last_7_games": 26.0,
                "star_teammates_out": 2, "pace_differential": -7.0}  # fmt: skip
    rows = run(
        upcoming=[upcoming],
        shot_zones=[shot_zone("ironman", PCF1_DAY, "perimeter", three_pt_rate_last_10=45.0)],
        defenses=[defense("ORL", PCF1_DAY, three_pt_defense_vs_league_avg=-8.0, weakest_zone="paint")],
        dates=[PCF1_DAY],
    )
    assert_values(only_row(rows, "ironman"), {
        "fatigue_score": 35, "shot_zone_mismatch_score": -8.6, "pace_score": -3.0, "usage_spike_score": -1.2,
        "total_composite_adjustment": -16.09, "data_completeness_pct": 100.0, "has_warnings": True,
        "warning_details": "EXTREME_FATIGUE: Player showing severe fatigue; EXTREME_MATCHUP: Unusual zone mismatch; "
                           "EXTREME_ADJUSTMENT: Very large composite adjustment",
        # no box score at all: nothing expected, so his own completeness is unknown and not ready (D4)
        "expected_games_count": 0, "completeness_percentage": None, "is_production_ready": False,
        "data_quality_issues": ["own_data_incomplete"], "all_upstreams_ready": True,
    })  # fmt: skip


# --- PCF-3: derived context for alphaguard (DEN at LAC, 2023-01-15) ---

PCF3_DAY = D(2023, 1, 15)
DEN_DAYS = [D(2022, 12, 31) - timedelta(days=2 * k) for k in range(33)] + [D(2023, 1, d) for d in (3, 5, 8, 10, 12, 14)]
DEN_PACE = {D(2023, 1, 14): 99.4, D(2023, 1, 12): 98.7, D(2023, 1, 10): 100.2, D(2023, 1, 8): 97.9,
            D(2023, 1, 5): 99.8, D(2023, 1, 3): 98.5, D(2022, 12, 31): 99.1, D(2022, 12, 29): 100.6,
            D(2022, 12, 27): 98.3, D(2022, 12, 25): 99.1}  # fmt: skip
LAC_PACE = {D(2023, 1, 13): 97.2, D(2023, 1, 11): 96.8, D(2023, 1, 9): 98.1, D(2023, 1, 7): 97.5,
            D(2023, 1, 4): 96.4, D(2023, 1, 2): 98.6, D(2022, 12, 30): 97.0, D(2022, 12, 28): 97.9,
            D(2022, 12, 26): 96.9, D(2022, 12, 24): 97.4}  # fmt: skip


def pcf3_inputs() -> dict:
    recent = {D(2023, 1, 3): (29.0, 19.0), D(2023, 1, 5): (31.0, 17.0), D(2023, 1, 8): (30.5, 18.0),
              D(2023, 1, 10): (None, None), D(2023, 1, 12): (33.0, 20.5), D(2023, 1, 14): (35.5, 22.0)}  # fmt: skip
    pgs = [box_score("alphaguard", day, "DEN", "UTA", points=20, minutes_played=recent.get(day, (30.0,))[0],
                     usage_rate=recent.get(day, (None, 21.0))[1], is_active=day != D(2023, 1, 10))
           for day in DEN_DAYS]  # fmt: skip
    pgs.append(box_score("alphaguard", PCF3_DAY, "DEN", "LAC", home=False, points=30, minutes_played=36.0))
    togs = [team_game("DEN", day, pace) for day, pace in DEN_PACE.items()]
    togs += [team_game("LAC", day, pace) for day, pace in LAC_PACE.items()]
    togs += [team_game("DEN", PCF3_DAY, 130.0), team_game("LAC", PCF3_DAY, 70.0), team_game("DEN", DEN_DAYS[20], 80.0)]
    schedule = [scheduled(day, "DEN", "UTA") for day in DEN_DAYS] + [scheduled(day, "LAC", "PHX") for day in LAC_PACE]
    schedule.append(scheduled(PCF3_DAY, "LAC", "DEN"))
    return {
        "pgs": pgs, "togs": togs, "schedule": schedule,
        "shot_zones": [shot_zone("alphaguard", PCF3_DAY, "balanced", paint_rate_last_10=35.0)],
        "defenses": [defense("LAC", PCF3_DAY, paint_defense_vs_league_avg=-2.0, weakest_zone="mid_range")],
        "dates": [PCF3_DAY],
    }  # fmt: skip


def test_compute_pcf3_derived_context_matches_reworked_example() -> None:
    assert_values(only_row(run(**pcf3_inputs()), "alphaguard"), {
        "game_id": "20230115_DEN_LAC", "fatigue_score": 75, "shot_zone_mismatch_score": -1.4, "pace_score": 0.9,
        "usage_spike_score": 0.0, "total_composite_adjustment": -1.76, "data_completeness_pct": 80.0,
        "missing_data_fields": "projected_usage_rate", "has_warnings": False, "warning_details": None,
        "expected_games_count": 39, "actual_games_count": 39, "completeness_percentage": 100.0,
        "missing_games_count": 0, "is_production_ready": True, "data_quality_issues": [],
    })  # fmt: skip


def test_compute_missing_upstream_rows_mean_no_mismatch_and_not_ready() -> None:
    inputs = pcf3_inputs() | {"shot_zones": [], "defenses": []}
    row = only_row(run(**inputs), "alphaguard")
    assert_values(row, {
        "shot_zone_mismatch_score": 0.0, "total_composite_adjustment": -0.36, "data_completeness_pct": 40.0,
        "missing_data_fields": "projected_usage_rate, player_shot_zone, team_defense_zone",
        "upstream_player_shot_ready": False, "upstream_team_defense_ready": False, "all_upstreams_ready": False,
        "is_production_ready": False,
        "data_quality_issues": ["upstream_player_shot_zone_incomplete", "upstream_team_defense_zone_incomplete"],
    })  # fmt: skip


def test_compute_upstream_rows_that_are_not_ready_block_production_readiness() -> None:
    inputs = pcf3_inputs()
    inputs["defenses"] = [defense("LAC", PCF3_DAY, ready=False, paint_defense_vs_league_avg=-2.0)]
    row = only_row(run(**inputs), "alphaguard")
    assert (row["shot_zone_mismatch_score"], row["is_production_ready"], row["data_quality_issues"]) == (
        -1.4, False, ["upstream_team_defense_zone_incomplete"],
    )  # fmt: skip


def test_compute_reports_a_date_without_roster_at_date_level() -> None:
    inputs = pcf3_inputs() | {"dates": [PCF3_DAY, D(2023, 1, 16)]}
    rows, failed = run_with_failures(**{"upcoming": (), **inputs})
    assert rows["game_date"].to_list() == [PCF3_DAY]
    assert failed.select("analysis_date", "entity_id", "failure_category").rows() == [
        (D(2023, 1, 16), "DATE_LEVEL", "MISSING_DEPENDENCY")
    ]


@settings(max_examples=60, deadline=None)
@given(
    fatigue_inputs=st.fixed_dictionaries({
        "days_rest": st.none() | st.integers(0, 10), "back_to_back": st.none() | st.booleans(),
        "games_in_last_7_days": st.none() | st.integers(0, 5),
        "minutes_in_last_7_days": st.none() | st.integers(0, 300),
        "avg_minutes_per_game_last_7": st.none() | st.floats(0, 45), "player_age": st.none() | st.integers(19, 42),
        "back_to_backs_last_14_days": st.none() | st.integers(0, 4),
        "projected_usage_rate": st.none() | st.floats(5, 45),
        "avg_usage_rate_last_7_games": st.none() | st.floats(0, 45),
        "star_teammates_out": st.none() | st.integers(0, 3),
        "pace_differential": st.none() | st.floats(-15, 15),
    }),
    rate=st.floats(0, 100),
    vs_league=st.floats(-30, 30),
)  # fmt: skip
def test_compute_total_is_the_sum_of_the_factors_and_stays_in_range(fatigue_inputs, rate, vs_league) -> None:
    upcoming = {"player_lookup": "p", "game_id": "g", "game_date": PCF1_DAY, "team_abbr": "CHI",
                "opponent_team_abbr": "MIA", **fatigue_inputs}  # fmt: skip
    row = only_row(run(
        upcoming=[upcoming], dates=[PCF1_DAY],
        shot_zones=[shot_zone("p", PCF1_DAY, "paint", paint_rate_last_10=rate)],
        defenses=[defense("MIA", PCF1_DAY, paint_defense_vs_league_avg=vs_league)],
    ), "p")  # fmt: skip
    parts = (row["fatigue_score"] - 100) / 20 + row["shot_zone_mismatch_score"] + row["pace_score"]
    assert row["total_composite_adjustment"] == pytest.approx(
        parts + row["usage_spike_score"], abs=0.16
    )  # parts stored at 1 dp
    assert -19.25 <= row["total_composite_adjustment"] <= 16.0
    assert row["has_warnings"] == (row["warning_details"] is not None)


# --- D1: nothing on or after D reaches D's rows ---


def league(seed: int) -> dict[str, list]:
    """Two teams over four weeks of late 2023, with shot-zone and team-defense rows for every date."""
    rng = random.Random(seed)
    days = [D(2023, 11, 1) + timedelta(days=k) for k in range(30) if rng.random() < 0.6]
    pgs, togs, schedule, shot_zones, defenses = [], [], [], [], []
    for day in days:
        schedule.append(scheduled(day, "BOS", "MIA"))
        for team, opponent in (("BOS", "MIA"), ("MIA", "BOS")):
            togs.append(team_game(team, day, rng.uniform(94, 106)))
            defenses.append(defense(team, day, rng.random() < 0.8, paint_defense_vs_league_avg=rng.uniform(-8, 8)))
            for n in range(4):
                player = f"{team.lower()}{n}"
                shot_zones.append(shot_zone(player, day, "paint", paint_rate_last_10=rng.uniform(10, 70)))
                if rng.random() < 0.85:
                    stats = {"points": rng.randint(0, 40), "minutes_played": round(rng.uniform(0, 40), 1),
                             "usage_rate": round(rng.uniform(10, 35), 1), "is_active": rng.random() < 0.9}  # fmt: skip
                    pgs.append(box_score(player, day, team, opponent, home=team == "BOS", **stats))
    return {"pgs": pgs, "togs": togs, "schedule": schedule, "shot_zones": shot_zones, "defenses": defenses,
            "days": days}  # fmt: skip


def scrambled(data: dict, day: date, seed: int) -> dict:
    """Every statistic of every game on or after `day` replaced by noise; who played where stays."""
    rng = random.Random(seed)

    def box(row: dict) -> dict:
        noise = {"minutes_played": rng.uniform(0, 60), "usage_rate": rng.uniform(0, 60), "points": rng.randint(0, 60),
                 "is_active": rng.random() < 0.5}  # fmt: skip
        return row | noise if row["game_date"] >= day else row

    def team(row: dict) -> dict:
        return row | {"pace": rng.uniform(80, 120)} if row["game_date"] >= day else row

    return data | {"pgs": [box(r) for r in data["pgs"]], "togs": [team(r) for r in data["togs"]]}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 100), noise=st.integers(0, 10_000))
def test_compute_ignores_every_statistic_on_or_after_d(seed: int, pick: int, noise: int) -> None:
    data = league(seed)
    later_days = [d for d in data["days"] if d >= D(2023, 11, 12)]
    day = later_days[pick % len(later_days)]
    dates = [d for d in data["days"] if d <= day][-5:]

    def rows(inputs: dict) -> pl.DataFrame:
        kept = {k: v for k, v in inputs.items() if k != "days"}
        return run(**kept, dates=dates).sort("game_date", "player_lookup")

    clean = rows(data)
    assert clean.height > 0
    assert clean.equals(rows(scrambled(data, day, noise)))


def test_compute_point_in_time_check_has_teeth() -> None:
    data = league(3)
    day = data["days"][-1]
    dates = [d for d in data["days"] if d <= day][-5:]
    inputs = {k: v for k, v in data.items() if k != "days"}
    noisy = scrambled(data, dates[0] - timedelta(days=1), 1)
    noisy_inputs = {k: v for k, v in noisy.items() if k != "days"}
    assert not run(**inputs, dates=dates).equals(run(**noisy_inputs, dates=dates))
