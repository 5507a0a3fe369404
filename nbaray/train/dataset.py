"""Training rows read straight from the feature store, the target joined, split chronologically by date (D11).

A row is one player on one date: the feature vector `ml_feature_store_v2` holds for him on D and
the points he scored that day (`player_game_summary.points`, joined on player_lookup and
game_date). Rows without a target are dropped. The split assigns whole dates: every row of a date
lands in the same set, and the sets follow each other in time (train < valid < test).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import polars as pl
import pyarrow as pa

from nbaray.errors import NbarayError
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2
from nbaray.warehouse.base import Warehouse

log = logging.getLogger(__name__)

TRAIN_SHARE = 0.70  # of the range's dates, oldest first
VALID_SHARE = 0.15  # the next dates; the test set gets the rest
SPLITS = ("train", "valid", "test")
LABEL = "points"

FEATURE_COLUMNS = ("player_lookup", "game_date", "game_id", "features", "feature_names", "feature_version",
                   "feature_quality_score")  # fmt: skip


@dataclass(frozen=True)
class SplitDates:
    """Where the range is cut: train is [first, valid_start), valid [valid_start, test_start), test from test_start."""

    valid_start: date
    test_start: date

    def label(self, game_date: pl.Expr) -> pl.Expr:
        """The set each row belongs to, from its date."""
        return (
            pl.when(game_date < self.valid_start)
            .then(pl.lit("train"))
            .when(game_date < self.test_start)
            .then(pl.lit("valid"))
            .otherwise(pl.lit("test"))
        )


def _count(n: int, share: float) -> int:
    """floor(n * share), immune to the share's binary rounding (17 * 0.70 / 0.85 is 13.999...)."""
    return int(n * share + 1e-9)


