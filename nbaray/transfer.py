"""Bring your own data: Phase 3 tables imported from Parquet or CSV files, any table exported back out.

An import is checked exactly like the backfill's input (`checked_input`) and then replaces whole
the partitions of the dates its files hold, through the same path as every other write (D9); if
anything is wrong, nothing is written.

Files are read by extension: `.parquet` or `.csv`. Columns may come in any order; columns the
registry does not know are ignored with a warning. Values are converted to the registry's dtypes
only where nothing is lost:

- CSV fields are text. An empty field is NULL. Integers are `12` (or `12.0`: an integral value
  written by a tool that stores integers as floats); decimals anything Polars parses as a float;
  booleans `true`/`false` (any case); dates `YYYY-MM-DD`; timestamps ISO 8601 with an offset or `Z`,
  BigQuery's `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`, or without a zone (then UTC); lists a JSON array.
- Parquet columns keep their type when the backfill accepts it (narrower integers, decimals); a
  text column is parsed like a CSV field; any other type is converted only if every value converts
  back unchanged (e.g. a float column holding whole numbers into an integer column).

A value that cannot be converted is an error naming the table, the column, the count, and a few
examples with their file and line.

Exports write the registry's columns in registry order, sorted by partition date and key. CSV has no
nested values, so a list column is written as a JSON array (`["a","b"]`; NULL stays empty), which
`read_files` reads back.
"""

from __future__ import annotations

import csv
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from nbaray.errors import InputError, NbarayError
from nbaray.input_checks import ACCEPTS as BACKFILL_ACCEPTS
from nbaray.input_checks import checked_input
from nbaray.loading import load_tables
from nbaray.schemas.columns import Column, TableSchema
from nbaray.schemas.phase3 import PHASE3_TABLES
from nbaray.schemas.registry import TABLES, table
from nbaray.season_calendar import season_year
from nbaray.warehouse.base import Warehouse, examples

log = logging.getLogger(__name__)

FORMATS = (".parquet", ".csv")
EXAMPLES = 3  # bad values quoted in an error message
_WHERE = "__nbaray_where"  # per row: file and line, for error messages; dropped before validation

# Tried in order; the first that parses a field wins. Values without a zone are taken as UTC.
_TIMESTAMP_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f UTC",
    "%Y-%m-%d %H:%M:%S%.f",
)


# ---------------------------------------------------------------------------------------------- reading


def read_files(table: TableSchema, paths: Sequence[Path]) -> pl.DataFrame:
    """The rows of `paths` (Parquet or CSV, by extension) as `table`'s columns and dtypes, concatenated.

    Raises an InputError naming the file for a missing required column, and the column, count and
    examples for a value that cannot be converted without loss; an NbarayError for an unreadable
    file or an unknown extension. The result is not yet validated: see `checked_input`.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise NbarayError(f"{table.qualified_name}: no files given")
    for path in paths:
        if path.suffix.lower() not in FORMATS:
            raise NbarayError(f"{path}: unknown file type {path.suffix or '(none)'!r}; use {' or '.join(FORMATS)}")
        if not path.is_file():
            raise NbarayError(f"{path}: no such file")
    frames = []
    problems: list[str] = []
    for path in paths:
        raw = _read_csv(path) if path.suffix.lower() == ".csv" else _read_parquet(path)
        frame, file_problems = _converted(table, raw, path)
        frames.append(frame)
        problems += file_problems
    if problems:
        raise InputError(table.qualified_name, problems)
    # Optional columns may be present in one file and absent from another: they become NULL.
    merged = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
    present = [c.name for c in table.columns if c.name in merged.columns]
    log.info("read %s: %d rows from %d files", table.qualified_name, merged.height, len(paths))
    return merged.select(present)


def _read_csv(path: Path) -> pl.DataFrame:
    """Every field as text (empty = NULL) and the line each record starts on; a ragged record is an error.

    Python's csv module is used rather than Polars' reader because Polars pads a short record with
    NULLs silently and reports no line number for a long one.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file, strict=True)
            header = next(reader, None)
            if not header:
                raise NbarayError(f"{path}: empty file, expected a header line")
            duplicated = sorted({name for name in header if header.count(name) > 1})
            if duplicated:
                raise NbarayError(f"{path}: header names {', '.join(duplicated)} more than once")
            records: list[list[str]] = []
            lines: list[int] = []
            start = reader.line_num + 1
            for record in reader:
                if record:  # a blank line, e.g. at the end of the file
                    if len(record) != len(header):
                        raise NbarayError(
                            f"{path}: line {start} has {len(record)} fields, the header has {len(header)}"
                        )
                    records.append(record)
                    lines.append(start)
                start = reader.line_num + 1
    except csv.Error as error:
        raise NbarayError(f"{path}: line {reader.line_num}: not valid CSV: {error}") from None
    except UnicodeDecodeError as error:
        raise NbarayError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise NbarayError(f"{path}: cannot read: {error}") from None
    columns = list(zip(*records, strict=True)) if records else [() for _ in header]
    frame = pl.DataFrame(
        {name: list(values) for name, values in zip(header, columns, strict=True)},
        schema=dict.fromkeys(header, pl.String()),
    )
    return frame.with_columns(
        pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in header
    ).with_columns(pl.lit(f"{path.name} line ").add(pl.Series(lines, dtype=pl.Int64).cast(pl.String)).alias(_WHERE))


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise NbarayError(f"{path}: not a readable Parquet file: {str(error).splitlines()[0]}") from None
    return frame.with_columns(
        (pl.lit(f"{path.name} row ") + pl.int_range(1, pl.len() + 1, dtype=pl.Int64).cast(pl.String)).alias(_WHERE)
    )


