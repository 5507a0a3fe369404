"""Completeness (D4): counting, percentage rounding and readiness."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbaray.features import completeness, windows
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


# The definition D4 states, by pairing every row with every analysis date: what the positional
# counting of `player_completeness` and `team_completeness` must reproduce.
def _paired_player_counts(schedule, player_game_summary, keys, *, last_games=None, days=None) -> pl.DataFrame:
    d, day = pl.col("analysis_date"), pl.col("game_date")
    season = (
        player_game_summary.join(keys, on="player_lookup")
        .filter(day < d, day >= windows.season_start(d))
    )  # fmt: skip
    team_and_start = season.group_by("player_lookup", "analysis_date").agg(
        pl.col("team_abbr").sort_by("game_date", "game_id", descending=True).first(), first_game=day.min()
    )
    team_games = team_and_start.join(completeness.schedule_team_dates(schedule), on="team_abbr").filter(
        day < d, day >= pl.col("first_game")
    )
    if days is not None:
        team_games = team_games.filter(day >= d - pl.duration(days=days))
    if last_games is not None:
        team_games = team_games.filter(day.rank("ordinal", descending=True).over("player_lookup", d) <= last_games)
    bounds = team_games.group_by("player_lookup", "analysis_date").agg(
        expected_games_count=day.n_unique(), window_start=day.min()
    )
    actual = (
        season.join(bounds, on=["player_lookup", "analysis_date"])
        .filter(day >= pl.col("window_start"))
        .group_by("player_lookup", "analysis_date")
        .agg(actual_games_count=day.n_unique())
    )
    return (
        keys.join(bounds.drop("window_start"), on=["player_lookup", "analysis_date"], how="left")
        .join(actual, on=["player_lookup", "analysis_date"], how="left")
        .with_columns(pl.col("expected_games_count", "actual_games_count").fill_null(0).cast(pl.Int64))
    )


def _paired_team_counts(schedule, team_rows, analysis_dates) -> pl.DataFrame:
    def counted(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return (
            frame.join(windows.dates_frame(analysis_dates), how="cross")
            .filter(pl.col("game_date") < pl.col("analysis_date"))
            .filter(pl.col("game_date") >= windows.season_start(pl.col("analysis_date")))
            .group_by("team_abbr", "analysis_date")
            .agg(pl.col("game_date").n_unique().cast(pl.Int64).alias(name))
        )

    expected = counted(completeness.schedule_team_dates(schedule), "expected_games_count")
    actual = counted(team_rows.select("team_abbr", "game_date").unique(), "actual_games_count")
    return expected.join(actual, on=["team_abbr", "analysis_date"], how="full", coalesce=True).with_columns(
        pl.col("expected_games_count", "actual_games_count").fill_null(0)
    )


TEAMS = ["BOS", "NYK", "MIA"]
games = st.lists(st.tuples(st.integers(0, 70), st.sampled_from(TEAMS), st.sampled_from(TEAMS), st.sampled_from([1, 3])))
player_rows = st.lists(st.tuples(st.sampled_from(["p", "q"]), st.integers(0, 70), st.sampled_from(TEAMS)))
day_offsets = st.lists(st.integers(0, 75), min_size=1, max_size=5)
FIRST = date(2024, 9, 20)  # the windows cross October 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games, player_rows, day_offsets, st.sampled_from([{}, {"last_games": 3}, {"days": 7}, {"days": 14}]))
def test_player_completeness_counts_as_the_pairing_definition(scheduled, rows, offsets, window) -> None:
    schedule = _schedule([(FIRST + timedelta(days=d), home, away, status) for d, home, away, status in scheduled
                          if home != away])  # fmt: skip
    summary = pl.DataFrame(
        [(player, team, FIRST + timedelta(days=d), f"{d:03d}_{team}") for player, d, team in rows],
        schema={"player_lookup": pl.String, "team_abbr": pl.String, "game_date": pl.Date, "game_id": pl.String},
        orient="row",
    ).unique(["player_lookup", "game_id"])
    keys = pl.DataFrame(
        [(player, FIRST + timedelta(days=d)) for player in ("p", "q", "nobody") for d in offsets],
        schema={"player_lookup": pl.String, "analysis_date": pl.Date},
        orient="row",
    ).unique()
    counts = completeness.player_completeness(schedule, summary, keys, **window)
    columns = ["player_lookup", "analysis_date", "expected_games_count", "actual_games_count"]
    expected = _paired_player_counts(schedule, summary, keys, **window)
    assert counts.select(columns).sort(columns[:2]).equals(expected.select(columns).sort(columns[:2]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games, player_rows, day_offsets)
def test_team_completeness_counts_as_the_pairing_definition(scheduled, rows, offsets) -> None:
    schedule = _schedule([(FIRST + timedelta(days=d), home, away, status) for d, home, away, status in scheduled
                          if home != away])  # fmt: skip
    team_rows = pl.DataFrame(
        [(team, FIRST + timedelta(days=d)) for _, d, team in rows],
        schema={"team_abbr": pl.String, "game_date": pl.Date},
        orient="row",
    )
    dates = sorted({FIRST + timedelta(days=d) for d in offsets})
    counts = completeness.team_completeness(schedule, team_rows, dates, team_column="team_abbr")
    columns = ["team_abbr", "analysis_date", "expected_games_count", "actual_games_count"]
    expected = _paired_team_counts(schedule, team_rows, dates).filter(
        (pl.col("expected_games_count") > 0) | (pl.col("actual_games_count") > 0)
    )
    assert counts.select(columns).sort(columns[:2]).equals(expected.select(columns).sort(columns[:2]))
