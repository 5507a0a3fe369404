"""Reading training rows, the chronological split and the quality floor, on hand-made frames."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl
import pytest

from nbaray.errors import NbarayError
from nbaray.schemas.columns import TableSchema
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2
from nbaray.train import dataset

DAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(20)]


class _Tables:
    """Stands in for a Warehouse: `read` returns the frames it was given, filtered by partition date."""

    def __init__(self, frames: dict[TableSchema, pl.DataFrame]) -> None:
        self.frames = frames

    def read(
        self, table: TableSchema, start: date | None = None, end: date | None = None, columns: Sequence[str] = ()
    ) -> pl.DataFrame:
        frame = self.frames[table].filter(pl.col(table.partition).is_between(start, end))
        return frame.select(columns)


def _store(rows: list[tuple[str, date, float]], version: str = "v1_baseline_25") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "player_lookup": [r[0] for r in rows],
            "game_date": [r[1] for r in rows],
            "game_id": ["g"] * len(rows),
            "features": [[r[2], 2 * r[2]] for r in rows],
            "feature_names": [["a", "b"]] * len(rows),
            "feature_version": [version] * len(rows),
            "feature_quality_score": [r[2] for r in rows],
        }
    )


def _box_scores(rows: list[tuple[str, date, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"player_lookup": [r[0] for r in rows], "game_date": [r[1] for r in rows], "points": [r[2] for r in rows]},
        schema={"player_lookup": pl.String, "game_date": pl.Date, "points": pl.Int64},
    )


def test_split_dates_defaults_to_70_15_15_of_the_dates() -> None:
    split = dataset.split_dates(DAYS)
    assert (split.valid_start, split.test_start) == (DAYS[14], DAYS[17])  # 14 / 3 / 3 dates


def test_split_dates_takes_given_boundaries() -> None:
    split = dataset.split_dates(DAYS, valid_start=DAYS[5], test_start=DAYS[9])
    assert (split.valid_start, split.test_start) == (DAYS[5], DAYS[9])


def test_split_dates_with_one_boundary_keeps_the_default_proportions_of_the_rest() -> None:
    only_test = dataset.split_dates(DAYS, test_start=DAYS[17])
    assert only_test.valid_start == DAYS[14]  # 70 / 85 of the 17 dates before the test set
    only_valid = dataset.split_dates(DAYS, valid_start=DAYS[10])
    assert only_valid.test_start == DAYS[15]  # the later half of the 10 dates from valid_start


@pytest.mark.parametrize(
    ("valid_start", "test_start", "message"),
    [
        (DAYS[9], DAYS[5], "before the test set"),
        (DAYS[0], DAYS[5], "no dates in train"),
        (DAYS[5], DAYS[19] + timedelta(days=1), "no dates in test"),
    ],
)
def test_split_dates_refuses_a_split_that_leaves_a_set_empty(valid_start: date, test_start: date, message: str) -> None:
    with pytest.raises(NbarayError, match=message):
        dataset.split_dates(DAYS, valid_start=valid_start, test_start=test_start)


def test_split_labels_put_each_date_in_exactly_one_set_in_time_order() -> None:
    rows = _store([(p, d, 80.0) for d in DAYS for p in ("x", "y")]).with_columns(points=pl.lit(1.0))
    sets, _ = dataset.split_sets(rows, dataset.split_dates(DAYS))
    dates = {name: set(frame["game_date"]) for name, frame in sets.items()}
    assert dates["train"] | dates["valid"] | dates["test"] == set(DAYS)
    assert max(dates["train"]) < min(dates["valid"]) and max(dates["valid"]) < min(dates["test"])
    assert sum(f.height for f in sets.values()) == rows.height


def test_training_rows_join_the_target_and_drop_rows_without_one() -> None:
    store = _store([("x", DAYS[0], 1.0), ("y", DAYS[0], 2.0), ("z", DAYS[0], 3.0), ("w", DAYS[0], 4.0)])
    box = _box_scores([("x", DAYS[0], 12), ("y", DAYS[0], None), ("w", DAYS[0], 5), ("w", DAYS[0], 7)])
    rows, counts = dataset.training_rows(_Tables({ML_FEATURE_STORE_V2: store, PLAYER_GAME_SUMMARY: box}), *DAYS[:2])
    # y has no points, z no box score, w two box scores on the date (ambiguous target)
    assert rows.select("player_lookup", "points").rows() == [("x", 12.0)]
    assert (counts.feature_rows, counts.without_target, counts.used) == (4, 3, 1)


def test_training_rows_refuse_mixed_feature_versions() -> None:
    store = pl.concat([_store([("x", DAYS[0], 1.0)]), _store([("y", DAYS[0], 1.0)], version="v2_other")])
    tables = _Tables({ML_FEATURE_STORE_V2: store, PLAYER_GAME_SUMMARY: _box_scores([])})
    with pytest.raises(NbarayError, match="several feature versions"):
        dataset.training_rows(tables, DAYS[0], DAYS[0])


def test_min_quality_filters_train_and_valid_but_not_test() -> None:
    rows = _store([(p, d, q) for d in DAYS for p, q in (("good", 90.0), ("poor", 40.0))]).with_columns(
        points=pl.lit(1.0)
    )
    sets, removed = dataset.split_sets(rows, dataset.split_dates(DAYS), min_quality=50.0)
    assert set(sets["train"]["player_lookup"]) == set(sets["valid"]["player_lookup"]) == {"good"}
    assert set(sets["test"]["player_lookup"]) == {"good", "poor"}
    assert removed == {"train": 14, "valid": 3}


def test_fingerprint_changes_with_any_value_and_not_otherwise() -> None:
    rows = _store([("x", DAYS[0], 1.0), ("y", DAYS[1], 2.0)]).with_columns(points=pl.Series([3.0, 4.0]))
    same = dataset.fingerprint(rows.clone(), 2)
    assert dataset.fingerprint(rows, 2) == same
    assert dataset.fingerprint(rows.with_columns(points=pl.Series([3.0, 4.5])), 2) != same
    assert dataset.fingerprint(rows.with_columns(features=pl.Series([[1.0, 2.0], [2.0, 4.1]])), 2) != same


def test_ray_table_deals_rows_to_workers_round_robin() -> None:
    rows = _store([("x", d, 1.0) for d in DAYS[:5]]).with_columns(points=pl.lit(2.0))
    table = dataset.ray_table(rows, workers=2)
    assert table.column_names == ["features", "label", "shard"]
    assert table.column("shard").to_pylist() == [0, 1, 0, 1, 0]
