"""The bad-input catalogue, end to end: each kind stops the backfill with a clear error, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.errors import InputError, NbarayError
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.registry import table
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons
from nbaray.warehouse import LocalConfig, open_warehouse

SEASON = 2023
PGS = "nba_analytics.player_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
SCHEDULE = "nba_raw.nbac_schedule"


@pytest.fixture(scope="module")
def season() -> dict[str, pl.DataFrame]:
    return generate_seasons([SEASON], seed=21)


def _first_rows(column: str, value: object, n: int = 2) -> Callable[[pl.DataFrame], pl.DataFrame]:
    return lambda f: f.with_columns(
        pl.when(pl.int_range(pl.len()) < n).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )


# kind -> (table, how to break it, what the error must say)
CATALOGUE: dict[str, tuple[str, Callable[[pl.DataFrame], pl.DataFrame], str]] = {
    "missing column": (PGS, lambda f: f.drop("points"), f"{PGS}: missing column points"),
    "wrong type": (PGS, lambda f: f.with_columns(pl.col("points").cast(pl.String)), "column points has type String"),
    "null key": (PGS, _first_rows("player_lookup", None), "column player_lookup: 2 rows are NULL"),
    "duplicate key": (PGS, lambda f: pl.concat([f, f.head(3)]), "key (player_lookup, game_id): 6 rows share a key"),
    "negative minutes": (PGS, _first_rows("minutes_played", -5.0), "column minutes_played: 2 rows where minutes_played is negative"),
    "negative points": (PGS, _first_rows("points", -1), "column points: 2 rows where points is negative"),
    "makes above attempts": (TDGS, _first_rows("opp_paint_makes", 999), "opp_paint_makes > opp_paint_attempts"),
    "unknown team": (PGS, _first_rows("opponent_team_abbr", "XXX"), "opponent_team_abbr is not an NBA team code"),
    "date outside the season": (PGS, _first_rows("season_year", SEASON - 1), "game_date lies outside season_year's season"),
    "schedule disagrees with the games": (
        SCHEDULE,
        lambda f: f.filter(pl.int_range(pl.len()) >= 40),  # 40 scheduled games vanish, their box scores stay
        "teams the schedule (nba_raw.nbac_schedule) has no game for that day",
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(CATALOGUE))
def test_bad_input_stops_the_backfill_and_writes_nothing(season, kind: str, tmp_path: Path) -> None:
    name, breaks, message = CATALOGUE[kind]
    broken = {**season, name: breaks(season[name])}
    config = LocalConfig(tmp_path / "warehouse")
    warehouse = open_warehouse(config)
    # The raw write path, as another tool writing the warehouse would: the input checks run at read time.
    for frame_name, frame in broken.items():
        schema = table(frame_name)
        present = [c for c in schema.column_names if c in frame.columns]
        warehouse_frame = frame.select(present)
        files = warehouse_frame.partition_by("game_date", as_dict=True) if warehouse_frame.height else {}
        directory = config.root / schema.dataset / schema.name
        directory.mkdir(parents=True, exist_ok=True)
        for (day,), part in files.items():
            part.write_parquet(directory / f"{day.isoformat()}.parquet")
    opening = opening_nights(season[SCHEDULE])[SEASON]
    with pytest.raises(InputError) as caught:
        backfill(config, opening, opening + timedelta(days=40), progress=False)
    assert message in str(caught.value)
    for output in output_tables():
        assert warehouse.read(output).is_empty(), output.qualified_name


def test_an_empty_input_range_is_a_clear_error(season, tmp_path: Path) -> None:
    config = LocalConfig(tmp_path / "warehouse")
    with pytest.raises(NbarayError, match="has no games between 2023-07-01 and 2023-07-31"):
        backfill(config, date(2023, 7, 1), date(2023, 7, 31), progress=False)
