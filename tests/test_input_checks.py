"""Each kind of bad Phase 3 input gives an error naming the table, the column, a count and example keys."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from nbaray.errors import InputError
from nbaray.input_checks import checked_input
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY, SCHEDULE

TABLE = "nba_analytics.player_game_summary"


def player_game_summary() -> pl.DataFrame:
    """Three valid rows: two players of one game, one of the next."""
    return pl.DataFrame(
        {
            "player_lookup": ["janedoe", "johnroe", "janedoe"],
            "universal_player_id": ["janedoe_001", "johnroe_001", "janedoe_001"],
            "game_id": ["20241105_BOS_NYK", "20241105_BOS_NYK", "20241107_NYK_MIA"],
            "game_date": [date(2024, 11, 5), date(2024, 11, 5), date(2024, 11, 7)],
            "team_abbr": ["NYK", "BOS", "NYK"],
            "opponent_team_abbr": ["BOS", "NYK", "MIA"],
            "season_year": [2024, 2024, 2024],
            "is_active": [True, True, True],
            "minutes_played": [31.0, 24.0, 33.0],
            "points": [22, 9, 18],
            "fg_attempts": [17, 8, 15],
            "fg_makes": [8, 4, 7],
            "three_pt_attempts": [6, 2, 5],
            "three_pt_makes": [2, 1, 2],
            "ft_makes": [4, 0, 2],
            "paint_attempts": [7, 4, 6],
            "paint_makes": [4, 2, 3],
            "mid_range_attempts": [4, 2, 4],
            "mid_range_makes": [2, 1, 2],
            "assisted_fg_makes": [5, 3, 4],
            "unassisted_fg_makes": [3, 1, 3],
            "usage_rate": [27.5, 15.1, 25.0],
            "ts_pct": [0.583, 0.563, 0.55],
        }
    )


def test_valid_input_passes_with_registry_dtypes() -> None:
    checked = checked_input(PLAYER_GAME_SUMMARY, player_game_summary())
    assert checked.schema == PLAYER_GAME_SUMMARY.polars_schema
    assert checked.height == 3


def test_optional_columns_may_be_absent_and_are_null() -> None:
    checked = checked_input(PLAYER_GAME_SUMMARY, player_game_summary().drop("universal_player_id"))
    assert checked["universal_player_id"].null_count() == 3


def test_team_aliases_are_folded_into_nba_codes() -> None:
    frame = player_game_summary().with_columns(team_abbr=pl.Series(["NY", "BRK", "NYK"]))
    assert checked_input(PLAYER_GAME_SUMMARY, frame)["team_abbr"].to_list() == ["NYK", "BKN", "NYK"]


def test_numeric_inputs_widen_losslessly() -> None:
    frame = player_game_summary().with_columns(pl.col("points").cast(pl.Int32), pl.col("usage_rate").cast(pl.Float32))
    assert checked_input(PLAYER_GAME_SUMMARY, frame).schema == PLAYER_GAME_SUMMARY.polars_schema


def rejected(frame: pl.DataFrame, table=PLAYER_GAME_SUMMARY) -> str:
    with pytest.raises(InputError) as caught:
        checked_input(table, frame)
    assert caught.value.table == table.qualified_name
    return str(caught.value)


def test_missing_column() -> None:
    message = rejected(player_game_summary().drop("points"))
    assert message == f"{TABLE}: missing column points"


def test_wrong_type() -> None:
    message = rejected(player_game_summary().with_columns(pl.col("points").cast(pl.String)))
    assert "column points has type String, expected Int64" in message


def test_null_key() -> None:
    frame = player_game_summary().with_columns(
        player_lookup=pl.when(pl.col("points") == 9).then(None).otherwise(pl.col("player_lookup"))
    )
    message = rejected(frame)
    assert "column player_lookup: 1 rows are NULL (e.g. None/20241105_BOS_NYK)" in message


def test_duplicate_key() -> None:
    frame = pl.concat([player_game_summary(), player_game_summary().head(1)])
    message = rejected(frame)
    assert "key (player_lookup, game_id): 2 rows share a key (e.g. janedoe/20241105_BOS_NYK)" in message


@pytest.mark.parametrize("column", ["minutes_played", "points"])
def test_negative_minutes_or_points(column: str) -> None:
    frame = player_game_summary().with_columns(
        pl.when(pl.col("points") == 18).then(-1).otherwise(pl.col(column)).alias(column)
    )
    message = rejected(frame)
    assert f"column {column}: 1 rows where {column} is negative (e.g. janedoe/20241107_NYK_MIA)" in message


def test_makes_above_attempts() -> None:
    frame = player_game_summary().with_columns(three_pt_makes=pl.Series([2, 3, 2]))
    message = rejected(frame)
    assert (
        "column three_pt_makes: 1 rows where three_pt_makes > three_pt_attempts (e.g. johnroe/20241105_BOS_NYK)"
        in message
    )


def test_unknown_team_code() -> None:
    frame = player_game_summary().with_columns(opponent_team_abbr=pl.Series(["BOS", "XYZ", "MIA"]))
    message = rejected(frame)
    assert "column opponent_team_abbr: 1 rows where opponent_team_abbr is not an NBA team code" in message


def test_game_date_outside_its_season() -> None:
    frame = player_game_summary().with_columns(season_year=pl.Series([2024, 2023, 2024]))
    message = rejected(frame)
    assert "column game_date: 1 rows where game_date lies outside season_year's season" in message
    assert "johnroe/20241105_BOS_NYK" in message


def test_every_problem_of_a_table_is_reported_at_once() -> None:
    frame = player_game_summary().with_columns(
        points=pl.Series([-1, 9, 18]), team_abbr=pl.Series(["NYK", "ZZZ", "NYK"])
    )
    message = rejected(frame)
    assert "points is negative" in message and "team_abbr is not an NBA team code" in message


def test_schedule_team_playing_itself() -> None:
    schedule = pl.DataFrame(
        {
            "game_id": ["0022400001"],
            "game_date": [date(2024, 10, 22)],
            "season_year": [2024],
            "home_team_tricode": ["BOS"],
            "away_team_tricode": ["BOS"],
            "game_status": [3],
            "is_regular_season": [True],
        }
    )
    assert "a team plays itself (e.g. 0022400001)" in rejected(schedule, SCHEDULE)
