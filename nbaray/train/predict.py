"""`predict`: a trained model's points for one date's feature-store rows, by Ray Data, into player_points_predictions.

The date's partition of `nba_predictions.player_points_predictions` is replaced whole (D9): one
row per player in the feature store on that date, whatever ran before, and none left over from
an earlier model or roster.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from nbaray.errors import NbarayError
from nbaray.pipeline.backfill import new_stamp
from nbaray.pipeline.ray_cluster import ray_session
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2, PLAYER_POINTS_PREDICTIONS
from nbaray.train.training import METRICS_FILE, MODEL_FILE, model_id
from nbaray.train.xgb import quiet_dataset

if TYPE_CHECKING:
    from nbaray.warehouse.base import WarehouseConfig

log = logging.getLogger(__name__)

_PASSED_THROUGH = ("player_lookup", "game_date", "game_id", "feature_quality_score")


class BoosterPredictor:
    """A Ray Data actor: loads the booster once, then adds `predicted_points` to each batch."""

    def __init__(self, model: bytes, feature_names: list[str]) -> None:
        import xgboost

        self.booster = xgboost.Booster()
        self.booster.load_model(bytearray(model))
        self.booster.set_param({"nthread": 1})  # one CPU per actor
        self.feature_names = feature_names

    def __call__(self, batch: pa.Table) -> pa.Table:
        import xgboost

        width = len(self.feature_names)
        values = pc.list_flatten(batch.column("features")).to_numpy(zero_copy_only=False)
        matrix = xgboost.DMatrix(values.reshape(batch.num_rows, width), feature_names=self.feature_names)
        points = self.booster.predict(matrix).astype(np.float64)
        return batch.drop_columns(["features"]).append_column("predicted_points", pa.array(points, pa.float64()))


def _model(model_dir: Path) -> tuple[bytes, dict[str, Any]]:
    try:
        return (model_dir / MODEL_FILE).read_bytes(), json.loads((model_dir / METRICS_FILE).read_text())
    except FileNotFoundError as error:
        raise NbarayError(f"{model_dir} is not a trained model directory: {error.filename} is missing") from None


def predict(config: WarehouseConfig, day: date, model_dir: Path | str, *, address: str | None = None) -> int:
    """Predict every feature-store row of `day` with the model in `model_dir`; returns the rows written.

    The model's feature version and names must be the rows'.
    """
    from nbaray.warehouse.base import open_warehouse

    model, trained = _model(Path(model_dir))
    names, version = list(trained["feature_names"]), trained["feature_version"]
    warehouse = open_warehouse(config)
    rows = warehouse.read(ML_FEATURE_STORE_V2, day, day, columns=(*_PASSED_THROUGH, "features", "feature_names",
                                                                     "feature_version"))  # fmt: skip
    same_names = pl.col("feature_names").list.join("\x1f") == "\x1f".join(names)
    other = rows.filter((pl.col("feature_version") != version) | ~same_names)
    if other.height:
        raise NbarayError(
            f"{other.height} feature-store rows on {day} are not {version} with the model's feature names "
            f"(found {other['feature_version'].unique().to_list()})"
        )
    stamp = new_stamp()
    if rows.is_empty():
        log.warning("no feature-store rows on %s: its predictions partition is emptied", day)
        scored = PLAYER_POINTS_PREDICTIONS.empty()
    else:
        with ray_session(address):
            import ray
            import ray.data

            predicted = quiet_dataset(rows.select(*_PASSED_THROUGH, "features").to_arrow()).map_batches(
                BoosterPredictor,
                fn_constructor_kwargs={"model": model, "feature_names": names},
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=1),  # one date's rows: one actor, one booster load
                num_cpus=1,
            )
            tables = ray.get(predicted.to_arrow_refs())
        scored = pl.concat([pl.from_arrow(t) for t in tables if t.num_rows], how="vertical").with_columns(
            model_id=pl.lit(model_id(model)),
            feature_version=pl.lit(version),
            run_id=pl.lit(stamp.run_id),
            processed_at=pl.lit(stamp.processed_at, dtype=pl.Datetime("us", "UTC")),
        )
    warehouse.replace_partitions({PLAYER_POINTS_PREDICTIONS: scored}, [day])
    log.info(
        "predicted %d players on %s with model %s (run %s)", scored.height, day, model_id(model)[:12], stamp.run_id
    )
    return scored.height
