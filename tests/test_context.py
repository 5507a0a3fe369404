"""The context builder: roster and pre-game context per analysis date (D6), and point in time (D1)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbaray import context
from nbaray.schemas.phase3 import (
    PLAYER_GAME_SUMMARY,
    SCHEDULE,
    TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_PLAYER_GAME_CONTEXT,
    UPCOMING_TEAM_GAME_CONTEXT,
)
from tests.rows import box_score, frame, scheduled, team_game

D = date
DAY = D(2023, 1, 15)  # PCF-3: alphaguard (DEN) plays at LAC
DEN_DAYS = [D(2023, 1, d) for d in (3, 5, 8, 10, 12, 14)] + [D(2022, 12, d) for d in (31, 29, 27, 25, 23)]
DEN_PACE = [98.5, 99.8, 97.9, 100.2, 98.7, 99.4, 99.1, 100.6, 98.3, 99.1]  # newest 10, oldest first
LAC_DAYS = [D(2023, 1, d) for d in (13, 11, 9, 7, 4, 2)] + [D(2022, 12, d) for d in (30, 28, 26, 24, 22)]
LAC_PACE = [97.2, 96.8, 98.1, 97.5, 96.4, 98.6, 97.0, 97.9, 96.9, 97.4]


def den_at_lac() -> dict[str, list[dict]]:
    pgs = [
        box_score("alphaguard", D(2023, 1, 3), "DEN", "UTA", minutes_played=29.0, usage_rate=19.0),
        box_score("alphaguard", D(2023, 1, 5), "DEN", "UTA", minutes_played=31.0, usage_rate=17.0),
        box_score("alphaguard", D(2023, 1, 8), "DEN", "UTA", minutes_played=30.5, usage_rate=18.0),
        box_score("alphaguard", D(2023, 1, 10), "DEN", "UTA", is_active=False),
        box_score("alphaguard", D(2023, 1, 12), "DEN", "UTA", minutes_played=33.0, usage_rate=20.5),
        box_score("alphaguard", D(2023, 1, 14), "DEN", "UTA", minutes_played=35.5, usage_rate=22.0),
        box_score("alphaguard", DAY, "DEN", "LAC", home=False, minutes_played=44.0, usage_rate=40.0),
        box_score("lacstar", DAY, "LAC", "DEN", minutes_played=30.0),
    ]
    togs = [team_game("DEN", day, pace) for day, pace in zip(DEN_DAYS, reversed(DEN_PACE), strict=False)]
    togs += [team_game("DEN", DEN_DAYS[-1], 80.0), team_game("DEN", DAY, 130.0)]  # outside the window, on D
    togs += [team_game("LAC", day, pace) for day, pace in zip(LAC_DAYS, LAC_PACE, strict=False)]
    togs += [team_game("LAC", LAC_DAYS[-1], 120.0), team_game("LAC", DAY, 70.0)]
    schedule = [scheduled(day, "DEN", "UTA") for day in DEN_DAYS] + [scheduled(day, "LAC", "PHX") for day in LAC_DAYS]
    schedule.append(scheduled(DAY, "LAC", "DEN"))
    return {"pgs": pgs, "togs": togs, "schedule": schedule}


def players(data: dict, upcoming: list[dict] = (), dates: list[date] = (DAY,)) -> pl.DataFrame:
    return context.player_game_context(
        player_game_summary=frame(PLAYER_GAME_SUMMARY, data["pgs"]),
        team_offense_game_summary=frame(TEAM_OFFENSE_GAME_SUMMARY, data["togs"]),
        upcoming_player_game_context=frame(UPCOMING_PLAYER_GAME_CONTEXT, list(upcoming)),
        schedule=frame(SCHEDULE, data["schedule"]),
        analysis_dates=list(dates),
    )


def teams(data: dict, upcoming: list[dict] = (), dates: list[date] = (DAY,)) -> pl.DataFrame:
    return context.team_game_context(
        team_offense_game_summary=frame(TEAM_OFFENSE_GAME_SUMMARY, data["togs"]),
        upcoming_team_game_context=frame(UPCOMING_TEAM_GAME_CONTEXT, list(upcoming)),
        schedule=frame(SCHEDULE, data["schedule"]),
        analysis_dates=list(dates),
    )


def row_of(rows: pl.DataFrame, **key: object) -> dict:
    (row,) = rows.filter(**key).to_dicts()
    return row


def test_player_game_context_derives_pcf3_context() -> None:
    row = row_of(players(den_at_lac()), player_lookup="alphaguard")
    assert row == {
        "player_lookup": "alphaguard", "universal_player_id": "alphaguard_001", "game_id": "20230115_DEN_LAC",
        "game_date": DAY, "team_abbr": "DEN", "opponent_team_abbr": "LAC", "home_game": False,
        "days_rest": 1, "back_to_back": True, "opponent_days_rest": 2,
        "games_in_last_7_days": 4, "games_in_last_14_days": 6, "minutes_in_last_7_days": 99,
        "minutes_in_last_14_days": 159, "avg_minutes_per_game_last_7": 24.75, "back_to_backs_last_14_days": 0,
        "fourth_quarter_minutes_last_7": None, "avg_usage_rate_last_7_games": pytest.approx(60.5 / 3),
        "player_age": None, "projected_usage_rate": None, "star_teammates_out": 0,
        "pace_differential": 1.78, "opponent_pace_last_10": pytest.approx(97.38),
        "season_phase": "mid", "player_status": None, "has_prop_line": False, "current_points_line": None,
        "context_source": "derived",
    }  # fmt: skip


def test_player_game_context_columns_are_declared_once() -> None:
    assert players(den_at_lac()).schema == pl.Schema(context.PLAYER_CONTEXT_COLUMNS)
    assert teams(den_at_lac()).schema == pl.Schema(context.TEAM_CONTEXT_COLUMNS)


def test_player_game_context_without_history_has_no_rest_and_empty_windows() -> None:
    row = row_of(players(den_at_lac()), player_lookup="lacstar")
    assert (row["days_rest"], row["back_to_back"], row["games_in_last_7_days"], row["minutes_in_last_14_days"]) == (
        None, False, 0, 0,
    )  # fmt: skip
    assert row["avg_minutes_per_game_last_7"] is None
    assert row["home_game"] is True
    assert row["pace_differential"] == pytest.approx(-1.78)


def test_player_game_context_counts_back_to_backs_in_the_14_days() -> None:
    data = den_at_lac()
    extra = [D(2023, 1, 4), D(2023, 1, 9), D(2023, 1, 13), D(2023, 1, 1), D(2022, 12, 31)]
    data["pgs"] += [box_score("alphaguard", day, "DEN", "UTA", minutes_played=10.0) for day in extra]
    # pairs inside [01-01, 01-14]: 3-4, 4-5, 8-9, 9-10, 12-13, 13-14; 12-31 is outside the window
    assert row_of(players(data), player_lookup="alphaguard")["back_to_backs_last_14_days"] == 6


def test_player_game_context_uses_upcoming_rows_as_given() -> None:
    given_row = {"player_lookup": "alphaguard", "universal_player_id": "alphaguard_009", "game_id": "0022200650",
                 "game_date": DAY, "team_abbr": "DEN", "opponent_team_abbr": "LAC", "days_rest": 1,
                 "back_to_back": False, "games_in_last_7_days": 2, "projected_usage_rate": 27.0}  # fmt: skip
    rows = players(den_at_lac(), upcoming=[given_row])
    alpha = row_of(rows, player_lookup="alphaguard")
    assert (alpha["game_id"], alpha["back_to_back"], alpha["games_in_last_7_days"], alpha["context_source"]) == (
        "0022200650", False, 2, "upcoming",
    )  # fmt: skip
    assert alpha["pace_differential"] is None  # as given, not filled in
    # a past date's roster is its box scores: lacstar has no upcoming row, so his context is derived
    assert row_of(rows, player_lookup="lacstar")["context_source"] == "derived"


def test_player_game_context_roster_of_a_past_date_is_its_box_scores() -> None:
    scratched = {"player_lookup": "benchwarmer", "game_id": "0022200650", "game_date": DAY, "team_abbr": "DEN",
                 "opponent_team_abbr": "LAC"}  # fmt: skip
    assert "benchwarmer" not in players(den_at_lac(), upcoming=[scratched])["player_lookup"].to_list()


def test_player_game_context_roster_of_a_future_date_is_the_upcoming_context() -> None:
    tomorrow = D(2023, 1, 16)
    old = {"player_lookup": "alphaguard", "game_id": "0022200660", "game_date": tomorrow, "team_abbr": "DEN",
           "opponent_team_abbr": "PHX", "days_rest": 3,
           "processed_at": datetime(2023, 1, 15, 8, tzinfo=UTC)}  # fmt: skip
    new = old | {"days_rest": 2, "processed_at": datetime(2023, 1, 15, 20, tzinfo=UTC)}
    rows = players(den_at_lac(), upcoming=[old, new], dates=[DAY, tomorrow])
    future = rows.filter(pl.col("game_date") == tomorrow)
    assert future.select("player_lookup", "days_rest", "context_source").rows() == [("alphaguard", 2, "upcoming")]
    assert rows.filter(pl.col("game_date") == DAY).height == 2


def test_team_game_context_derives_rest_and_pace_from_the_schedule() -> None:
    rows = teams(den_at_lac())
    assert rows["team_abbr"].to_list() == ["DEN", "LAC"]
    den, lac = row_of(rows, team_abbr="DEN"), row_of(rows, team_abbr="LAC")
    rest_of = ["days_rest", "back_to_back", "home_game", "games_in_last_7_days", "games_in_last_14_days"]
    assert [den[c] for c in rest_of] == [1, True, False, 4, 6]
    assert [lac[c] for c in rest_of] == [2, False, True, 3, 6]
    assert den["pace_differential"] == 1.78 and lac["pace_differential"] == -1.78
    assert den["context_source"] == "derived" and den["game_total"] is None


def test_team_game_context_uses_upcoming_rows_as_given() -> None:
    line = {"team_abbr": "LAC", "game_id": "0022200650", "game_date": DAY, "opponent_team_abbr": "DEN",
            "game_total": 228.5, "game_spread": -3.5}  # fmt: skip
    lac = row_of(teams(den_at_lac(), upcoming=[line]), team_abbr="LAC")
    assert (lac["game_id"], lac["game_total"], lac["game_spread"], lac["context_source"]) == (
        "0022200650", 228.5, -3.5, "upcoming",
    )  # fmt: skip
    assert lac["days_rest"] == 2


def test_missing_roster_failures_flags_dates_nobody_plays() -> None:
    failed = context.missing_roster_failures(players(den_at_lac()), [DAY, D(2023, 1, 16)])
    assert failed.rows() == [(D(2023, 1, 16), "DATE_LEVEL", "MISSING_DEPENDENCY",
                              "no player_game_summary or upcoming_player_game_context rows for the date")]  # fmt: skip


# --- D1: changing any statistic of a game on or after D changes no context row for D ---


def league(seed: int) -> dict[str, list[dict]]:
    """Four teams over three weeks of late 2023; most players appear on most of their team's game days."""
    rng = random.Random(seed)
    pgs, togs, schedule = [], [], []
    for k in range(24):
        day = D(2023, 11, 1) + timedelta(days=k)
        for home, away in (("BOS", "MIA"), ("DEN", "LAC")) if k % 2 else (("BOS", "DEN"), ("MIA", "LAC")):
            if rng.random() < 0.3:
                continue
            schedule.append(scheduled(day, home, away))
            for team, opponent in ((home, away), (away, home)):
                togs.append(team_game(team, day, rng.uniform(94, 106)))
                for n in range(3):
                    if rng.random() < 0.8:
                        stats = {"minutes_played": round(rng.uniform(0, 40), 1), "points": rng.randint(0, 40),
                                 "usage_rate": round(rng.uniform(10, 35), 1),
                                 "is_active": rng.random() < 0.9}  # fmt: skip
                        pgs.append(box_score(f"{team.lower()}{n}", day, team, opponent, home=team == home, **stats))
    return {"pgs": pgs, "togs": togs, "schedule": schedule}


