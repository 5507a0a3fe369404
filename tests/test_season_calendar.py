"""Season year, opening night, the 14-day bootstrap (D2) and processable dates."""

from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.season_calendar import (
    chunks,
    is_bootstrap,
    opening_night,
    opening_nights,
    processable_dates,
    season_window_start,
    season_year,
)


def schedule(*games: tuple[date, bool, int]) -> pl.DataFrame:
    """Games as (date, is_regular_season, game_status)."""
    return pl.DataFrame(
        {
            "game_id": [f"00224{i:05d}" for i in range(len(games))],
            "game_date": [g[0] for g in games],
            "season_year": [season_year(g[0]) for g in games],
            "home_team_tricode": ["BOS"] * len(games),
            "away_team_tricode": ["NYK"] * len(games),
            "game_status": [g[2] for g in games],
            "is_regular_season": [g[1] for g in games],
        }
    )


def test_season_year_turns_in_october() -> None:
    assert season_year(date(2024, 9, 30)) == 2023
    assert season_year(date(2024, 10, 1)) == 2024
    assert season_year(date(2025, 6, 15)) == 2024
    assert season_window_start(date(2025, 1, 16)) == date(2024, 10, 1)


def test_opening_night_prefers_the_schedule_then_the_table_then_october_22() -> None:
    games = schedule((date(2024, 10, 4), False, 3), (date(2024, 10, 23), True, 3), (date(2024, 10, 25), True, 3))
    assert opening_nights(games) == {2024: date(2024, 10, 23)}
    assert opening_night(2024, opening_nights(games)) == date(2024, 10, 23)
    assert opening_night(2024) == date(2024, 10, 22)
    assert opening_night(2030) == date(2030, 10, 22)


def test_bootstrap_is_days_0_to_13_after_opening_night() -> None:
    assert not is_bootstrap(date(2024, 10, 21))
    assert is_bootstrap(date(2024, 10, 22))
    assert is_bootstrap(date(2024, 11, 4))
    assert not is_bootstrap(date(2024, 11, 5))


def test_processable_dates_are_game_dates_after_the_bootstrap() -> None:
    games = schedule(
        (date(2024, 10, 22), True, 3),
        (date(2024, 11, 4), True, 3),
        (date(2024, 11, 5), True, 3),
        (date(2024, 11, 7), True, 1),
        (date(2024, 11, 9), True, 3),
    )
    assert processable_dates(games, date(2024, 10, 1), date(2024, 11, 8)) == [date(2024, 11, 5), date(2024, 11, 7)]


def test_chunks_cover_every_date_once_in_order() -> None:
    days = [date(2024, 11, d) for d in range(1, 11)]
    assert chunks(days, 4) == [days[0:4], days[4:8], days[8:10]]
