"""Distributed XGBoost on Ray Train: the per-worker loop and `fit`.

Ray 2.60's `XGBoostTrainer` is Train V2, which only takes a `train_loop_per_worker`; the loop
builds its DMatrix from its dataset shard and calls `xgboost.train` inside the collective that
XGBoostTrainer sets up, so the workers grow the same trees from their summed histograms. The loop
reports once, at the end: a report per boosting round costs about 2 s on this stack
(notes/ecosystem.md section 2).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

# The reference's hyperparameters (spec 5.4); hist and one thread per worker because each Ray
# worker holds one CPU.
DEFAULT_PARAMS: dict[str, Any] = {
    "max_depth": 8,
    "eta": 0.05,
    "min_child_weight": 3,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "gamma": 0.0,
    "alpha": 0.0,
    "lambda": 1.0,
    "seed": 42,
    "objective": "reg:squarederror",
    "eval_metric": "mae",
    "tree_method": "hist",
    "nthread": 1,
}
NUM_BOOST_ROUND = 500
EARLY_STOPPING_ROUNDS = 20  # rounds without a better validation MAE

MODEL_FILE = "model.json"
_HISTORY_FILE = "valid_mae.json"


@dataclass(frozen=True)
class FitResult:
    model: bytes  # XGBoost JSON of the trees up to the best iteration
    best_iteration: int  # 0-based round with the lowest validation MAE
    best_valid_mae: float
    rounds_trained: int  # rounds grown before early stopping, the best included
    valid_mae_history: list[float]
    seconds: float  # Ray Train: worker group start, data loading and boosting


def _matrix(shard: Any, rank: int, feature_names: Sequence[str]) -> Any:
    """This worker's rows of a Ray Data iterator as an xgboost DMatrix (rows whose `shard` is `rank`)."""
    import xgboost

    blocks, labels = [], []
    for batch in shard.iter_batches(batch_format="pyarrow", batch_size=65536):
        mine = batch.filter(pc.equal(batch.column("shard"), rank))
        if mine.num_rows == 0:
            continue
        # flatten() honours list offsets; .values would not for a sliced list array
        values = pc.list_flatten(mine.column("features")).to_numpy(zero_copy_only=False)
        blocks.append(values.reshape(mine.num_rows, len(feature_names)))
        labels.append(mine.column("label").to_numpy())
    features = np.vstack(blocks) if blocks else np.empty((0, len(feature_names)))
    label = np.concatenate(labels) if labels else np.empty(0)
    return xgboost.DMatrix(features, label=label, feature_names=list(feature_names))


def train_fn_per_worker(config: dict[str, Any]) -> None:
    """One Ray Train worker: boost on its shard of "train", stop early on the whole "valid" MAE, report once."""
    import ray.train
    import xgboost

    context = ray.train.get_context()
    rank = context.get_world_rank()
    names = config["feature_names"]
    dtrain = _matrix(ray.train.get_dataset_shard("train"), rank, names)
    dvalid = _matrix(ray.train.get_dataset_shard("valid"), rank, names)
    history: dict[str, dict[str, list[float]]] = {}
    booster = xgboost.train(
        config["params"],
        dtrain,
        num_boost_round=config["num_boost_round"],
        evals=[(dvalid, "valid")],
        early_stopping_rounds=config["early_stopping_rounds"],
        evals_result=history,
        verbose_eval=False,
    )
    valid_mae = history["valid"]["mae"]
    best = int(booster.best_iteration)
    metrics = {"best_iteration": best, "best_valid_mae": float(valid_mae[best]), "rounds_trained": len(valid_mae)}
    if rank != 0:
        ray.train.report(metrics)
        return
    with tempfile.TemporaryDirectory() as directory:
        # Only the trees up to the best round are kept: model.json then predicts as evaluated.
        booster[: best + 1].save_model(os.path.join(directory, MODEL_FILE))
        Path(directory, _HISTORY_FILE).write_text(json.dumps(valid_mae))
        ray.train.report(metrics, checkpoint=ray.train.Checkpoint.from_directory(directory))


def quiet_dataset(table: pa.Table) -> Any:
    """A Ray Data dataset of `table` that draws no progress bars (they flood the log of a batch job)."""
    import ray.data

    dataset = ray.data.from_arrow(table)
    dataset.context.enable_progress_bars = False  # the dataset's own copy of the context, not the global one
    dataset.context.print_on_execution_start = False
    return dataset


def params_with(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The reference parameters with `overrides` applied; validation MAE stays the early-stopping metric."""
    params = {**DEFAULT_PARAMS, **(overrides or {})}
    if params["eval_metric"] != "mae":
        raise ValueError("eval_metric must stay 'mae': early stopping watches the validation MAE")
    return params


def fit(
    train: pa.Table,
    valid: pa.Table,
    feature_names: Sequence[str],
    *,
    workers: int,
    params: Mapping[str, Any],
    num_boost_round: int,
    early_stopping_rounds: int,
    run_name: str,
    storage_path: str | None = None,
) -> FitResult:
    """Train on Ray Train with `workers` workers of one CPU each; `train`/`valid` as made by `dataset.ray_table`.

    Every worker reads the whole of both datasets and keeps the rows dealt to it (the `shard`
    column), so the shards, and with them the model, depend only on the data and the worker
    count. `storage_path` holds Ray Train's run folder (a temporary directory by default; a
    multi-node cluster needs storage every node can reach).
    """
    import ray.train
    from ray.train.xgboost import XGBoostTrainer

    config = {
        "params": dict(params),
        "num_boost_round": num_boost_round,
        "early_stopping_rounds": early_stopping_rounds,
        "feature_names": list(feature_names),
    }
    with tempfile.TemporaryDirectory(prefix="nbaray-train-") as scratch:
        trainer = XGBoostTrainer(
            train_fn_per_worker,
            train_loop_config=config,
            datasets={"train": quiet_dataset(train), "valid": quiet_dataset(valid)},
            dataset_config=ray.train.DataConfig(datasets_to_split=[]),
            scaling_config=ray.train.ScalingConfig(num_workers=workers, resources_per_worker={"CPU": 1}),
            # A unique name: Ray Train resumes a run whose folder it finds.
            run_config=ray.train.RunConfig(name=run_name, storage_path=storage_path or scratch),
        )
        started = time.perf_counter()
        result = trainer.fit()
        seconds = time.perf_counter() - started
        if result.checkpoint is None:
            raise RuntimeError(f"Ray Train run {run_name} finished without a model checkpoint")
        with result.checkpoint.as_directory() as directory:
            model = Path(directory, MODEL_FILE).read_bytes()
            history = json.loads(Path(directory, _HISTORY_FILE).read_text())
    metrics = result.metrics
    log.info(
        "trained on %d workers in %.1f s: best iteration %d of %d, validation MAE %.4f",
        workers, seconds, metrics["best_iteration"], metrics["rounds_trained"], metrics["best_valid_mae"],
    )  # fmt: skip
    return FitResult(
        model=model,
        best_iteration=int(metrics["best_iteration"]),
        best_valid_mae=float(metrics["best_valid_mae"]),
        rounds_trained=int(metrics["rounds_trained"]),
        valid_mae_history=[float(v) for v in history],
        seconds=seconds,
    )
