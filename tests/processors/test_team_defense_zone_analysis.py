"""team_defense_zone_analysis: the spec's worked examples T1-T3 under nbaray's decisions, D1, D4, edge cases."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from nbaray.processors import FAILURE_COLUMNS, INSUFFICIENT_DATA
from nbaray.processors import team_defense_zone_analysis as tdza
from nbaray.schemas.phase3 import SCHEDULE, TEAM_DEFENSE_GAME_SUMMARY
from nbaray.season_calendar import season_year
from tests.processors.support import only, stored_rows

D = date(2025, 1, 16)  # T1-T3 moved from 2025-01-15 so that no game falls on D (D1)
APPROX = {"rel": 1e-12}

# T1: per-team totals over the league window (rows, paint M/A, mid M/A, three M/A); BOS, DET, UTA come from T2/T3.
T1_TOTALS: dict[str, tuple[int, int, int, int, int, int, int]] = {
    "ATL": (14, 430, 760, 150, 360, 180, 510),
    "CHI": (13, 395, 690, 141, 330, 170, 478),
    "DAL": (14, 441, 772, 139, 341, 185, 505),
    "DEN": (15, 455, 800, 160, 380, 190, 530),
    "GSW": (14, 418, 735, 152, 349, 189, 512),
    "HOU": (14, 430, 750, 0, 0, 175, 500),
    "LAL": (13, 401, 705, 133, 325, 166, 470),
    "MIA": (14, 410, 740, 155, 360, 172, 498),
    "NYK": (15, 447, 781, 149, 372, 183, 526),
    "PHX": (14, 436, 757, 146, 344, 181, 509),
}
LEAGUE_AVG = {"paint": 0.5675299078041443, "mid_range": 0.4208035752270046, "three_pt": 0.354398869210061}

BOS_TYPE_A = dict(
    opp_paint_makes=22, opp_paint_attempts=38, opp_mid_range_makes=6, opp_mid_range_attempts=15,
    opp_three_pt_makes=13, opp_three_pt_attempts=36, points_in_paint_allowed=44, blocks_paint=4,
    blocks_mid_range=1, blocks_three_pt=0, points_allowed=112, defensive_rating=110.50, opponent_pace=99.0,
)  # fmt: skip
BOS_TYPE_B = dict(
    opp_paint_makes=18, opp_paint_attempts=34, opp_mid_range_makes=8, opp_mid_range_attempts=17,
    opp_three_pt_makes=12, opp_three_pt_attempts=38, points_in_paint_allowed=36, blocks_paint=3,
    blocks_mid_range=0, blocks_three_pt=1, points_allowed=104, defensive_rating=106.25, opponent_pace=97.5,
)  # fmt: skip
BOS_RANK_16 = dict(
    opp_paint_makes=30, opp_paint_attempts=40, opp_mid_range_makes=10, opp_mid_range_attempts=12,
    opp_three_pt_makes=20, opp_three_pt_attempts=30, points_in_paint_allowed=60, blocks_paint=0,
    blocks_mid_range=0, blocks_three_pt=0, points_allowed=140, defensive_rating=135.00, opponent_pace=104.0,
)  # fmt: skip
BOS_A_DATES = [date(2025, 1, d) for d in (15, 13, 11, 9, 7, 5, 3, 1)]
BOS_B_DATES = [date(2024, 12, d) for d in (30, 28, 26, 23, 21, 19, 17)]
BOS_EARLY_DATES = [date(2024, 10, 23) + timedelta(days=2 * i) for i in range(26)]  # 10-23 .. 12-12: ranks 17-42

BOS_EXPECTED = {
    "paint_pct_allowed_last_15": 0.5571955719557196,
    "paint_attempts_allowed_per_game": 36.13333333333333,
    "paint_points_allowed_per_game": 40.266666666666666,
    "paint_blocks_per_game": 3.533333333333333,
    "paint_defense_vs_league_avg": -1.0334335848424692,
    "mid_range_pct_allowed_last_15": 0.4351464435146444,
    "mid_range_attempts_allowed_per_game": 15.933333333333334,
    "mid_range_blocks_per_game": 0.5333333333333333,
    "mid_range_defense_vs_league_avg": 1.4342868287639754,
    "three_pt_pct_allowed_last_15": 0.33935018050541516,
    "three_pt_attempts_allowed_per_game": 36.93333333333333,
    "three_pt_blocks_per_game": 0.4666666666666667,
    "three_pt_defense_vs_league_avg": -1.5048688704645818,
    "defensive_rating_last_15": 108.51666666666667,
    "opponent_points_per_game": 108.26666666666667,
    "opponent_pace": 98.3,
}
BOS_STORED = {
    "paint_pct_allowed_last_15": 0.557, "paint_attempts_allowed_per_game": 36.1,
    "paint_points_allowed_per_game": 40.3, "paint_blocks_per_game": 3.5, "paint_defense_vs_league_avg": -1.03,
    "mid_range_pct_allowed_last_15": 0.435, "mid_range_attempts_allowed_per_game": 15.9,
    "mid_range_blocks_per_game": 0.5, "mid_range_defense_vs_league_avg": 1.43,
    "three_pt_pct_allowed_last_15": 0.339, "three_pt_attempts_allowed_per_game": 36.9,
    "three_pt_blocks_per_game": 0.5, "three_pt_defense_vs_league_avg": -1.50,
    "defensive_rating_last_15": 108.52, "opponent_points_per_game": 108.3, "opponent_pace": 98.3,
}  # fmt: skip


# --- worked examples -------------------------------------------------------------------------------


def test_league_averages_t1_keeps_ten_teams() -> None:
    league = tdza.league_averages(team_defense_game_summary=_t_games(), analysis_dates=[D])
    assert league["teams_in_sample"].to_list() == [10]
    for zone, value in LEAGUE_AVG.items():
        assert league[f"league_avg_{zone}"].item() == pytest.approx(value, **APPROX)


def test_league_averages_fall_back_to_defaults_below_ten_teams() -> None:
    games = _t_games().filter(pl.col("defending_team_abbr") != "PHX")  # 9 qualifying teams left
    league = tdza.league_averages(team_defense_game_summary=games, analysis_dates=[D])
    assert league.row(0, named=True) == {
        "analysis_date": D, "league_avg_paint": 0.580, "league_avg_mid_range": 0.410,
        "league_avg_three_pt": 0.355, "teams_in_sample": 9,
    }  # fmt: skip


def test_league_averages_window_is_the_30_days_before_d() -> None:
    # A qualifying team's rows on D - 31 and on D must not move the average; one on D - 30 must.
    base = tdza.league_averages(team_defense_game_summary=_t_games(), analysis_dates=[D])
    outside = [
        _row("ATL", day, opp_paint_makes=700, opp_paint_attempts=700, opp_mid_range_makes=1,
             opp_mid_range_attempts=1, opp_three_pt_makes=1, opp_three_pt_attempts=1)
        for day in (D - timedelta(days=31), D, D + timedelta(days=1))
    ]  # fmt: skip
    moved = tdza.league_averages(team_defense_game_summary=_concat(_t_games(), outside), analysis_dates=[D])
    assert_frame_equal(moved, base)
    inside = [_row("ATL", D - timedelta(days=30), opp_paint_makes=700, opp_paint_attempts=700)]
    changed = tdza.league_averages(team_defense_game_summary=_concat(_t_games(), inside), analysis_dates=[D])
    assert changed["league_avg_paint"].item() > base["league_avg_paint"].item()


def test_compute_t2_bos_unrounded_and_stored() -> None:
    out = tdza.compute(team_defense_game_summary=_t_games(), schedule=_t_schedule(), analysis_dates=[D])
    bos = _only(out.rows, "BOS")
    for column, value in BOS_EXPECTED.items():
        assert bos[column] == pytest.approx(value, **APPROX), column
    assert (bos["games_in_sample"], bos["strongest_zone"], bos["weakest_zone"]) == (15, "perimeter", "mid_range")
    assert (bos["data_quality_tier"], bos["calculation_notes"], bos["analysis_date"]) == ("high", None, D)
    stored = _only(stored_rows(tdza, out.rows), "BOS")
    assert {c: stored[c] for c in BOS_STORED} == BOS_STORED


def test_conform_stores_the_double_nearest_to_the_rounded_decimal() -> None:
    out = tdza.compute(team_defense_game_summary=_t_games(), schedule=_t_schedule(), analysis_dates=[D])
    assert _only(stored_rows(tdza, out.rows), "BOS")["paint_points_allowed_per_game"] == 40.3


def test_compute_t2_completeness_counts_home_and_away_games() -> None:
    out = tdza.compute(team_defense_game_summary=_t_games(), schedule=_t_schedule(), analysis_dates=[D])
    bos = _only(stored_rows(tdza, out.rows), "BOS")
    assert (bos["expected_games_count"], bos["actual_games_count"]) == (42, 42)
    assert (bos["completeness_percentage"], bos["is_production_ready"]) == (100.0, True)


def test_compute_t3a_det_fails_with_insufficient_data_whatever_its_completeness() -> None:
    out = tdza.compute(team_defense_game_summary=_t_games(), schedule=_t_schedule(), analysis_dates=[D])
    assert "DET" not in out.rows["team_abbr"].to_list()
    det = out.failures.filter(pl.col("entity_id") == "DET")
    assert det.to_dicts() == [
        {"analysis_date": D, "entity_id": "DET", "failure_category": INSUFFICIENT_DATA,
         "failure_reason": "Only 14 games, need 15"},
    ]  # fmt: skip
    assert dict(out.failures.schema) == FAILURE_COLUMNS


def test_compute_t3b_uta_without_paint_and_mid_range_data() -> None:
    out = tdza.compute(team_defense_game_summary=_t_games(), schedule=_t_schedule(), analysis_dates=[D])
    uta = _only(out.rows, "UTA")
    for column in ("paint_pct_allowed_last_15", "paint_defense_vs_league_avg", "mid_range_pct_allowed_last_15",
                   "mid_range_defense_vs_league_avg"):  # fmt: skip
        assert uta[column] is None, column
    for column in ("paint_attempts_allowed_per_game", "paint_points_allowed_per_game", "paint_blocks_per_game",
                   "mid_range_attempts_allowed_per_game", "mid_range_blocks_per_game", "three_pt_blocks_per_game"):  # fmt: skip
        assert uta[column] == 0.0, column
    expected = {
        "three_pt_pct_allowed_last_15": 0.3333333333333333, "three_pt_attempts_allowed_per_game": 34.0,
        "three_pt_defense_vs_league_avg": -2.106553587672766, "defensive_rating_last_15": 113.0,
        "opponent_points_per_game": 113.0, "opponent_pace": 99.5,
    }  # fmt: skip
    for column, value in expected.items():
        assert uta[column] == pytest.approx(value, **APPROX), column
    assert (uta["strongest_zone"], uta["weakest_zone"]) == ("perimeter", "perimeter")
    assert uta["calculation_notes"] == "No paint attempts; No mid-range attempts"
    stored = _only(stored_rows(tdza, out.rows), "UTA")
    assert (stored["three_pt_pct_allowed_last_15"], stored["three_pt_defense_vs_league_avg"]) == (0.333, -2.11)
    assert (stored["defensive_rating_last_15"], stored["opponent_pace"]) == (113.0, 99.5)


def test_compute_t3b_uta_against_the_default_league_average() -> None:
    games = _t_games().filter(pl.col("defending_team_abbr") == "UTA")
    out = tdza.compute(team_defense_game_summary=games, schedule=_t_schedule(), analysis_dates=[D])
    assert _only(out.rows, "UTA")["three_pt_defense_vs_league_avg"] == pytest.approx(-2.166666666666667, **APPROX)


def test_compute_t_run_writes_teams_with_15_games_and_fails_the_rest() -> None:
    out = tdza.compute(team_defense_game_summary=_t_games(), schedule=_t_schedule(), analysis_dates=[D])
    assert sorted(out.rows["team_abbr"]) == ["BOS", "DEN", "NYK", "UTA"]
    failed = dict(zip(out.failures["entity_id"], out.failures["failure_reason"], strict=True))
    assert failed == {
        team: f"Only {totals[0]} games, need 15" for team, totals in T1_TOTALS.items() if totals[0] < 15
    } | {"DET": "Only 14 games, need 15"}
    assert set(out.failures["failure_category"]) == {INSUFFICIENT_DATA}
    assert out.rows.columns == [
        c for c in tdza.TABLE.column_names if c not in {"processor_version", "run_id", "processed_at"}
    ]


# --- decisions D1, D4, vectorisation -----------------------------------------------------------------


def test_compute_ignores_every_statistic_on_or_after_d() -> None:
    games, schedule = _synthetic_season(seed=7)
    base = tdza.compute(team_defense_game_summary=games, schedule=schedule, analysis_dates=[D])
    rng = random.Random(11)
    later = pl.col("game_date") >= D
    counts = [
        c
        for c, dtype in games.schema.items()
        if dtype == pl.Int64 and c not in ("season_year", "opp_mid_range_attempts")
    ]
    scrambled = games.with_columns(
        pl.when(later).then(pl.lit(rng.randint(0, 90))).otherwise(pl.col(c)).alias(c) for c in counts
    ).with_columns(
        pl.when(later).then(None).otherwise(pl.col("opp_mid_range_attempts")).alias("opp_mid_range_attempts"),
        pl.when(later).then(pl.lit(150.25)).otherwise(pl.col("defensive_rating")).alias("defensive_rating"),
        pl.when(later).then(pl.lit(80.5)).otherwise(pl.col("opponent_pace")).alias("opponent_pace"),
    )  # fmt: skip
    extra = [_row(team, D, opp_paint_makes=50, opp_paint_attempts=50) for team in ("BOS", "MIA", "LAC")]
    extra += [_row("BOS", D, opp_three_pt_makes=40, opp_three_pt_attempts=40)]  # a duplicate on D as well
    extra_schedule = _schedule([(D, "BOS", "MIA"), (D, "LAC", "ATL"), (D + timedelta(days=1), "BOS", "LAC")])
    changed = tdza.compute(
        team_defense_game_summary=_concat(scrambled, extra),
        schedule=pl.concat([schedule, extra_schedule]),
        analysis_dates=[D],
    )
    assert base.rows.height > 0 and base.failures.height > 0
    assert_frame_equal(_sorted(changed.rows), _sorted(base.rows), check_exact=True)
    assert_frame_equal(_sorted(changed.failures), _sorted(base.failures), check_exact=True)


def test_compute_many_dates_equals_one_date_at_a_time() -> None:
    games, schedule = _synthetic_season(seed=3)
    dates = [date(2024, 11, 20), date(2024, 12, 25), D]
    together = tdza.compute(team_defense_game_summary=games, schedule=schedule, analysis_dates=dates)
    singles = [tdza.compute(team_defense_game_summary=games, schedule=schedule, analysis_dates=[d]) for d in dates]
    assert_frame_equal(_sorted(together.rows), _sorted(pl.concat([s.rows for s in singles])), check_exact=True)
    assert_frame_equal(_sorted(together.failures), _sorted(pl.concat([s.failures for s in singles])), check_exact=True)
    assert set(together.rows["analysis_date"]) == set(dates)


def test_compute_uses_only_the_season_of_d() -> None:
    # Last season's games (before October 1) neither fill the window nor make a team a candidate.
    games, schedule = _synthetic_season(seed=5)
    previous = games.with_columns(pl.col("game_date") - pl.duration(days=365), pl.col("season_year") - 1)
    stale = _frame([_row("LAC", date(2024, 9, 30), **_full())])
    out = tdza.compute(team_defense_game_summary=games, schedule=schedule, analysis_dates=[D])
    with_old = tdza.compute(
        team_defense_game_summary=pl.concat([games, previous, stale]), schedule=schedule, analysis_dates=[D]
    )
    assert "LAC" not in with_old.failures["entity_id"].to_list() + with_old.rows["team_abbr"].to_list()
    assert_frame_equal(_sorted(with_old.rows), _sorted(out.rows), check_exact=True)
    assert_frame_equal(_sorted(with_old.failures), _sorted(out.failures), check_exact=True)


def test_compute_analyses_teams_that_did_not_play_recently() -> None:
    games = _t_games().filter(pl.col("defending_team_abbr") == "BOS")
    later = date(2025, 2, 20)  # BOS's newest game is 2025-01-15; its window is unchanged
    out = tdza.compute(team_defense_game_summary=games, schedule=_t_schedule(), analysis_dates=[later])
    bos = _only(out.rows, "BOS")
    assert bos["paint_pct_allowed_last_15"] == pytest.approx(BOS_EXPECTED["paint_pct_allowed_last_15"], **APPROX)
    assert bos["analysis_date"] == later


# --- edge cases (2A.11) --------------------------------------------------------------------------------


def test_compute_zone_with_zero_attempts() -> None:
    rows = [_row("MIA", day, **_full(opp_mid_range_makes=0, opp_mid_range_attempts=0)) for day in _days(15)]
    mia = _row_of("MIA", rows)
    assert (mia["mid_range_pct_allowed_last_15"], mia["mid_range_defense_vs_league_avg"]) == (None, None)
    assert (mia["mid_range_attempts_allowed_per_game"], mia["mid_range_blocks_per_game"]) == (0.0, 1.0)
    assert mia["calculation_notes"] == "No mid-range attempts"
    assert "mid_range" not in (mia["strongest_zone"], mia["weakest_zone"])


def test_compute_null_makes_with_attempts_give_zero_pct() -> None:
    rows = [_row("MIA", day, **_full(opp_paint_makes=None)) for day in _days(15)]
    mia = _row_of("MIA", rows)
    assert mia["paint_pct_allowed_last_15"] == 0.0
    assert mia["paint_defense_vs_league_avg"] == pytest.approx(-58.0, **APPROX)  # only MIA: defaults apply


def test_league_averages_leave_out_a_team_without_recorded_makes() -> None:
    games = _t_games().with_columns(
        pl.when(pl.col("defending_team_abbr") == "ATL")
        .then(None)
        .otherwise(pl.col("opp_paint_makes"))
        .alias("opp_paint_makes")
    )
    assert tdza.league_averages(team_defense_game_summary=games, analysis_dates=[D])["teams_in_sample"].item() == 9


def test_compute_all_zones_missing() -> None:
    empty = dict.fromkeys(("opp_paint_makes", "opp_paint_attempts", "opp_mid_range_makes", "opp_mid_range_attempts",
                           "opp_three_pt_makes", "opp_three_pt_attempts"))  # fmt: skip
    rows = [_row("MIA", day, **_full(**empty)) for day in _days(15)]
    mia = _row_of("MIA", rows)
    assert (mia["strongest_zone"], mia["weakest_zone"]) == (None, None)
    assert mia["calculation_notes"] == "No paint attempts; No mid-range attempts; No three-point attempts"


def test_compute_rating_and_pace_average_the_non_null_games() -> None:
    days = _days(15)
    rows = [_row("MIA", day, **_full(defensive_rating=100.10 if i < 2 else None, opponent_pace=None))
            for i, day in enumerate(days)]  # fmt: skip
    mia = _row_of("MIA", rows)
    assert mia["defensive_rating_last_15"] == pytest.approx(100.1, **APPROX)
    assert mia["opponent_pace"] is None


def test_compute_counts_duplicate_rows_twice() -> None:
    days = _days(14)
    rows = [_row("MIA", day, **_full()) for day in days] + [_row("MIA", days[0], **_full(points_allowed=140))]
    mia = _row_of("MIA", rows)
    assert mia["games_in_sample"] == 15
    assert mia["opponent_points_per_game"] == pytest.approx((14 * 110 + 140) / 15, **APPROX)


def test_compute_window_ties_break_by_game_id_descending() -> None:
    # Two games on the 15th-newest date: the one with the larger game_id is kept (D7).
    days = _days(15)
    rows = [_row("MIA", day, **_full()) for day in days]
    rows += [{**_row("MIA", days[-1], **_full(points_allowed=200)), "game_id": "00000000_AAA_MIA"}]
    mia = _row_of("MIA", rows)
    assert mia["opponent_points_per_game"] == pytest.approx(110.0, **APPROX)


def test_compute_with_no_input_rows() -> None:
    out = tdza.compute(team_defense_game_summary=_frame([]), schedule=_t_schedule(), analysis_dates=[D])
    assert out.rows.is_empty() and out.failures.is_empty()
    assert stored_rows(tdza, out.rows).columns == tdza.TABLE.column_names


# --- helpers -----------------------------------------------------------------------------------------------


def _row(team: str, day: date, **stats: Any) -> dict[str, Any]:
    return {
        "game_id": f"{day:%Y%m%d}_LAC_{team}", "game_date": day, "defending_team_abbr": team,
        "opponent_team_abbr": "LAC", "season_year": season_year(day), **stats,
    }  # fmt: skip


def _full(**overrides: Any) -> dict[str, Any]:
    """One ordinary game's statistics."""
    stats = dict(
        opp_paint_makes=20, opp_paint_attempts=36, opp_mid_range_makes=7, opp_mid_range_attempts=16,
        opp_three_pt_makes=12, opp_three_pt_attempts=35, points_in_paint_allowed=40, blocks_paint=3,
        blocks_mid_range=1, blocks_three_pt=1, points_allowed=110, defensive_rating=110.0, opponent_pace=99.0,
    )  # fmt: skip
    return stats | overrides


