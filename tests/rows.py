"""Input rows for the context and processor tests, and checks on one output row."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from nbaray.schemas.columns import TableSchema
from nbaray.season_calendar import season_year


def frame(schema: TableSchema, rows: list[dict]) -> pl.DataFrame:
    """Rows with every column of `schema` in its registry dtype; columns a row leaves out are NULL."""
    return pl.DataFrame(rows, schema=schema.polars_schema) if rows else schema.empty()


def box_score(player: str, day: date, team: str, opponent: str, home: bool = True, **stats: object) -> dict:
    away, home_team = (opponent, team) if home else (team, opponent)
    return {"player_lookup": player, "universal_player_id": f"{player}_001", "game_date": day,
            "game_id": f"{day:%Y%m%d}_{away}_{home_team}", "team_abbr": team, "opponent_team_abbr": opponent,
            "season_year": season_year(day), "is_active": True, **stats}  # fmt: skip


def scheduled(day: date, home: str, away: str) -> dict:
    return {"game_id": f"{day:%Y%m%d}{away}{home}", "game_date": day, "season_year": season_year(day),
            "home_team_tricode": home, "away_team_tricode": away, "game_status": 3,
            "is_regular_season": True}  # fmt: skip


def team_game(team: str, day: date, pace: float) -> dict:
    return {"game_id": f"{day:%Y%m%d}_{team}", "game_date": day, "team_abbr": team, "opponent_team_abbr": "UTA",
            "season_year": season_year(day), "pace": pace, "offensive_rating": 110.0, "home_game": True,
            "win_flag": True}  # fmt: skip


def only_row(rows: pl.DataFrame, player: str) -> dict:
    (row,) = rows.filter(pl.col("player_lookup") == player).to_dicts()
    return row


def assert_values(row: dict, expected: dict) -> None:
    for column, value in expected.items():
        if isinstance(value, float):
            assert row[column] == pytest.approx(value, abs=1e-9), column
        else:
            assert row[column] == value, column
