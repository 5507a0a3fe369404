"""Completeness (D4): counting, percentage rounding and readiness."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from nbaray.features import completeness
from nbaray.schemas.phase3 import SCHEDULE

D = date(2025, 1, 16)


def _schedule(games: list[tuple[date, str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"game_id": f"00224{i:05d}", "game_date": day, "season_year": 2024, "home_team_tricode": home,
          "away_team_tricode": away, "game_status": status, "is_regular_season": True}
         for i, (day, home, away, status) in enumerate(games)],
        schema=SCHEDULE.polars_schema,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("expected", "actual", "pct"),
    [(16, 1, 6.3), (21, 42, 100.0), (40, 14, 35.0), (3, 2, 66.7), (0, 5, None), (10000, 6996, 70.0)],
)
def test_completeness_pct_rounds_half_away_and_caps(expected: int, actual: int, pct: float | None) -> None:
    frame = pl.DataFrame({"e": [expected], "a": [actual]})
    value = frame.select(completeness.completeness_pct(pl.col("e"), pl.col("a"))).item()
    assert value == (None if pct is None else pytest.approx(pct, abs=1e-9))


def test_is_ready_uses_the_rounded_percentage() -> None:
    frame = pl.DataFrame({"e": [10000, 10000, 0], "a": [6995, 6994, 0]})
    ready = frame.select(completeness.is_ready(completeness.completeness_pct(pl.col("e"), pl.col("a"))))
    assert ready.to_series().to_list() == [True, False, False]


def test_schedule_team_dates_counts_home_and_away_finals_only() -> None:
    schedule = _schedule(
        [
            (date(2024, 12, 1), "BOS", "NYK", 3),
            (date(2024, 12, 3), "MIA", "BOS", 3),
            (date(2024, 12, 5), "BOS", "LAC", 1),
        ]
    )
    dates = completeness.schedule_team_dates(schedule).filter(pl.col("team_abbr") == "BOS")
    assert sorted(dates["game_date"]) == [date(2024, 12, 1), date(2024, 12, 3)]


def test_team_completeness_t3a_det() -> None:
    # 40 DET finals since October 1 (one more on D and one last season, neither counted); 14 DET rows.
    days = [date(2024, 10, 23) + timedelta(days=2 * i) for i in range(40)]
    schedule = _schedule(
        [(day, "DET", "PHI", 3) for day in days] + [(D, "DET", "PHI", 3), (date(2024, 4, 1), "DET", "PHI", 3)]
    )
    rows = pl.DataFrame({"defending_team_abbr": ["DET"] * 15, "game_date": [*days[:14], D]})
    counts = completeness.team_completeness(schedule, rows, [D], team_column="defending_team_abbr")
    det = counts.filter(pl.col("defending_team_abbr") == "DET").row(0, named=True)
    assert (det["expected_games_count"], det["actual_games_count"]) == (40, 14)
    assert det["completeness_percentage"] == pytest.approx(35.0, abs=1e-9)
    assert det["is_production_ready"] is False


def test_player_completeness_follows_the_latest_team_from_the_first_game_of_the_season() -> None:
    # Traded from BOS to NYK on 2024-12-20: NYK's finals from his first row this season (2024-12-01)
    # to D, exclusive, are expected; last season's rows and the game on D count for nothing.
    nyk_days = [date(2024, 11, 25) + timedelta(days=3 * i) for i in range(18)]  # 11-25 .. 01-15
    schedule = _schedule([(day, "NYK", "MIA", 3) for day in [*nyk_days, D]])
    own = [(date(2024, 4, 2), "NYK"), (date(2024, 12, 1), "BOS"), (date(2024, 12, 10), "BOS")]
    own += [(day, "NYK") for day in nyk_days if date(2024, 12, 20) <= day] + [(D, "NYK")]
    rows = pl.DataFrame(
        {
            "player_lookup": ["p"] * len(own) + ["old"],
            "team_abbr": [team for _, team in own] + ["NYK"],
            "game_date": [day for day, _ in own] + [date(2024, 4, 2)],
            "game_id": [f"{day:%Y%m%d}" for day, _ in own] + ["20240402"],
        }
    )
    players = pl.DataFrame({"player_lookup": ["p", "old"], "analysis_date": [D, D]})
    counts = completeness.player_completeness(schedule, rows, players).sort("player_lookup")
    old, p = counts.to_dicts()
    nyk_in_window = [day for day in nyk_days if day >= date(2024, 12, 1)]  # 12-01 .. 01-15
    on_nyk_dates = [day for day in nyk_in_window if day >= date(2024, 12, 20)]
    assert (p["expected_games_count"], p["actual_games_count"]) == (len(nyk_in_window), len(on_nyk_dates) + 2)
    assert p["completeness_percentage"] == pytest.approx(
        round(100 * (len(on_nyk_dates) + 2) / len(nyk_in_window), 1), abs=1e-9
    )
    assert (old["expected_games_count"], old["completeness_percentage"], old["is_production_ready"]) == (0, None, False)
