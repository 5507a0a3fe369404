"""Training on Ray Train from a backfilled feature store, and batch predictions, end to end on a synthetic season."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import xgboost

from nbaray.errors import NbarayError
from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.schemas.predictions import ML_FEATURE_STORE_V2, PLAYER_POINTS_PREDICTIONS
from nbaray.synth import generate_seasons
from nbaray.train import dataset, predict, train
from nbaray.train.baselines import BASELINES
from nbaray.warehouse import LocalConfig, open_warehouse

pytestmark = pytest.mark.ray
SEASON = 2023
START, END = date(2023, 10, 1), date(2024, 6, 30)
VALID_START, TEST_START = date(2024, 2, 26), date(2024, 3, 20)  # about 70 / 15 / 15 of the season's dates
# Two departures from the reference parameters, for a one-season training set (~16k rows). With
# the reference's own (depth 8, squared error) the model loses to the season average here by
# 0.03-0.07 MAE on every seed tried; it beats it on four seasons (bench/train.py). Depth 4 suits
# one season's rows, and the absolute-error objective aims at the median, which is what minimises
# MAE: points are right-skewed, so the mean that squared error aims at sits above it. Together they
# beat the season average by 0.10-0.12 MAE on seeds 1, 2, 3 and 7 (depth 4 alone: 0.01-0.04).
PARAMS = {"max_depth": 4, "objective": "reg:absoluteerror"}
ROUNDS = 300  # early stopping ends one season's runs near 120 rounds


@pytest.fixture(scope="module")
def trained(ray_cluster: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalConfig, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("trained")
    config = LocalConfig(root / "warehouse")
    load_tables(open_warehouse(config), generate_seasons([SEASON], seed=5), season_dates([SEASON]))
    backfill(config, START, END, progress=False)
    metrics = train(
        config, START, END, root / "model", valid_start=VALID_START, test_start=TEST_START, params=PARAMS,
        num_boost_round=ROUNDS, storage_path=str(root / "ray-train"),
    )  # fmt: skip
    return config, root / "model", metrics


def test_ray_train_keeps_its_run_where_it_is_told(trained) -> None:
    _, model_dir, metrics = trained
    run = model_dir.parent / "ray-train" / f"nbaray-train-{metrics['run_id']}"
    assert run.is_dir() and any(run.iterdir())


def test_the_model_beats_every_baseline_on_the_same_test_rows(trained) -> None:
    _, _, metrics = trained
    model = metrics["model"]["test"]
    for name in BASELINES:
        baseline = metrics["baselines"][name]["test"]
        assert baseline["rows"] == model["rows"]
        assert model["mae"] < baseline["mae"], f"model {model['mae']:.4f} vs {name} {baseline['mae']:.4f}"


def test_split_dates_do_not_overlap_and_respect_the_boundaries(trained) -> None:
    config, _, metrics = trained
    split = metrics["split"]
    assert metrics["split_boundaries"] == {"valid_start": VALID_START.isoformat(), "test_start": TEST_START.isoformat()}
    assert split["train"]["end"] < VALID_START.isoformat() <= split["valid"]["start"]
    assert split["valid"]["end"] < TEST_START.isoformat() <= split["test"]["start"]
    rows, _ = dataset.training_rows(open_warehouse(config), START, END)
    assert sum(s["rows"] for s in split.values()) == rows.height == metrics["rows"]["used"]
    assert sum(s["dates"] for s in split.values()) == rows["game_date"].n_unique()


def test_the_saved_model_reloads_and_reproduces_the_test_mae(trained) -> None:
    config, model_dir, metrics = trained
    raw = (model_dir / "model.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == metrics["model_id"]
    booster = xgboost.Booster(model_file=str(model_dir / "model.json"))
    rows, _ = dataset.training_rows(open_warehouse(config), START, END)
    test = rows.filter(pl.col("game_date") >= TEST_START)
    names = metrics["feature_names"]
    features = dataset.feature_matrix(test, len(names))
    predicted = booster.predict(xgboost.DMatrix(features, feature_names=names))
    assert test.height == metrics["split"]["test"]["rows"]
    assert dataset.fingerprint(test, len(names)) == metrics["data_fingerprint"]["test"]
    assert np.mean(np.abs(predicted - test["points"].to_numpy())) == pytest.approx(metrics["model"]["test"]["mae"])


def test_metrics_json_holds_every_figure(trained) -> None:
    _, model_dir, returned = trained
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(returned))
    for name in ("train", "valid", "test"):
        figures = metrics["model"][name]
        assert {"mae", "rmse", "within_3", "within_5", "rows", "by_tier"} <= figures.keys()
        assert set(figures["by_tier"]) == {"20+", "12-20", "6-12", "<6"}
        assert {"start", "end", "dates", "rows"} <= metrics["split"][name].keys()
    for name in ("avg_last_10", "avg_season", "rules_v1"):
        assert metrics["baselines"][name]["test"]["mae"] > 0
    assert metrics["feature_version"] == "v1_baseline_25" and len(metrics["feature_names"]) == 25
    assert metrics["hyperparameters"]["max_depth"] == 4 and metrics["hyperparameters"]["eta"] == 0.05
    assert metrics["hyperparameters"]["early_stopping_rounds"] == 20
    assert 0 <= metrics["best_iteration"] < metrics["rounds_trained"] <= ROUNDS
    assert len(metrics["data_fingerprint"]["train"]) == 64
    gain = metrics["feature_importance"]["gain"]
    assert set(gain) == set(metrics["feature_names"]) and max(gain, key=gain.get).startswith("points_avg")


def test_the_report_has_its_three_charts(trained) -> None:
    _, model_dir, _ = trained
    page = (model_dir / "report.html").read_text()
    assert page.count("<svg") == 3
    assert page.count("<circle") > 100 and "points_avg_season" in page and "rules_v1" in page


def test_predict_writes_one_row_per_player_and_date_and_a_rerun_replaces_them(trained) -> None:
    config, model_dir, metrics = trained
    warehouse = open_warehouse(config)
    day = date(2024, 4, 2)
    store = warehouse.read(ML_FEATURE_STORE_V2, day, day)
    assert predict(config, day, model_dir) == store.height > 0
    first = warehouse.read(PLAYER_POINTS_PREDICTIONS, day, day)
    assert predict(config, day, model_dir) == store.height
    second = warehouse.read(PLAYER_POINTS_PREDICTIONS, day, day)

    assert second.height == store.height and not second.select("player_lookup").is_duplicated().any()
    assert set(second["player_lookup"]) == set(store["player_lookup"])
    assert second["run_id"].n_unique() == 1 and second["run_id"][0] != first["run_id"][0]
    assert set(second["model_id"]) == {metrics["model_id"]}
    booster = xgboost.Booster(model_file=str(model_dir / "model.json"))
    expected = store.select(
        "player_lookup",
        expected=pl.Series(booster.predict(xgboost.DMatrix(dataset.feature_matrix(store, 25),
                                                           feature_names=metrics["feature_names"]))),
    )  # fmt: skip
    joined = second.join(expected, on="player_lookup")
    assert np.allclose(joined["predicted_points"], joined["expected"], atol=0.005 + 1e-9)


def test_predict_empties_a_date_without_feature_rows(trained) -> None:
    config, model_dir, _ = trained
    assert predict(config, date(2024, 8, 1), model_dir) == 0
    assert open_warehouse(config).read(PLAYER_POINTS_PREDICTIONS, date(2024, 8, 1), date(2024, 8, 1)).is_empty()


def test_train_refuses_boundaries_outside_the_data(trained, tmp_path: Path) -> None:
    config, _, _ = trained
    with pytest.raises(NbarayError, match="no dates in test"):
        train(config, START, END, tmp_path, valid_start=date(2024, 3, 1), test_start=date(2024, 9, 1))
    with pytest.raises(NbarayError, match="eval_metric"):
        train(config, START, END, tmp_path, params={"eval_metric": "rmse"})