def _converted(table: TableSchema, raw: pl.DataFrame, path: Path) -> tuple[pl.DataFrame, list[str]]:
    """`raw` with the registry's columns present in it, in registry dtypes, and the problems found."""
    extra = [name for name in raw.columns if name != _WHERE and name not in table.column_names]
    if extra:
        log.warning("%s: ignoring columns that %s does not have: %s", path, table.qualified_name, ", ".join(extra))
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    if missing:
        return raw.clear(), [f"{path.name}: missing column {', '.join(missing)}"]
    present = [c for c in table.columns if c.name in raw.columns]
    problems: list[str] = []
    converted: list[pl.Expr] = []
    for column in present:
        try:
            value, kind = _conversion(column, raw.schema[column.name])
        except NbarayError as error:
            problems.append(f"column {column.name}: {error}")
            continue
        source = pl.col(column.name)
        if raw.schema[column.name].is_float():
            source = source.fill_nan(None)  # NaN is NULL (D5), never a value to convert
        try:
            lost = raw.filter(source.is_not_null() & value.is_null())
        except pl.exceptions.PolarsError as error:  # json_decode has no non-strict mode
            problems.append(f"column {column.name}: not {kind} in {path.name}: {str(error).splitlines()[0]}")
            continue
        if lost.height:
            problems.append(
                f"column {column.name}: {lost.height} rows are not {kind}{_bad_values(lost, column, table)}"
            )
        converted.append(value.alias(column.name))
    if problems:
        return raw.clear(), problems
    return raw.select(*converted, _WHERE), []


def _conversion(column: Column, source: pl.DataType) -> tuple[pl.Expr, str]:
    """The expression giving `column` in its registry dtype (NULL where a value does not convert) and
    what it expects, in words, for error messages."""
    target = column.dtype
    value = pl.col(column.name)
    if source == target or source == pl.Null:
        return value.cast(target), str(target)
    if source == pl.String:
        return _parsed(value, target)
    if isinstance(source, BACKFILL_ACCEPTS.get(type(target), ())):
        return value.cast(target), str(target)  # a widening the backfill itself accepts
    if isinstance(target, pl.List) or isinstance(source, pl.List | pl.Struct | pl.Array):
        raise NbarayError(f"has type {source}, expected {target}")
    if source.is_float():
        value = value.fill_nan(None)
    cast = value.cast(target, strict=False)
    # Lossless means the converted value converts back to exactly the original one.
    lossless = pl.when(cast.cast(source, strict=False) == value).then(cast)
    return lossless, f"convertible from {source} to {target} without loss"


