"""Bring your own data: real Parquet and CSV files imported into, and exported from, the embedded warehouse."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from nbaray.errors import InputError, NbarayError
from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.columns import TIMESTAMP, Column, TableSchema
from nbaray.schemas.phase3 import PHASE3_TABLES, PLAYER_GAME_SUMMARY, SCHEDULE
from nbaray.schemas.registry import TABLES
from nbaray.season_calendar import opening_nights
from nbaray.synth import generate_seasons
from nbaray.transfer import export_table, import_files, read_files, table_summaries
from nbaray.warehouse import LocalConfig, Warehouse, open_warehouse

SEASON = 2023
PGS = PLAYER_GAME_SUMMARY.qualified_name
RUN_COLUMNS = ["run_id", "processed_at", "created_at"]
FORMATS = ["csv", "parquet"]


@pytest.fixture(scope="module")
def season() -> dict[str, pl.DataFrame]:
    return generate_seasons([SEASON], seed=1)


@pytest.fixture(scope="module")
def source(season, tmp_path_factory) -> Warehouse:
    """A warehouse holding the synthetic season; read only."""
    warehouse = open_warehouse(LocalConfig(tmp_path_factory.mktemp("source")))
    load_tables(warehouse, season, season_dates([SEASON]))
    return warehouse


@pytest.fixture(scope="module")
def days(season) -> list[date]:
    """Three game dates early in the season."""
    return sorted(season[PGS]["game_date"].unique().to_list())[:3]


@pytest.fixture
def small(season, days, warehouse_dir) -> Warehouse:
    """A warehouse holding player_game_summary and the schedule of `days` only: quick to compare whole."""
    warehouse = open_warehouse(LocalConfig(warehouse_dir))
    frames = {
        t.qualified_name: season[t.qualified_name].filter(pl.col("game_date").is_in(days))
        for t in (PLAYER_GAME_SUMMARY, SCHEDULE)
    }
    load_tables(warehouse, frames, days)
    return warehouse


def on(frame: pl.DataFrame, *dates: date) -> pl.DataFrame:
    return frame.filter(pl.col("game_date").is_in(dates))


def stored(warehouse: Warehouse) -> dict[str, bytes]:
    """Every file of an embedded warehouse, byte for byte (temporary files included)."""
    root = warehouse.root
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path) if path.suffix == ".csv" else frame.write_parquet(path)
    return path


def first_rows_set(frame: pl.DataFrame, column: str, value: object, n: int = 1) -> pl.DataFrame:
    """`frame` with `column` replaced by `value` on its first `n` rows (as text if `value` is text)."""
    original = pl.col(column).cast(pl.String) if isinstance(value, str) else pl.col(column)
    return frame.with_columns(pl.when(pl.int_range(pl.len()) < n).then(pl.lit(value)).otherwise(original).alias(column))


# ------------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_round_trips_every_phase3_table(source, season, tmp_path, fmt) -> None:
    fresh = open_warehouse(LocalConfig(tmp_path / "fresh"))
    for table in PHASE3_TABLES:
        path = tmp_path / f"{table.name}.{fmt}"
        written = export_table(source, table.qualified_name, path)
        expected = source.read(table).sort(table.key)
        assert written == expected.height
        import_files(fresh, table.qualified_name, [path])
        assert fresh.read(table).sort(table.key).equals(expected), table.qualified_name
        assert fresh.partitions(table).equals(source.partitions(table)), table.qualified_name


@pytest.mark.ray
def test_backfill_on_imported_files_equals_backfill_on_the_original(ray_cluster, source, season, tmp_path) -> None:
    original = LocalConfig(tmp_path / "original")
    load_tables(open_warehouse(original), season, season_dates([SEASON]))
    imported = LocalConfig(tmp_path / "imported")
    for table in PHASE3_TABLES:
        path = tmp_path / f"{table.name}.csv"
        export_table(source, table.qualified_name, path)
        import_files(open_warehouse(imported), table.qualified_name, [path])
    # Six weeks in, every processor has teams and players with enough games to write rows.
    start = opening_nights(season[SCHEDULE.qualified_name])[SEASON] + timedelta(days=42)
    end = start + timedelta(days=9)
    for config in (original, imported):
        summary = backfill(config, start, end, dates_per_task=5, progress=False)
        assert len(summary.reports) >= 8 and not summary.failed

    before, after = open_warehouse(original), open_warehouse(imported)
    for table in output_tables():
        expected = before.read(table).drop(c for c in RUN_COLUMNS if c in table.column_names).sort(table.key)
        actual = after.read(table).drop(c for c in RUN_COLUMNS if c in table.column_names).sort(table.key)
        if table.qualified_name != "nba_processing.precompute_failures":
            assert expected.height > 0, table.qualified_name
        assert actual.equals(expected), table.qualified_name

    # Output tables export too, list and timestamp columns included, and read back unchanged.
    for table in output_tables():
        for fmt in FORMATS:
            path = tmp_path / f"out_{table.name}.{fmt}"
            assert export_table(before, table.qualified_name, path, start, end) == before.read(table, start, end).height
            assert read_files(table, [path]).sort(table.key).equals(before.read(table).sort(table.key)), (table, fmt)


# ------------------------------------------------------------------------------------------- import


def test_import_replaces_whole_the_partitions_of_the_dates_in_the_files(small, season, days, tmp_path) -> None:
    d1, d2, d3 = days
    untouched = {d: small.read(PLAYER_GAME_SUMMARY, d, d) for d in (d1, d3)}
    changed = on(season[PGS], d2).slice(1).with_columns(points=pl.col("points") + 1)  # one row fewer
    summary = import_files(small, PGS, [write(changed, tmp_path / "d2.csv")])

    assert (
        small.read(PLAYER_GAME_SUMMARY, d2, d2)
        .sort(PLAYER_GAME_SUMMARY.key)
        .equals(changed.sort(PLAYER_GAME_SUMMARY.key))
    )
    for d, frame in untouched.items():
        assert small.read(PLAYER_GAME_SUMMARY, d, d).equals(frame)
    assert summary.partitions == (d2,)
    assert summary.rows == changed.height


def test_import_summary_gives_rows_per_season_and_the_date_range(tmp_path, warehouse_dir) -> None:
    schedule = pl.DataFrame(
        {
            "game_id": ["0022301201", "0022301202", "0022301215", "0022400001", "0022400002"],
            "game_date": [
                date(2024, 4, 10),
                date(2024, 4, 10),
                date(2024, 4, 12),
                date(2024, 10, 22),
                date(2024, 10, 25),
            ],
            "season_year": [2023, 2023, 2023, 2024, 2024],
            "home_team_tricode": ["BOS", "NYK", "MIA", "LAL", "DEN"],
            "away_team_tricode": ["MIA", "PHI", "BOS", "GSW", "OKC"],
            "game_status": [3, 3, 3, 1, 1],
            "is_regular_season": [True] * 5,
        }
    )
    warehouse = open_warehouse(LocalConfig(warehouse_dir))
    files = [write(schedule.head(3), tmp_path / "a.csv"), write(schedule.tail(2), tmp_path / "b.parquet")]
    summary = import_files(warehouse, SCHEDULE.qualified_name, files)

    assert summary.rows_per_season == {2023: 3, 2024: 2}
    assert (summary.first_date, summary.last_date) == (date(2024, 4, 10), date(2024, 10, 25))
    assert summary.partitions == (date(2024, 4, 10), date(2024, 4, 12), date(2024, 10, 22), date(2024, 10, 25))
    assert summary.lines() == [
        "nba_raw.nbac_schedule: 5 rows from 2 files, 2024-04-10 to 2024-10-25, 4 partitions replaced",
        "  season 2023-24: 3 rows",
        "  season 2024-25: 2 rows",
    ]
    assert warehouse.read(SCHEDULE).height == 5


def test_import_ignores_extra_columns_with_a_warning(small, season, days, tmp_path, caplog) -> None:
    rows = on(season[PGS], days[0]).with_columns(shoe_size=pl.lit(15), notes=pl.lit("x"))
    with caplog.at_level(logging.WARNING, logger="nbaray.transfer"):
        import_files(small, PGS, [write(rows, tmp_path / "extra.csv")])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("shoe_size" in w and "notes" in w and "extra.csv" in w for w in warnings), warnings
    assert (
        small.read(PLAYER_GAME_SUMMARY, days[0], days[0])
        .sort(PLAYER_GAME_SUMMARY.key)
        .equals(on(season[PGS], days[0]).sort(PLAYER_GAME_SUMMARY.key))
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_accepts_columns_in_any_order(season, days, tmp_path, fmt) -> None:
    rows = on(season[PGS], *days)
    shuffled = rows.select(reversed(rows.columns))
    warehouse = open_warehouse(LocalConfig(tmp_path / "w"))
    import_files(warehouse, PGS, [write(shuffled, tmp_path / f"reversed.{fmt}")])
    assert warehouse.read(PLAYER_GAME_SUMMARY).sort(PLAYER_GAME_SUMMARY.key).equals(rows.sort(PLAYER_GAME_SUMMARY.key))


def test_import_converts_text_and_whole_floats_without_loss(season, days, tmp_path) -> None:
    rows = on(season[PGS], days[0]).head(3).drop("universal_player_id", "processed_at")  # optional columns
    as_stored = rows.with_columns(universal_player_id=pl.lit(None, pl.String), processed_at=pl.lit(None, TIMESTAMP))
    text = rows.with_columns(pl.all().cast(pl.String)).with_columns(
        points=pl.Series(["12", "12.0", " 7 "]),
        is_active=pl.Series(["TRUE", "False", "true"]),
        minutes_played=pl.Series([None, "30.5", "1e1"]),
    )
    warehouse = open_warehouse(LocalConfig(tmp_path / "w"))
    import_files(warehouse, PGS, [write(text, tmp_path / "text.csv")])
    expected = as_stored.with_columns(
        points=pl.Series([12, 12, 7]),
        is_active=pl.Series([True, False, True]),
        minutes_played=pl.Series([None, 30.5, 10.0]),
    )
    key = PLAYER_GAME_SUMMARY.key
    assert (
        warehouse.read(PLAYER_GAME_SUMMARY)
        .sort(key)
        .equals(expected.select(PLAYER_GAME_SUMMARY.column_names).sort(key))
    )

    # A Parquet float column holding whole numbers (NaN as NULL) is an integer column without loss.
    floats = rows.with_columns(pl.col("points").cast(pl.Float64), pl.col("fg_attempts").cast(pl.Float64))
    floats = first_rows_set(floats, "fg_attempts", float("nan"))
    import_files(warehouse, PGS, [write(floats, tmp_path / "floats.parquet")])
    expected = first_rows_set(as_stored, "fg_attempts", None)
    assert (
        warehouse.read(PLAYER_GAME_SUMMARY)
        .sort(key)
        .equals(expected.select(PLAYER_GAME_SUMMARY.column_names).sort(key))
    )


def test_read_files_parses_every_text_type(tmp_path) -> None:
    schema = TableSchema(
        dataset="test",
        name="kinds",
        key=("k",),
        partition="d",
        columns=(
            Column("k", pl.String(), nullable=False),
            Column("d", pl.Date(), nullable=False),
            Column("t", TIMESTAMP),
            Column("b", pl.Boolean()),
            Column("l", pl.List(pl.String())),
        ),
    )
    path = tmp_path / "kinds.csv"
    path.write_text(
        "k,d,t,b,l\n"
        'a,2024-01-02,2024-01-16T11:12:50.366925+0000,true,"[""x"",""y""]"\n'
        "b,2024-01-03,2024-01-16 12:12:50+01:00,FALSE,[]\n"
        "c,2024-01-04,2024-01-16 11:12:50.5 UTC,,\n"
        "d,2024-01-05,2024-01-16T11:12:50Z,False,\n"
        "\n"
    )
    frame = read_files(schema, [path])
    assert frame.schema == schema.polars_schema
    assert frame.rows() == [
        ("a", date(2024, 1, 2), datetime(2024, 1, 16, 11, 12, 50, 366925, tzinfo=UTC), True, ["x", "y"]),
        ("b", date(2024, 1, 3), datetime(2024, 1, 16, 11, 12, 50, tzinfo=UTC), False, []),
        ("c", date(2024, 1, 4), datetime(2024, 1, 16, 11, 12, 50, 500000, tzinfo=UTC), None, None),
        ("d", date(2024, 1, 5), datetime(2024, 1, 16, 11, 12, 50, tzinfo=UTC), False, None),
    ]

    path.write_text("k,d,t,b,l\na,2024-01-02,,yes,\nb,02/01/2024,,no,\n")
    with pytest.raises(InputError) as error:
        read_files(schema, [path])
    message = str(error.value)
    assert "test.kinds: " in message
    assert "column d: 1 rows are not dates (YYYY-MM-DD) (e.g. '02/01/2024' at kinds.csv line 3 [key b])" in message
    assert "column b: 2 rows are not true or false (e.g. 'yes' at kinds.csv line 2 [key a]" in message


# ------------------------------------------------------------------------------------------- bad files


def missing_column(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(rows.drop("points"), tmp_path / "no_points.csv")]


def text_in_points(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(first_rows_set(rows, "points", "abc", n=2), tmp_path / "abc.csv")]


def fraction_in_points(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(first_rows_set(rows, "points", "12.5"), tmp_path / "fraction.csv")]


def fractional_float_in_parquet(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [
        write(
            first_rows_set(rows.with_columns(pl.col("points").cast(pl.Float64)), "points", 12.5), tmp_path / "f.parquet"
        )
    ]


def duplicate_keys(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(pl.concat([rows, rows.head(2)]), tmp_path / "dup.parquet")]


def duplicate_keys_across_files(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(rows, tmp_path / "one.csv"), write(rows.head(2), tmp_path / "two.parquet")]


def negative_points(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(first_rows_set(rows, "points", -3), tmp_path / "negative.csv")]


def long_csv_row(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    path = write(rows, tmp_path / "long.csv")
    lines = path.read_text().splitlines()
    lines[3] += ",surplus"
    path.write_text("\n".join(lines) + "\n")
    return [path]


def short_csv_row(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    path = write(rows, tmp_path / "short.csv")
    lines = path.read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0]
    path.write_text("\n".join(lines) + "\n")
    return [path]


def unknown_extension(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(rows, tmp_path / "good.csv"), write(rows, tmp_path / "rows.csv").rename(tmp_path / "rows.xlsx")]


def not_parquet(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    return [write(rows, tmp_path / "rows.csv").rename(tmp_path / "rows.parquet")]


def one_good_file_one_bad(rows: pl.DataFrame, tmp_path: Path) -> list[Path]:
    d1, d2 = sorted(rows["game_date"].unique().to_list())[:2]
    good = write(on(rows, d1).with_columns(points=pl.col("points") + 1), tmp_path / "good.csv")
    return [good, write(first_rows_set(on(rows, d2), "points", "abc"), tmp_path / "bad.csv")]


BAD_FILES: list[tuple[Callable[[pl.DataFrame, Path], list[Path]], type[Exception], list[str]]] = [
    (missing_column, InputError, [f"{PGS}: no_points.csv: missing column points"]),
    (text_in_points, InputError, [f"{PGS}: column points: 2 rows are not integers (e.g. 'abc' at abc.csv line 2 [key "]),
    (fraction_in_points, InputError, [f"{PGS}: column points: 1 rows are not integers (e.g. '12.5' at fraction.csv line 2"]),
    (fractional_float_in_parquet, InputError, [f"{PGS}: column points: 1 rows are not convertible from Float64 to Int64 without loss (e.g. '12.5' at f.parquet row 1"]),
    (duplicate_keys, InputError, [f"{PGS}: key (player_lookup, game_id): 4 rows share a key (e.g. "]),
    (duplicate_keys_across_files, InputError, [f"{PGS}: key (player_lookup, game_id): 4 rows share a key"]),
    (negative_points, InputError, [f"{PGS}: column points: 1 rows where points is negative (e.g. "]),
    (long_csv_row, NbarayError, ["long.csv: line 4 has 27 fields, the header has 26"]),
    (short_csv_row, NbarayError, ["short.csv: line 6 has 25 fields, the header has 26"]),
    (unknown_extension, NbarayError, ["rows.xlsx: unknown file type '.xlsx'; use .parquet or .csv"]),
    (not_parquet, NbarayError, ["rows.parquet: not a readable Parquet file"]),
    (one_good_file_one_bad, InputError, [f"{PGS}: column points: 1 rows are not integers (e.g. 'abc' at bad.csv line 2"]),
]  # fmt: skip


@pytest.mark.parametrize(("make", "error", "fragments"), BAD_FILES, ids=[b[0].__name__ for b in BAD_FILES])
def test_a_bad_file_is_a_clear_error_and_writes_nothing(small, season, days, tmp_path, make, error, fragments) -> None:
    files = make(on(season[PGS], *days), tmp_path)
    before = stored(small)
    with pytest.raises(error) as raised:
        import_files(small, PGS, files)
    for fragment in fragments:
        assert fragment in str(raised.value)
    assert stored(small) == before


def test_importing_an_output_table_is_refused(small, tmp_path) -> None:
    path = write(pl.DataFrame({"analysis_date": [date(2024, 1, 2)]}), tmp_path / "pdc.csv")
    before = stored(small)
    with pytest.raises(
        NbarayError, match=r"nba_precompute\.player_daily_cache is an output table.*nba_analytics\.player_game_summary"
    ):
        import_files(small, "nba_precompute.player_daily_cache", [path])
    with pytest.raises(NbarayError, match=r"unknown table 'nba_analytics\.nope'"):
        import_files(small, "nba_analytics.nope", [path])
    assert stored(small) == before


def test_a_key_already_stored_on_a_date_outside_the_files_is_refused(small, season, days, tmp_path) -> None:
    d1, d2, _ = days
    schedule = on(season[SCHEDULE.qualified_name], d1, d2).sort("game_date", "game_id")
    game = schedule["game_id"][0]
    moved = schedule.with_columns(game_date=pl.when(pl.col("game_id") == game).then(d2).otherwise("game_date"))
    before = stored(small)
    with pytest.raises(InputError) as raised:
        import_files(small, SCHEDULE.qualified_name, [write(on(moved, d2), tmp_path / "d2.csv")])
    assert (
        f"nba_raw.nbac_schedule: key (game_id): 1 rows share a key with rows the warehouse holds on dates the files do not cover (e.g. {game})"
        in str(raised.value)
    )
    assert stored(small) == before

    # With d1's remaining games in the files, d1 is replaced too and the game has moved.
    summary = import_files(small, SCHEDULE.qualified_name, [write(moved, tmp_path / "moved.csv")])
    assert summary.partitions == (d1, d2)
    assert small.read(SCHEDULE, d1, d1).height == on(schedule, d1).height - 1
    assert small.read(SCHEDULE, d2, d2).filter(pl.col("game_id") == game).height == 1


# ------------------------------------------------------------------------------------------- export and listing


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_the_date_range_in_registry_order(source, season, days, tmp_path, fmt) -> None:
    path = tmp_path / f"pgs.{fmt}"
    written = export_table(source, PGS, path, start=days[1], end=days[2])
    frame = pl.read_csv(path) if fmt == "csv" else pl.read_parquet(path)
    assert written == frame.height == on(season[PGS], days[1], days[2]).height
    assert frame.columns == PLAYER_GAME_SUMMARY.column_names
    if fmt == "parquet":
        assert frame.schema == PLAYER_GAME_SUMMARY.polars_schema
    assert sorted(frame["game_date"].cast(pl.String).unique().to_list()) == [d.isoformat() for d in days[1:]]


def test_export_refuses_a_bad_target_and_leaves_no_file(source, tmp_path) -> None:
    with pytest.raises(NbarayError, match=r"pgs.json: unknown file type '.json'"):
        export_table(source, PGS, tmp_path / "pgs.json")
    with pytest.raises(NbarayError, match="does not exist"):
        export_table(source, PGS, tmp_path / "nowhere" / "pgs.csv")
    with pytest.raises(NbarayError, match="is before"):
        export_table(source, PGS, tmp_path / "pgs.csv", start=date(2024, 2, 1), end=date(2024, 1, 1))
    assert list(tmp_path.iterdir()) == []


def test_table_summaries_count_every_registry_table(source, season) -> None:
    summaries = table_summaries(source)
    assert summaries.columns == ["table", "rows", "first_date", "last_date", "partitions"]
    assert summaries["table"].to_list() == list(TABLES)
    for row in summaries.iter_rows(named=True):
        frame = season.get(row["table"])
        if frame is None or frame.is_empty():
            assert (row["rows"], row["first_date"], row["last_date"], row["partitions"]) == (0, None, None, 0)
            continue
        dates = frame[TABLES[row["table"]].partition]
        assert row["rows"] == frame.height
        assert (row["first_date"], row["last_date"]) == (dates.min(), dates.max())
        assert row["partitions"] == dates.n_unique()
