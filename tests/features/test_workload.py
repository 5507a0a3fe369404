from __future__ import annotations

import polars as pl
import pytest

from nbaray.features import workload

# alphaguard before 2023-01-15 (PDC-3): 01-14, 01-12, 01-10 (DNP), 01-08, 01-05, 01-03
HISTORY = pl.DataFrame({
    "days_before": [1, 3, 5, 7, 10, 12],
    "minutes_played": [35.5, 33.0, None, 30.5, 31.0, 29.0],
    "usage_rate": [22.0, 20.5, None, 18.0, 17.0, 19.0],
})  # fmt: skip
m, u, days = pl.col("minutes_played"), pl.col("usage_rate"), pl.col("days_before")


def test_workload_windows_match_pdc3() -> None:
    result = HISTORY.select(
        g7=workload.games_in_last_days(days, 7), g14=workload.games_in_last_days(days, 14),
        m7=workload.minutes_in_last_days(m, days, 7), m14=workload.minutes_in_last_days(m, days, 14),
        avg7=workload.avg_minutes_per_game_last_days(m, days, 7), usage7=workload.avg_usage_rate_last_days(u, days, 7),
    ).row(0, named=True)  # fmt: skip
    assert result == {"g7": 4, "g14": 6, "m7": 99, "m14": 159, "avg7": 24.75, "usage7": pytest.approx(60.5 / 3)}


def test_minutes_in_last_days_rounds_half_away_from_zero() -> None:
    history = pl.DataFrame({"days_before": [1, 2], "minutes_played": [36.2, 100.3]})
    assert history.select(workload.minutes_in_last_days(m, days, 7)).item() == 137  # 136.5


def test_avg_minutes_per_game_is_null_without_games() -> None:
    assert HISTORY.filter(days > 7).select(workload.avg_minutes_per_game_last_days(m, days, 7)).item() is None
    assert HISTORY.filter(days > 7).select(workload.minutes_in_last_days(m, days, 7)).item() == 0


def test_minutes_avg_last_10_uses_the_ten_newest() -> None:
    newest_first = pl.DataFrame({"minutes_played": [30.0] * 10 + [0.0]})
    assert newest_first.select(workload.minutes_avg_last_10(m)).item() == 30.0
