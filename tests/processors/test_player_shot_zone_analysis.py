"""player_shot_zone_analysis: the spec's worked examples P1-P3 under nbaray's decisions, D1, D4, edge cases."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from nbaray.processors import FAILURE_COLUMNS, INSUFFICIENT_DATA
from nbaray.processors import player_shot_zone_analysis as psza
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY, SCHEDULE
from nbaray.season_calendar import season_year
from tests.processors.support import only, stored_rows

D = date(2025, 1, 16)  # P1-P3 moved from 2025-01-15 so that no game falls on D (D1)
APPROX = {"rel": 1e-12}

P1_P = dict(paint_makes=6, paint_attempts=9, mid_range_makes=1, mid_range_attempts=3, three_pt_makes=2,
            three_pt_attempts=5, fg_makes=9, assisted_fg_makes=5, unassisted_fg_makes=4)  # fmt: skip
P1_Q = dict(paint_makes=4, paint_attempts=7, mid_range_makes=2, mid_range_attempts=4, three_pt_makes=3,
            three_pt_attempts=7, fg_makes=9, assisted_fg_makes=6, unassisted_fg_makes=3)  # fmt: skip
P1_R = dict(paint_makes=5, paint_attempts=10, mid_range_makes=2, mid_range_attempts=5, three_pt_makes=1,
            three_pt_attempts=4, fg_makes=8, assisted_fg_makes=5, unassisted_fg_makes=3)  # fmt: skip
P1_X = dict(paint_makes=9, paint_attempts=12, mid_range_makes=3, mid_range_attempts=4, three_pt_makes=4,
            three_pt_attempts=6, fg_makes=16, assisted_fg_makes=8, unassisted_fg_makes=8)  # fmt: skip
P1_DATES = {
    "P": [date(2025, 1, d) for d in (15, 13, 11, 7, 5, 3)],
    "Q": [date(2025, 1, 1), *(date(2024, 12, d) for d in (30, 28, 26))],
    "R": [date(2024, 12, d) for d in (23, 21, 19, 17, 15, 13, 11, 9, 7, 5)],
    "X": [date(2024, 12, 3)],
}
P1_EXPECTED = {
    "paint_rate_last_10": 47.12643678160919, "mid_range_rate_last_10": 19.54022988505747,
    "three_pt_rate_last_10": 33.33333333333333, "paint_pct_last_10": 0.6341463414634146,
    "mid_range_pct_last_10": 0.4117647058823529, "three_pt_pct_last_10": 0.41379310344827586,
    "paint_attempts_per_game": 8.2, "mid_range_attempts_per_game": 3.4, "three_pt_attempts_per_game": 5.8,
    "paint_rate_last_20": 50.0, "paint_pct_last_20": 0.5604395604395604,
    "assisted_rate_last_10": 60.0, "unassisted_rate_last_10": 40.0,
}  # fmt: skip
P1_STORED = {
    "paint_rate_last_10": 47.13, "mid_range_rate_last_10": 19.54, "three_pt_rate_last_10": 33.33,
    "paint_pct_last_10": 0.634, "mid_range_pct_last_10": 0.412, "three_pt_pct_last_10": 0.414,
    "paint_attempts_per_game": 8.2, "mid_range_attempts_per_game": 3.4, "three_pt_attempts_per_game": 5.8,
    "paint_rate_last_20": 50.0, "paint_pct_last_20": 0.56, "assisted_rate_last_10": 60.0,
    "unassisted_rate_last_10": 40.0,
}  # fmt: skip

# P2: ranks 1-10 as (paint M, paint A, mid M, mid A, three M, three A, fg_makes); ranks 11-14 all alike.
P2_NEWEST_10 = [
    (2, 3, 2, 4, 1, 3, 5), (1, 3, 2, 4, 1, 3, 4), (2, 3, 1, 4, 1, 4, 4), (1, 3, 2, 4, 2, 3, 5),
    (2, 3, 2, 3, 1, 3, 5), (1, 3, 1, 4, 1, 4, 3), (2, 3, 2, 4, 1, 3, 5), (1, 3, 2, 3, 1, 3, 4),
    (2, 3, 1, 4, 1, 3, 4), (1, 3, 1, 3, 1, 4, 3),
]  # fmt: skip
P2_OLDER = dict(paint_makes=3, paint_attempts=5, mid_range_makes=1, mid_range_attempts=2, three_pt_makes=1,
                three_pt_attempts=3, fg_makes=5, assisted_fg_makes=3, unassisted_fg_makes=2)  # fmt: skip


# --- worked examples -------------------------------------------------------------------------------


def test_compute_p1_janedoe_unrounded_and_stored() -> None:
    out = psza.compute(player_game_summary=_p_games(), schedule=_p_schedule(), analysis_dates=[D])
    jane = _only(out.rows, "janedoe")
    for column, value in P1_EXPECTED.items():
        assert jane[column] == pytest.approx(value, **APPROX), column
    assert jane["universal_player_id"] == "janedoe_001" and jane["analysis_date"] == D
    assert (jane["total_shots_last_10"], jane["games_in_sample_10"], jane["games_in_sample_20"]) == (174, 10, 20)
    assert (jane["sample_quality_10"], jane["sample_quality_20"]) == ("excellent", "excellent")
    assert (jane["primary_scoring_zone"], jane["data_quality_tier"]) == ("paint", "high")
    assert (jane["player_position"], jane["calculation_notes"]) == (None, None)
    stored = _only(stored_rows(psza, out.rows), "janedoe")
    assert {c: stored[c] for c in P1_STORED} == P1_STORED


def test_compute_p1_completeness_from_the_players_first_game_of_the_season() -> None:
    # BOS finals: the 23 dates of janedoe's rows, 2024-11-30 (before her first row: not expected),
    # 2025-01-14 (she has no row: expected, missing) and 2025-01-16 (= D: not before D).
    out = psza.compute(player_game_summary=_p_games(), schedule=_p_schedule(), analysis_dates=[D])
    jane = _only(stored_rows(psza, out.rows), "janedoe")
    assert (jane["expected_games_count"], jane["actual_games_count"]) == (24, 23)
    assert jane["completeness_percentage"] == 95.8  # 23 / 24 = 95.83 %
    assert jane["is_production_ready"] is True


def test_compute_p2_johnroe_mid_range_without_assist_data() -> None:
    out = psza.compute(player_game_summary=_p_games(), schedule=_p_schedule(), analysis_dates=[D])
    john = _only(out.rows, "johnroe")
    expected = {
        "paint_rate_last_10": 30.0, "mid_range_rate_last_10": 37.0, "three_pt_rate_last_10": 33.0,
        "paint_pct_last_10": 0.5, "mid_range_pct_last_10": 0.43243243243243246,
        "three_pt_pct_last_10": 0.3333333333333333, "paint_attempts_per_game": 3.0,
        "mid_range_attempts_per_game": 3.7, "three_pt_attempts_per_game": 3.3,
        "assisted_rate_last_10": 0.0, "unassisted_rate_last_10": 0.0,
    }  # fmt: skip
    for column, value in expected.items():
        assert john[column] == pytest.approx(value, **APPROX), column
    assert (john["total_shots_last_10"], john["paint_rate_last_20"], john["paint_pct_last_20"]) == (100, None, None)
    assert (john["games_in_sample_20"], john["sample_quality_20"]) == (14, "good")
    assert (john["primary_scoring_zone"], john["universal_player_id"]) == ("mid_range", None)
    stored = _only(stored_rows(psza, out.rows), "johnroe")
    assert (stored["mid_range_pct_last_10"], stored["three_pt_pct_last_10"]) == (0.432, 0.333)
    # NYK is not in the schedule: nothing expected, so no percentage and not ready (D4).
    assert (stored["expected_games_count"], stored["completeness_percentage"], stored["is_production_ready"]) == (
        0, None, False,
    )  # fmt: skip


def test_compute_p3a_short_players_fail_with_insufficient_data() -> None:
    out = psza.compute(player_game_summary=_p_games(), schedule=_p_schedule(), analysis_dates=[D])
    assert not {"eightgames", "sixrows"} & set(out.rows["player_lookup"])
    assert sorted(out.failures.to_dicts(), key=lambda f: f["entity_id"]) == [
        {"analysis_date": D, "entity_id": "eightgames", "failure_category": INSUFFICIENT_DATA,
         "failure_reason": "Only 8 games, need 10"},
        {"analysis_date": D, "entity_id": "sixrows", "failure_category": INSUFFICIENT_DATA,
         "failure_reason": "Only 6 games, need 10"},
    ]  # fmt: skip
    assert dict(out.failures.schema) == FAILURE_COLUMNS


def test_compute_p3b_nozone_has_no_shot_profile() -> None:
    out = psza.compute(player_game_summary=_p_games(), schedule=_p_schedule(), analysis_dates=[D])
    nozone = _only(out.rows, "nozone")
    for column in ("paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10", "paint_pct_last_10",
                   "mid_range_pct_last_10", "three_pt_pct_last_10", "total_shots_last_10", "assisted_rate_last_10",
                   "unassisted_rate_last_10", "primary_scoring_zone", "paint_rate_last_20", "paint_pct_last_20"):  # fmt: skip
        assert nozone[column] is None, column
    per_game = ("paint_attempts_per_game", "mid_range_attempts_per_game", "three_pt_attempts_per_game")
    assert [nozone[c] for c in per_game] == [0.0, 0.0, 0.0]
    assert (nozone["games_in_sample_20"], nozone["sample_quality_20"], nozone["sample_quality_10"]) == (
        12, "limited", "excellent",
    )  # fmt: skip
    assert nozone["data_quality_tier"] == "high"


def test_compute_p_run_output_columns() -> None:
    out = psza.compute(player_game_summary=_p_games(), schedule=_p_schedule(), analysis_dates=[D])
    assert sorted(out.rows["player_lookup"]) == ["janedoe", "johnroe", "nozone"]
    assert out.rows.columns == [
        c for c in psza.TABLE.column_names if c not in {"processor_version", "run_id", "processed_at"}
    ]


# --- decisions D1, vectorisation ---------------------------------------------------------------------


def test_compute_ignores_every_statistic_on_or_after_d() -> None:
    games, schedule = _synthetic_season(seed=2)
    base = psza.compute(player_game_summary=games, schedule=schedule, analysis_dates=[D])
    later = pl.col("game_date") >= D
    stats = ["paint_makes", "paint_attempts", "mid_range_makes", "mid_range_attempts", "three_pt_makes",
             "three_pt_attempts", "fg_makes", "fg_attempts", "assisted_fg_makes", "unassisted_fg_makes"]  # fmt: skip
    scrambled = games.with_columns(
        *(pl.when(later).then(pl.lit(7)).otherwise(pl.col(c)).alias(c) for c in stats),
        pl.when(later).then(pl.lit(48.0)).otherwise(pl.col("minutes_played")).alias("minutes_played"),
        pl.when(later).then(pl.lit(True)).otherwise(pl.col("is_active")).alias("is_active"),
        pl.when(later).then(pl.lit("changed")).otherwise(pl.col("universal_player_id")).alias("universal_player_id"),
        pl.when(later).then(pl.lit("MIA")).otherwise(pl.col("team_abbr")).alias("team_abbr"),
    )
    extra = [_row(p, D, **_shots(9, 9, 0, 0, 0, 0)) for p in ("p00", "p01", "p14", "newcomer")]
    extra_schedule = _schedule([(D, "MIA", "BOS"), (D, "ATL", "NYK")])
    changed = psza.compute(
        player_game_summary=pl.concat([scrambled, _frame(extra)]),
        schedule=pl.concat([schedule, extra_schedule]),
        analysis_dates=[D],
    )
    assert base.rows.height > 0 and base.failures.height > 0
    assert_frame_equal(_sorted(changed.rows), _sorted(base.rows), check_exact=True)
    assert_frame_equal(_sorted(changed.failures), _sorted(base.failures), check_exact=True)


def test_compute_many_dates_equals_one_date_at_a_time() -> None:
    games, schedule = _synthetic_season(seed=4)
    dates = [date(2024, 11, 20), date(2024, 12, 25), D]
    together = psza.compute(player_game_summary=games, schedule=schedule, analysis_dates=dates)
    singles = [psza.compute(player_game_summary=games, schedule=schedule, analysis_dates=[d]) for d in dates]
    assert_frame_equal(_sorted(together.rows), _sorted(pl.concat([s.rows for s in singles])), check_exact=True)
    assert_frame_equal(_sorted(together.failures), _sorted(pl.concat([s.failures for s in singles])), check_exact=True)
    assert set(together.rows["analysis_date"]) == set(dates)
    assert together.failures.height > 0


def test_compute_uses_only_the_season_of_d() -> None:
    games, schedule = _synthetic_season(seed=6)
    previous = games.with_columns(pl.col("game_date") - pl.duration(days=365), pl.col("season_year") - 1)
    out = psza.compute(player_game_summary=games, schedule=schedule, analysis_dates=[D])
    with_old = psza.compute(player_game_summary=pl.concat([games, previous]), schedule=schedule, analysis_dates=[D])
    assert_frame_equal(_sorted(with_old.rows), _sorted(out.rows), check_exact=True)
    assert_frame_equal(_sorted(with_old.failures), _sorted(out.failures), check_exact=True)


# --- edge cases (2B.10) --------------------------------------------------------------------------------


def test_compute_zone_without_attempts() -> None:
    rows = [_row("p", day, **_shots(5, 10, 2, 5, 0, 0)) for day in _days(10)]
    p = _row_of("p", rows)
    assert (p["three_pt_pct_last_10"], p["three_pt_rate_last_10"], p["three_pt_attempts_per_game"]) == (None, 0.0, 0.0)
    assert p["paint_rate_last_10"] == pytest.approx(100 * 10 / 15, **APPROX)
    assert (p["primary_scoring_zone"], p["sample_quality_20"], p["paint_rate_last_20"]) == ("paint", "limited", None)


def test_compute_null_zone_columns_count_as_zero() -> None:
    rows = [_row("p", day, **_shots(4, 8, 2, 4, 1, 4)) for day in _days(5)]
    rows += [_row("p", day, **_shots(4, 8, None, None, 1, 4)) for day in _days(10)[5:]]
    p = _row_of("p", rows)
    assert p["mid_range_rate_last_10"] == pytest.approx(100 * 20 / 140, **APPROX)
    assert p["mid_range_attempts_per_game"] == pytest.approx(2.0, **APPROX)


def test_compute_no_made_field_goals_means_no_assist_rates() -> None:
    rows = [_row("p", day, **_shots(0, 3, 0, 2, 0, 4)) for day in _days(10)]
    p = _row_of("p", rows)
    assert (p["assisted_rate_last_10"], p["unassisted_rate_last_10"]) == (None, None)
    assert p["paint_pct_last_10"] == 0.0


def test_compute_skips_games_not_played() -> None:
    days = _days(14)
    rows = [_row("p", day, **_shots(2, 4, 1, 2, 1, 3)) for day in days[:10]]
    rows += [
        _row("p", days[10], **_shots(9, 9, 9, 9, 9, 9) | {"minutes_played": None, "fg_attempts": None}),  # no evidence
        _row("p", days[11], **_shots(9, 9, 9, 9, 9, 9) | {"minutes_played": 0.0, "fg_attempts": 0}),  # DNP
        _row("p", days[12], **_shots(9, 9, 9, 9, 9, 9), is_active=False),
        _row("p", days[13], **_shots(2, 4, 1, 2, 1, 3), minutes_played=None),  # FGA > 0: a game
    ]
    p = _row_of("p", rows)
    assert (p["games_in_sample_20"], p["sample_quality_20"]) == (11, "limited")


def test_compute_follows_a_traded_player_across_teams() -> None:
    days = _days(16)
    rows = [
        _row("p", day, **_shots(3, 6, 1, 2, 1, 2), team_abbr="NYK", universal_player_id="p_new") for day in days[:6]
    ]
    rows += [
        _row("p", day, **_shots(1, 2, 1, 2, 3, 6), team_abbr="BOS", universal_player_id="p_old") for day in days[6:]
    ]
    p = _row_of("p", rows)
    assert p["universal_player_id"] == "p_new"
    assert p["paint_rate_last_10"] == pytest.approx(100 * (6 * 6 + 4 * 2) / (6 * 10 + 4 * 10), **APPROX)
    assert (p["games_in_sample_20"], p["sample_quality_20"]) == (16, "good")
    assert p["paint_rate_last_20"] == pytest.approx(100 * (6 * 6 + 10 * 2) / 160, **APPROX)


def test_compute_counts_duplicate_rows_as_games() -> None:
    days = _days(5)
    rows = [_row("p", day, **_shots(2, 4, 1, 2, 1, 3)) for day in days for _ in range(2)]
    p = _row_of("p", rows)
    assert p["games_in_sample_10"] == 10


def test_compute_window_ties_break_by_game_id_descending() -> None:
    days = _days(10)
    rows = [_row("p", day, **_shots(2, 4, 1, 2, 1, 3)) for day in days]
    rows += [{**_row("p", days[-1], **_shots(9, 9, 0, 0, 0, 0)), "game_id": "00000000_AAA_BOS"}]
    p = _row_of("p", rows)
    assert p["paint_attempts_per_game"] == pytest.approx(4.0, **APPROX)


def test_compute_with_no_input_rows() -> None:
    out = psza.compute(player_game_summary=_frame([]), schedule=_p_schedule(), analysis_dates=[D])
    assert out.rows.is_empty() and out.failures.is_empty()
    assert stored_rows(psza, out.rows).columns == psza.TABLE.column_names


# --- helpers -----------------------------------------------------------------------------------------------


def _shots(
    pm: int | None, pa: int | None, mm: int | None, ma: int | None, tm: int | None, ta: int | None
) -> dict[str, Any]:
    """Zone makes/attempts; fg columns follow from them, every make unassisted."""
    makes = sum(x or 0 for x in (pm, mm, tm))
    return dict(
        paint_makes=pm, paint_attempts=pa, mid_range_makes=mm, mid_range_attempts=ma, three_pt_makes=tm,
        three_pt_attempts=ta, fg_makes=makes, fg_attempts=sum(x or 0 for x in (pa, ma, ta)),
        assisted_fg_makes=0, unassisted_fg_makes=makes,
    )  # fmt: skip


def _row(player: str, day: date, **stats: Any) -> dict[str, Any]:
    zone_attempts = sum(stats.get(c) or 0 for c in ("paint_attempts", "mid_range_attempts", "three_pt_attempts"))
    return {
        "player_lookup": player, "universal_player_id": f"{player}_001", "game_id": f"{day:%Y%m%d}_LAC_BOS",
        "game_date": day, "team_abbr": "BOS", "opponent_team_abbr": "LAC",
        "season_year": season_year(day), "is_active": True, "minutes_played": 30.0,
        "fg_attempts": zone_attempts, **stats,
    }  # fmt: skip


def _days(n: int) -> list[date]:
    return [D - timedelta(days=2 * (i + 1)) for i in range(n)]


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PLAYER_GAME_SUMMARY.polars_schema)


def _p_games() -> pl.DataFrame:
    """P1 janedoe (23 rows), P2 johnroe (14), P3 eightgames (8 + 4 inactive), sixrows (6), nozone (12)."""
    rows = [_row("janedoe", day, **stats) for kind, stats in (("P", P1_P), ("Q", P1_Q), ("R", P1_R), ("X", P1_X))
            for day in P1_DATES[kind]]  # fmt: skip
    rows.append(_row("janedoe", date(2025, 1, 9), **_shots(0, 0, 0, 0, 0, 0), minutes_played=0.0))  # DNP
    rows.append(_row("janedoe", date(2024, 12, 27), **_shots(9, 9, 9, 9, 9, 9), is_active=False))
    john_days = [date(2025, 1, 15) - timedelta(days=2 * i) for i in range(14)]
    for rank, (day, (pm, pa, mm, ma, tm, ta, fgm)) in enumerate(zip(john_days, P2_NEWEST_10, strict=False), start=1):
        stats = dict(paint_makes=pm, paint_attempts=pa, mid_range_makes=mm, mid_range_attempts=ma, three_pt_makes=tm,
                     three_pt_attempts=ta, fg_makes=fgm, assisted_fg_makes=None, unassisted_fg_makes=None)  # fmt: skip
        rows.append(_row("johnroe", day, **stats, minutes_played=None if rank == 1 else 25.0, team_abbr="NYK"))
    rows += [_row("johnroe", day, **P2_OLDER, team_abbr="NYK") for day in john_days[10:]]
    rows += [_row("eightgames", day, **_shots(2, 4, 1, 2, 1, 3)) for day in _days(8)]
    rows += [_row("eightgames", day, **_shots(2, 4, 1, 2, 1, 3), is_active=False) for day in _days(12)[8:]]
    rows += [_row("sixrows", day, **_shots(2, 4, 1, 2, 1, 3)) for day in _days(6)]
    nozone = dict.fromkeys(("paint_makes", "paint_attempts", "mid_range_makes", "mid_range_attempts",
                            "three_pt_makes", "three_pt_attempts"))  # fmt: skip
    rows += [_row("nozone", day, **nozone, fg_makes=4, fg_attempts=9, assisted_fg_makes=2, unassisted_fg_makes=2)
             for day in _days(12)]  # fmt: skip
    for row in rows:
        row["universal_player_id"] = None if row["player_lookup"] == "johnroe" else row["universal_player_id"]
    return _frame(rows)


def _schedule(games: list[tuple[date, str, str]], status: int = 3) -> pl.DataFrame:
    return pl.DataFrame(
        [{"game_id": f"00224{i:05d}", "game_date": day, "season_year": season_year(day),
          "home_team_tricode": home, "away_team_tricode": away, "game_status": status, "is_regular_season": True}
         for i, (day, home, away) in enumerate(games)],
        schema=SCHEDULE.polars_schema,
    )  # fmt: skip


def _p_schedule() -> pl.DataFrame:
    """BOS's finals: janedoe's 23 dates plus 2024-11-30, 2025-01-14 and 2025-01-16."""
    jane_days = [*(d for days in P1_DATES.values() for d in days), date(2025, 1, 9), date(2024, 12, 27)]
    extra = [date(2024, 11, 30), date(2025, 1, 14), D]
    return _schedule([(day, "BOS", "LAC") for day in sorted([*jane_days, *extra])])


def _synthetic_season(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fifteen players on three teams from opening night to March: random shots, DNPs, inactive rows, NULLs."""
    rng = random.Random(seed)
    teams = ["ATL", "BOS", "NYK"]
    rows: list[dict[str, Any]] = []
    games: list[tuple[date, str, str]] = []
    day = date(2024, 10, 22)
    while day < date(2025, 3, 1):
        home, away = rng.sample(teams, 2)
        games.append((day, home, away))
        for i in range(15):
            player, team = f"p{i:02d}", teams[i % 3] if day < date(2025, 1, 1) or i != 4 else "ATL"
            if team not in (home, away) or (i == 14 and day > date(2024, 11, 8)):  # p14 is hurt from November 9
                continue
            pa, ma, ta = rng.randint(0, 12), rng.randint(0, 6), rng.randint(0, 9)
            stats = _shots(rng.randint(0, pa), pa, None if rng.random() < 0.05 else rng.randint(0, ma), ma,
                           rng.randint(0, ta), ta)  # fmt: skip
            assisted = rng.randint(0, stats["fg_makes"])
            stats |= dict(assisted_fg_makes=assisted, unassisted_fg_makes=stats["fg_makes"] - assisted)
            status = rng.random()
            extra = (
                dict(is_active=False)
                if status < 0.05
                else dict(minutes_played=0.0, fg_attempts=0)
                if status < 0.1
                else {}
            )
            minutes = None if rng.random() < 0.05 else rng.randint(50, 400) / 10
            rows.append(_row(player, day, **stats) | {"team_abbr": team, "minutes_played": minutes,
                                                      "game_id": f"{day:%Y%m%d}_{away}_{home}"} | extra)  # fmt: skip
        day += timedelta(days=rng.choice((1, 2, 3)))
    return _frame(rows), _schedule(games)


def _row_of(player: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The player's output row at D, computed from these input rows alone."""
    return _only(
        psza.compute(player_game_summary=_frame(rows), schedule=_p_schedule(), analysis_dates=[D]).rows, player
    )


def _only(rows: pl.DataFrame, player: str) -> dict[str, Any]:
    return only(rows, "player_lookup", player)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns[:3])
