"""`train`: feature store -> Ray Train XGBoost -> model, metrics and report, with the baselines on the same rows."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nbaray.errors import NbarayError
from nbaray.pipeline.backfill import new_stamp
from nbaray.pipeline.ray_cluster import ray_session
from nbaray.train import dataset
from nbaray.train.baselines import BASELINES
from nbaray.train.metrics import evaluation
from nbaray.train.report import write_report
from nbaray.train.xgb import EARLY_STOPPING_ROUNDS, MODEL_FILE, NUM_BOOST_ROUND, fit, params_with

if TYPE_CHECKING:
    from nbaray.warehouse.base import WarehouseConfig

log = logging.getLogger(__name__)

METRICS_FILE = "metrics.json"
REPORT_FILE = "report.html"


def model_id(model: bytes) -> str:
    """A model's identity: the sha256 of its model.json."""
    return hashlib.sha256(model).hexdigest()


def load_booster(model: bytes) -> Any:
    import xgboost

    booster = xgboost.Booster()
    booster.load_model(bytearray(model))
    return booster


def predictions(booster: Any, features: np.ndarray, names: list[str]) -> np.ndarray:
    """The booster's points for each row of the feature matrix."""
    import xgboost

    return booster.predict(xgboost.DMatrix(features, feature_names=names)).astype(np.float64)


def train(
    config: WarehouseConfig,
    start: date,
    end: date,
    out_dir: Path | str,
    *,
    workers: int | None = None,
    valid_start: date | None = None,
    test_start: date | None = None,
    min_quality: float | None = None,
    address: str | None = None,
    params: Mapping[str, Any] | None = None,
    num_boost_round: int = NUM_BOOST_ROUND,
    early_stopping_rounds: int = EARLY_STOPPING_ROUNDS,
    storage_path: str | None = None,
) -> dict[str, Any]:
    """Train the points model on the feature store's rows of [start, end]; write model.json, metrics.json, report.html.

    The split is by date, 70/15/15 % of the dates with a target unless `valid_start` / `test_start`
    are given. `min_quality` keeps only rows with `feature_quality_score >= min_quality` for fitting
    (train and valid); the test set keeps every row so runs with different thresholds are scored on
    the same rows. `params` override the reference hyperparameters (xgb.DEFAULT_PARAMS); `workers`
    defaults to the cluster's CPUs. Returns the metrics, as written to metrics.json.
    """
    from nbaray.warehouse.base import open_warehouse

    began = time.perf_counter()
    if end < start:
        raise NbarayError(f"--end {end} is before --start {start}")
    if workers is not None and workers < 1:
        raise NbarayError("--workers must be at least 1")
    if min_quality is not None and not 0 <= min_quality <= 100:
        raise NbarayError("--min-quality is a feature_quality_score, 0 to 100")
    if num_boost_round < 1 or early_stopping_rounds < 1:
        raise NbarayError("boosting rounds and early-stopping rounds must be at least 1")
    try:
        hyperparameters = params_with(params)
    except ValueError as error:
        raise NbarayError(str(error)) from None
    stamp = new_stamp()
    out = Path(out_dir)

    rows, counts = dataset.training_rows(open_warehouse(config), start, end)
    if rows.is_empty():
        raise NbarayError(f"no feature-store rows with a target (player_game_summary.points) in {start} .. {end}")
    names = dataset.feature_names(rows)
    split = dataset.split_dates(rows["game_date"].to_list(), valid_start, test_start)
    sets, below_quality = dataset.split_sets(rows, split, min_quality)

    with ray_session(address):
        import ray

        worker_count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        fitted = fit(
            dataset.ray_table(sets["train"], worker_count),
            dataset.ray_table(sets["valid"], worker_count),
            names,
            workers=worker_count,
            params=hyperparameters,
            num_boost_round=num_boost_round,
            early_stopping_rounds=early_stopping_rounds,
            run_name=f"nbaray-train-{stamp.run_id}",
            storage_path=storage_path,
        )

    booster = load_booster(fitted.model)
    width = len(names)
    season_index = names.index("points_avg_season")
    model_metrics, baseline_metrics = {}, {name: {} for name in BASELINES}
    test_actual = test_predicted = np.empty(0)
    for name, frame in sets.items():
        features = dataset.feature_matrix(frame, width)
        actual = frame[dataset.LABEL].to_numpy()
        season_avg = features[:, season_index]
        predicted = predictions(booster, features, names) if frame.height else np.empty(0)
        model_metrics[name] = evaluation(actual, predicted, season_avg)
        for baseline, function in BASELINES.items():
            baseline_metrics[baseline][name] = evaluation(actual, function(features, names), season_avg)
        if name == "test":
            test_actual, test_predicted = actual, predicted

    gain = booster.get_score(importance_type="gain")
    total_gain = booster.get_score(importance_type="total_gain")
    metrics: dict[str, Any] = {
        "run_id": stamp.run_id,
        "trained_at": stamp.processed_at.isoformat(),
        "range": {"start": start.isoformat(), "end": end.isoformat()},
        "feature_version": rows["feature_version"][0],
        "feature_names": names,
        "rows": {**counts.to_json(), "below_min_quality": below_quality},
        "min_quality": min_quality,
        "split_boundaries": {"valid_start": split.valid_start.isoformat(), "test_start": split.test_start.isoformat()},
        "split": {name: dataset.summary(frame) for name, frame in sets.items()},
        "data_fingerprint": {name: dataset.fingerprint(frame, width) for name, frame in sets.items()},
        "hyperparameters": {
            **hyperparameters,
            "num_boost_round": num_boost_round,
            "early_stopping_rounds": early_stopping_rounds,
        },
        "workers": worker_count,
        "best_iteration": fitted.best_iteration,
        "best_valid_mae": fitted.best_valid_mae,
        "rounds_trained": fitted.rounds_trained,
        "valid_mae_history": fitted.valid_mae_history,
        "model_id": model_id(fitted.model),
        "model": model_metrics,
        "baselines": baseline_metrics,
        "feature_importance": {
            "gain": {n: float(gain.get(n, 0.0)) for n in names},
            "total_gain": {n: float(total_gain.get(n, 0.0)) for n in names},
        },
        "seconds": {"fit": fitted.seconds},
        "notes": {
            "split": "by date: every row of a date is in one set; train < valid < test",
            "rules_v1": "the reference's hand-written rules system (xgboost_v1, graded 4.27 MAE) without its random "
            "noise: deterministic; computed from the feature vector, clamped to [0, 60] (nbaray.train.baselines)",
            "min_quality": "applies to the train and valid rows only; the test set keeps every row",
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_bytes(fitted.model)
    metrics["seconds"]["total"] = time.perf_counter() - began
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n")
    write_report(out / REPORT_FILE, metrics, test_actual, test_predicted)
    test_mae = {name: m["test"]["mae"] for name, m in baseline_metrics.items()}
    log.info(
        "test MAE: model %.4f; %s (%d test rows); artifacts in %s",
        model_metrics["test"]["mae"], ", ".join(f"{k} {v:.4f}" for k, v in test_mae.items()),
        sets["test"].height, out,
    )  # fmt: skip
    return metrics