def _parsed(text: pl.Expr, target: pl.DataType) -> tuple[pl.Expr, str]:
    """Text to `target`, NULL where the text is not a valid value."""
    if target == pl.String:
        return text, "text"
    trimmed = text.str.strip_chars()
    if target == pl.Int64:
        # "12.0" is a whole number written as a float (pandas does this for integer columns with NULLs).
        return trimmed.str.replace(r"^([+-]?\d+)\.0*$", "${1}").str.to_integer(strict=False), "integers"
    if target == pl.Float64:
        return trimmed.cast(pl.Float64, strict=False), "numbers"
    if target == pl.Boolean:
        lowered = trimmed.str.to_lowercase()
        return pl.when(lowered.is_in(["true", "false"])).then(lowered == "true"), "true or false"
    if target == pl.Date:
        return trimmed.str.strptime(pl.Date, "%Y-%m-%d", strict=False), "dates (YYYY-MM-DD)"
    if isinstance(target, pl.Datetime):
        return pl.coalesce(
            trimmed.str.strptime(target, fmt, strict=False) for fmt in _TIMESTAMP_FORMATS
        ), "timestamps (ISO 8601)"
    if isinstance(target, pl.List):
        return trimmed.str.json_decode(target), "JSON arrays"
    raise NbarayError(f"cannot read {target} from text")


def _bad_values(lost: pl.DataFrame, column: Column, table: TableSchema) -> str:
    """` (e.g. 'abc' at a.csv line 3 [key janedoe/20231107_BOS_NYK], ...)`."""
    key = [k for k in table.key if k in lost.columns]
    shown = []
    for row in lost.head(EXAMPLES).select(pl.col(column.name).cast(pl.String), _WHERE, *key).rows():
        value, where, *key_values = row
        shown.append(f"{value!r} at {where}" + (f" [key {'/'.join(map(str, key_values))}]" if key_values else ""))
    return " (e.g. " + ", ".join(shown) + ")"


# ---------------------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportSummary:
    """What an import replaced: rows per season (of the partition date), dates, partitions."""

    table: str
    files: int
    rows_per_season: dict[int, int] = field(default_factory=dict)
    partitions: tuple[date, ...] = ()

    @property
    def rows(self) -> int:
        return sum(self.rows_per_season.values())

    @property
    def first_date(self) -> date | None:
        return self.partitions[0] if self.partitions else None

    @property
    def last_date(self) -> date | None:
        return self.partitions[-1] if self.partitions else None

    def lines(self) -> list[str]:
        if not self.partitions:
            return [f"{self.table}: no rows in {_count(self.files, 'file')}; nothing replaced"]
        out = [
            f"{self.table}: {_count(self.rows, 'row')} from {_count(self.files, 'file')}, "
            f"{self.first_date} to {self.last_date}, {_count(len(self.partitions), 'partition')} replaced"
        ]
        out += [
            f"  season {year}-{(year + 1) % 100:02d}: {_count(n, 'row')}" for year, n in self.rows_per_season.items()
        ]
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def importable(qualified_name: str) -> TableSchema:
    """The Phase 3 table `dataset.table`, or an NbarayError saying why it cannot be imported."""
    try:
        schema = table(qualified_name)
    except KeyError as error:
        raise NbarayError(error.args[0]) from None
    if schema not in PHASE3_TABLES:
        phase3 = ", ".join(t.qualified_name for t in PHASE3_TABLES)
        raise NbarayError(
            f"{qualified_name} is an output table, written only by nbaray's own jobs; "
            f"import takes a Phase 3 input table: {phase3}"
        )
    return schema


def import_files(warehouse: Warehouse, qualified_name: str, paths: Sequence[Path]) -> ImportSummary:
    """Read `paths`, check them like the backfill's input, and replace the partitions of their dates.

    Every partition date present in the files is replaced whole (dates absent from the files are
    left alone). On any error nothing is written.
    """
    schema = importable(qualified_name)
    frame = read_files(schema, paths)
    checked = checked_input(schema, frame)
    dates = sorted(checked[schema.partition].unique().to_list())
    if not dates:
        log.warning("%s: the files hold no rows; nothing replaced", qualified_name)
        return ImportSummary(qualified_name, len(paths))
    _refuse_keys_on_other_dates(warehouse, schema, checked, dates)
    load_tables(warehouse, {qualified_name: checked}, dates)
    per_date = checked.group_by(schema.partition).len()
    rows_per_season: dict[int, int] = {}
    for day, count in sorted(per_date.rows()):
        rows_per_season[season_year(day)] = rows_per_season.get(season_year(day), 0) + count
    summary = ImportSummary(qualified_name, len(paths), rows_per_season, tuple(dates))
    for line in summary.lines():
        log.info(line)
    return summary