def scrambled(data: dict, day: date, seed: int) -> dict:
    """Every statistic of every game on or after `day` replaced by noise; who played where stays."""
    rng = random.Random(seed)

    def box(row: dict) -> dict:
        noise = {"minutes_played": rng.uniform(0, 60), "usage_rate": rng.uniform(0, 60), "points": rng.randint(0, 60),
                 "is_active": rng.random() < 0.5}  # fmt: skip
        return row | noise if row["game_date"] >= day else row

    def team(row: dict) -> dict:
        return (
            row | {"pace": rng.uniform(80, 120), "offensive_rating": rng.uniform(80, 140)}
            if row["game_date"] >= day
            else row
        )

    return data | {"pgs": [box(r) for r in data["pgs"]], "togs": [team(r) for r in data["togs"]]}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), offset=st.integers(8, 23), noise=st.integers(0, 10_000))
def test_context_ignores_every_statistic_on_or_after_d(seed: int, offset: int, noise: int) -> None:
    data = league(seed)
    day = D(2023, 11, 1) + timedelta(days=offset)
    dates = [day - timedelta(days=k) for k in range(4)]
    clean_players, clean_teams = players(data, dates=dates), teams(data, dates=dates)
    noisy = scrambled(data, day, noise)
    assert clean_players.equals(players(noisy, dates=dates))
    assert clean_teams.equals(teams(noisy, dates=dates))


def test_context_point_in_time_check_has_teeth() -> None:
    # the same scramble started one day earlier does reach D's context
    data, day = league(7), D(2023, 11, 20)
    dates = [day - timedelta(days=k) for k in range(4)]
    assert players(data, dates=dates).height > 0
    assert not players(data, dates=dates).equals(players(scrambled(data, day - timedelta(days=1), 1), dates=dates))