def split_dates(dates: Sequence[date], valid_start: date | None = None, test_start: date | None = None) -> SplitDates:
    """Cut the distinct `dates` into train / valid / test: 70 / 15 / 15 % of the dates unless a boundary is given.

    A given boundary is taken as is. With only one given, the other keeps the default proportion
    of the dates it divides: with only `test_start`, valid gets 15/85 of the dates before it; with
    only `valid_start`, test gets the later half of the dates from it on. Each set keeps a date.
    """
    days = sorted(set(dates))
    if valid_start is None and test_start is None:
        valid_index = max(1, _count(len(days), TRAIN_SHARE))
        test_index = max(valid_index + 1, _count(len(days), TRAIN_SHARE + VALID_SHARE))
        if test_index >= len(days):
            raise NbarayError(f"need more dates to split train/valid/test 70/15/15; found {len(days)}")
        valid_start, test_start = days[valid_index], days[test_index]
    elif valid_start is None:
        assert test_start is not None
        before = [d for d in days if d < test_start]
        valid_start = before[_count(len(before), TRAIN_SHARE / (TRAIN_SHARE + VALID_SHARE))] if before else test_start
    elif test_start is None:
        later = [d for d in days if d >= valid_start]
        test_start = later[(len(later) + 1) // 2] if len(later) > 1 else valid_start
    if not valid_start < test_start:
        raise NbarayError(f"the validation set must start before the test set ({valid_start} vs {test_start})")
    counts = {
        "train": sum(d < valid_start for d in days),
        "valid": sum(valid_start <= d < test_start for d in days),
        "test": sum(d >= test_start for d in days),
    }
    empty = [name for name, count in counts.items() if count == 0]
    if empty:
        span = f"{days[0]} .. {days[-1]}" if days else "none"
        raise NbarayError(
            f"the split leaves no dates in {', '.join(empty)} (dates with training rows: {span}; "
            f"valid from {valid_start}, test from {test_start})"
        )
    return SplitDates(valid_start=valid_start, test_start=test_start)


@dataclass(frozen=True)
class RowCounts:
    """How many feature-store rows were read, and why some were not used."""

    feature_rows: int
    without_target: int
    used: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def training_rows(warehouse: Warehouse, start: date, end: date) -> tuple[pl.DataFrame, RowCounts]:
    """Feature-store rows of [start, end] with their target `points`, sorted by game_date then player.

    A row whose player has no box-score row on the date, a NULL `points`, or two box-score rows
    on the date (the target would be ambiguous) is dropped.
    """
    features = warehouse.read(ML_FEATURE_STORE_V2, start, end, columns=FEATURE_COLUMNS)
    versions = features["feature_version"].unique().sort().to_list()
    if len(versions) > 1:
        # One model reads one vector layout; mixing versions would misalign the columns.
        raise NbarayError(f"the feature store holds several feature versions in {start} .. {end}: {versions}")
    box_scores = warehouse.read(PLAYER_GAME_SUMMARY, start, end, columns=("player_lookup", "game_date", LABEL))
    target = (
        box_scores.group_by("player_lookup", "game_date")
        .agg(pl.col(LABEL).first(), games=pl.len())
        .filter((pl.col("games") == 1) & pl.col(LABEL).is_not_null())
        .select("player_lookup", "game_date", pl.col(LABEL).cast(pl.Float64))
    )
    rows = features.join(target, on=["player_lookup", "game_date"], how="inner").sort("game_date", "player_lookup")
    counts = RowCounts(feature_rows=features.height, without_target=features.height - rows.height, used=rows.height)
    log.info("training rows %s .. %s: %s", start, end, counts)
    return rows, counts


def feature_names(rows: pl.DataFrame) -> list[str]:
    """The feature vector's names, the same on every row (else the rows cannot be one matrix)."""
    distinct = rows["feature_names"].unique()
    if distinct.len() != 1:
        raise NbarayError(f"rows carry {distinct.len()} different feature_names lists; expected one")
    return list(distinct[0])


def feature_matrix(rows: pl.DataFrame, width: int) -> np.ndarray:
    """The `features` lists as an (n, width) float matrix."""
    lengths = rows["features"].list.len()
    if rows.height and (lengths.min() != width or lengths.max() != width):
        raise NbarayError(f"feature vectors of {lengths.min()}..{lengths.max()} values, expected {width}")
    values = rows["features"].explode().to_numpy().astype(np.float64)
    return values.reshape(rows.height, width)


def split_sets(
    rows: pl.DataFrame, split: SplitDates, min_quality: float | None = None
) -> tuple[dict[str, pl.DataFrame], dict[str, int]]:
    """The rows of each set, and per fitting set how many rows `min_quality` removed.

    The quality floor applies to the sets the model is fitted on (train, and valid for early
    stopping); the test set keeps every row, so models trained with different floors are scored
    on the same rows.
    """
    labelled = rows.with_columns(split=split.label(pl.col("game_date")))
    sets = {name: labelled.filter(pl.col("split") == name).drop("split") for name in SPLITS}
    removed = {"train": 0, "valid": 0}
    if min_quality is not None:
        for name in removed:
            kept = sets[name].filter(pl.col("feature_quality_score") >= min_quality)
            removed[name] = sets[name].height - kept.height
            sets[name] = kept
        if sets["train"].is_empty() or sets["valid"].is_empty():
            raise NbarayError(f"no train or validation rows have feature_quality_score >= {min_quality}")
    return sets, removed


def summary(rows: pl.DataFrame) -> dict[str, object]:
    """Dates and rows of one set, for metrics.json."""
    if rows.is_empty():
        return {"start": None, "end": None, "dates": 0, "rows": 0}
    return {
        "start": rows["game_date"].min().isoformat(),
        "end": rows["game_date"].max().isoformat(),
        "dates": rows["game_date"].n_unique(),
        "rows": rows.height,
    }


def fingerprint(rows: pl.DataFrame, width: int) -> str:
    """sha256 of the rows' keys, feature values and targets, in their (sorted) order.

    Built from plain bytes rather than Parquet or Arrow IPC, whose encoding may change between
    library versions while the data does not.
    """
    digest = hashlib.sha256()
    keys = rows.select(pl.concat_str(pl.col("player_lookup"), pl.col("game_date").cast(pl.String), separator="|"))
    digest.update("\n".join(keys.to_series().to_list()).encode())
    digest.update(np.ascontiguousarray(feature_matrix(rows, width), dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(rows[LABEL].to_numpy(), dtype="<f8").tobytes())
    return digest.hexdigest()


def ray_table(rows: pl.DataFrame, workers: int) -> pa.Table:
    """What the Ray Train workers read: the features, the label, and the worker (`shard`) each row goes to.

    Rows are dealt to workers round-robin in their sorted order, so a run with the same data and
    worker count trains on the same shards (Ray Data's streaming split assigns blocks as workers ask).
    """
    return rows.select(
        "features",
        pl.col(LABEL).alias("label"),
        shard=(pl.int_range(pl.len(), dtype=pl.Int64) % workers),
    ).to_arrow()