def _refuse_keys_on_other_dates(
    warehouse: Warehouse, schema: TableSchema, frame: pl.DataFrame, dates: list[date]
) -> None:
    """A key already stored under a date the import does not replace (a game moved to another day)
    would be a duplicate the next backfill refuses; refuse it now, before writing anything."""
    if schema.partition in schema.key:
        return  # the key includes the date: rows of other dates cannot share it
    key = list(schema.key)
    kept = warehouse.read(schema, columns=[*key, schema.partition]).filter(~pl.col(schema.partition).is_in(dates))
    clashes = frame.join(kept.select(key), on=key, how="semi")
    if clashes.height:
        raise InputError(
            schema.qualified_name,
            [
                f"key ({', '.join(key)}): {clashes.height} rows share a key with rows the warehouse holds on dates "
                f"the files do not cover{examples(clashes, key)}; include those dates' rows in the import"
            ],
        )


# ---------------------------------------------------------------------------------------------- export


def export_table(
    warehouse: Warehouse, qualified_name: str, out: Path, start: date | None = None, end: date | None = None
) -> int:
    """Write `dataset.table` (partition dates start..end, open ends unbounded) to `out`; rows written.

    Parquet or CSV by the extension of `out`; the file appears whole or not at all.
    """
    try:
        schema = table(qualified_name)
    except KeyError as error:
        raise NbarayError(error.args[0]) from None
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise NbarayError(f"{out}: unknown file type {out.suffix or '(none)'!r}; use {' or '.join(FORMATS)}")
    if start is not None and end is not None and end < start:
        raise NbarayError(f"--end {end} is before --start {start}")
    if not out.parent.is_dir():
        raise NbarayError(f"{out}: directory {out.parent} does not exist")
    order = list(dict.fromkeys((schema.partition, *schema.key)))
    frame = warehouse.read(schema, start, end).sort(order)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        if suffix == ".csv":
            _csv_ready(schema, frame).write_csv(temporary)
        else:
            frame.write_parquet(temporary)
        os.replace(temporary, out)
    except OSError as error:
        raise NbarayError(f"{out}: cannot write: {error}") from None
    finally:
        temporary.unlink(missing_ok=True)
    log.info("exported %s: %d rows to %s", qualified_name, frame.height, out)
    return frame.height


def _csv_ready(schema: TableSchema, frame: pl.DataFrame) -> pl.DataFrame:
    """List columns as JSON arrays (NULL stays NULL): CSV has no nested values."""
    lists = [c.name for c in schema.columns if isinstance(c.dtype, pl.List)]
    return frame.with_columns(
        pl.when(pl.col(name).is_not_null())
        .then(pl.struct(name).struct.json_encode().str.strip_prefix(f'{{"{name}":').str.strip_suffix("}"))
        .alias(name)
        for name in lists
    )


# ---------------------------------------------------------------------------------------------- listing


def table_summaries(warehouse: Warehouse) -> pl.DataFrame:
    """One row per registry table: `table`, `rows`, `first_date`, `last_date`, `partitions` (non-empty)."""
    rows = []
    for schema in TABLES.values():
        partitions = warehouse.partitions(schema)
        rows.append(
            {
                "table": schema.qualified_name,
                "rows": int(partitions["rows"].sum()),
                "first_date": partitions["partition_date"].min(),
                "last_date": partitions["partition_date"].max(),
                "partitions": partitions.height,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "table": pl.String(),
            "rows": pl.Int64(),
            "first_date": pl.Date(),
            "last_date": pl.Date(),
            "partitions": pl.Int64(),
        },
        orient="row",
    )