def _days(n: int) -> list[date]:
    return [D - timedelta(days=2 * (i + 1)) for i in range(n)]


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=TEAM_DEFENSE_GAME_SUMMARY.polars_schema)


def _concat(games: pl.DataFrame, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.concat([games, _frame(rows)])


def _t_games() -> pl.DataFrame:
    """T1-T3: the ten league teams, BOS's 42 games, DET's 14 and UTA's 15."""
    rows: list[dict[str, Any]] = []
    window_days = [date(2024, 12, 17) + timedelta(days=2 * i) for i in range(15)]  # 12-17 .. 01-14
    for team, (n, *totals) in T1_TOTALS.items():
        stats = ("opp_paint_makes", "opp_paint_attempts", "opp_mid_range_makes", "opp_mid_range_attempts",
                 "opp_three_pt_makes", "opp_three_pt_attempts")  # fmt: skip
        split = [_split(t, n) for t in totals]
        rows += [_row(team, window_days[i], **{s: split[k][i] for k, s in enumerate(stats)}) for i in range(n)]
    rows += [_row("BOS", day, **BOS_TYPE_A) for day in BOS_A_DATES]
    rows += [_row("BOS", day, **BOS_TYPE_B) for day in BOS_B_DATES]
    rows += [_row("BOS", date(2024, 12, 14), **BOS_RANK_16)]
    rows += [_row("BOS", day, **_full()) for day in BOS_EARLY_DATES]
    det = (("opp_paint_makes", 270), ("opp_paint_attempts", 470), ("opp_mid_range_makes", 90),
           ("opp_mid_range_attempts", 215), ("opp_three_pt_makes", 110), ("opp_three_pt_attempts", 310))  # fmt: skip
    rows += [_row("DET", window_days[i], **{s: _split(t, 9)[i] for s, t in det}) for i in range(9)]
    rows += [_row("DET", date(2024, 11, 1) + timedelta(days=3 * i), **_full()) for i in range(5)]
    uta = [
        dict(
            opp_three_pt_makes=12,
            opp_three_pt_attempts=35,
            points_allowed=115,
            defensive_rating=114.00,
            opponent_pace=100.0,
        ),
        dict(
            opp_three_pt_makes=10,
            opp_three_pt_attempts=32,
            points_allowed=109,
            defensive_rating=111.00,
            opponent_pace=98.5,
        ),
    ]
    rows += [_row("UTA", day, **uta[0 if i < 10 else 1]) for i, day in enumerate(window_days)]
    return _frame(rows)


def _schedule(games: list[tuple[date, str, str]], status: int = 3) -> pl.DataFrame:
    return pl.DataFrame(
        [{"game_id": f"00224{i:05d}", "game_date": day, "season_year": season_year(day),
          "home_team_tricode": home, "away_team_tricode": away, "game_status": status, "is_regular_season": True}
         for i, (day, home, away) in enumerate(games)],
        schema=SCHEDULE.polars_schema,
    )  # fmt: skip


def _t_schedule() -> pl.DataFrame:
    """BOS's 42 finals, 21 at home, and one game still to come; DET's 40 finals."""
    bos_days = sorted([*BOS_A_DATES, *BOS_B_DATES, date(2024, 12, 14), *BOS_EARLY_DATES])
    games = [(day, "BOS", "LAC") if i % 2 else (day, "LAC", "BOS") for i, day in enumerate(bos_days)]
    games += [(date(2024, 10, 23) + timedelta(days=2 * i), "DET", "PHI") for i in range(40)]
    return pl.concat([_schedule(games), _schedule([(date(2025, 1, 18), "BOS", "DET")], status=1)])


def _synthetic_season(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Twelve teams playing every other day from opening night to March, random box scores with some NULLs."""
    rng = random.Random(seed)
    teams = ["ATL", "BOS", "CHI", "DAL", "DEN", "DET", "GSW", "HOU", "MIA", "NYK", "PHX", "UTA"]
    rows: list[dict[str, Any]] = []
    games: list[tuple[date, str, str]] = []
    day = date(2024, 10, 22)
    while day < date(2025, 3, 1):
        playing = teams + ["SAS"] * (day < date(2024, 11, 5))  # SAS stops early: a team short of 15 games
        order = rng.sample(playing, len(playing))[: 2 * rng.randint(3, 6)]  # a few teams rest each day
        for home, away in zip(order[::2], order[1::2], strict=True):
            games.append((day, home, away))
            for team in (home, away):
                if rng.random() < 0.05:  # upstream data missing for this team's game
                    continue
                pa, ma, ta = rng.randint(25, 45), rng.randint(8, 22), rng.randint(25, 45)
                stats = dict(
                    opp_paint_makes=rng.randint(10, pa), opp_paint_attempts=pa,
                    opp_mid_range_makes=None if rng.random() < 0.05 else rng.randint(2, ma), opp_mid_range_attempts=ma,
                    opp_three_pt_makes=rng.randint(6, ta), opp_three_pt_attempts=ta,
                    points_in_paint_allowed=rng.randint(30, 60), blocks_paint=rng.randint(0, 8),
                    blocks_mid_range=rng.randint(0, 3), blocks_three_pt=rng.randint(0, 2),
                    points_allowed=rng.randint(90, 135), defensive_rating=rng.randint(9500, 12500) / 100,
                    opponent_pace=None if rng.random() < 0.1 else rng.randint(940, 1040) / 10,
                )  # fmt: skip
                rows.append(_row(team, day, **stats) | {"game_id": f"{day:%Y%m%d}_{away}_{home}"})
        day += timedelta(days=rng.choice((1, 2)))
    return _frame(rows), _schedule(games)


def _row_of(team: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The team's output row at D, computed from these input rows alone."""
    return _only(
        tdza.compute(team_defense_game_summary=_frame(rows), schedule=_t_schedule(), analysis_dates=[D]).rows, team
    )


def _only(rows: pl.DataFrame, team: str) -> dict[str, Any]:
    return only(rows, "team_abbr", team)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns[:2])
