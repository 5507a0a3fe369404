from __future__ import annotations

from datetime import date

import polars as pl

from nbaray.features.recent_games import latest_date_before, newest_before

GAMES = pl.DataFrame({
    "team_abbr": ["BOS", "BOS", "BOS", "BOS", "MIA"],
    "game_date": [date(2024, 4, 12), date(2024, 11, 2), date(2024, 11, 2), date(2024, 11, 5), date(2024, 11, 1)],
    "game_id": ["a", "b", "c", "d", "e"],
})  # fmt: skip


def keys(*pairs: tuple[str, date]) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema={"team_abbr": pl.String, "analysis_date": pl.Date}, orient="row")


def test_newest_before_reaches_into_last_season_and_breaks_ties_by_game_id() -> None:
    picked = newest_before(GAMES, keys(("BOS", date(2024, 11, 5))), by=["team_abbr"], n=3)
    assert picked.select("game_id", "recency_rank").rows() == [("c", 1), ("b", 2), ("a", 3)]


def test_newest_before_excludes_d_itself_and_pairs_each_date() -> None:
    picked = newest_before(GAMES, keys(("BOS", date(2024, 11, 2)), ("BOS", date(2024, 11, 6))), by=["team_abbr"], n=2)
    assert picked.select("analysis_date", "game_id").rows() == [
        (date(2024, 11, 2), "a"), (date(2024, 11, 6), "d"), (date(2024, 11, 6), "c"),
    ]  # fmt: skip


def test_newest_before_drops_keys_without_history() -> None:
    assert newest_before(
        GAMES, keys(("MIA", date(2024, 11, 1)), ("NYK", date(2024, 12, 1))), by=["team_abbr"], n=5
    ).is_empty()


def test_latest_date_before_is_strictly_before_d() -> None:
    found = latest_date_before(GAMES, keys(("BOS", date(2024, 11, 5)), ("MIA", date(2024, 11, 1))), by=["team_abbr"])
    assert dict(found.select("team_abbr", "previous_game_date").rows()) == {"BOS": date(2024, 11, 2), "MIA": None}
