"""MAE, RMSE, shares within k points, and the scorer tiers."""

from __future__ import annotations

import numpy as np
import pytest

from nbaray.train.metrics import errors, evaluation, tier_of


def test_errors_of_a_small_sample() -> None:
    actual = np.array([10.0, 20.0, 30.0, 0.0])
    predicted = np.array([11.0, 17.0, 36.0, 0.0])  # errors +1, -3, +6, 0
    result = errors(actual, predicted)
    assert result["rows"] == 4
    assert result["mae"] == pytest.approx(2.5)
    assert result["rmse"] == pytest.approx(np.sqrt((1 + 9 + 36) / 4))
    assert result["bias"] == pytest.approx(1.0)
    assert (result["within_1"], result["within_3"], result["within_5"]) == (0.5, 0.75, 0.75)


def test_errors_of_no_rows_are_none() -> None:
    assert errors(np.empty(0), np.empty(0))["mae"] is None


def test_tiers_by_season_average_with_lower_bounds_inclusive() -> None:
    assert tier_of(np.array([25.0, 20.0, 19.99, 12.0, 6.0, 5.99, 0.0])).tolist() == [
        "20+", "20+", "12-20", "12-20", "6-12", "<6", "<6",
    ]  # fmt: skip


def test_evaluation_reports_mae_per_tier() -> None:
    actual = np.array([30.0, 10.0, 2.0])
    predicted = np.array([24.0, 11.0, 2.0])
    result = evaluation(actual, predicted, season_avg=np.array([22.0, 9.0, 3.0]))
    assert result["by_tier"]["20+"] == {"rows": 1, "mae": 6.0, "rmse": 6.0}
    assert result["by_tier"]["6-12"]["mae"] == 1.0
    assert result["by_tier"]["12-20"] == {"rows": 0, "mae": None, "rmse": None}
