"""Error measures of a points prediction (spec 5.5), overall and by scorer tier (spec 5.8)."""

from __future__ import annotations

import numpy as np

WITHIN_POINTS = (1, 3, 5)  # |actual - predicted| <= this many points
# Scorer tiers by the player's season average before D (feature 2), as the reference's analysis cut them.
TIERS: tuple[tuple[str, float, float], ...] = (
    ("20+", 20.0, np.inf),
    ("12-20", 12.0, 20.0),
    ("6-12", 6.0, 12.0),
    ("<6", -np.inf, 6.0),
)


def errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float | int | None]:
    """MAE, RMSE, mean error (predicted - actual) and the share of rows within 1, 3 and 5 points."""
    if actual.size == 0:
        return {"rows": 0, "mae": None, "rmse": None, "bias": None, **{f"within_{k}": None for k in WITHIN_POINTS}}
    residual = predicted - actual
    absolute = np.abs(residual)
    return {
        "rows": int(actual.size),
        "mae": float(absolute.mean()),
        "rmse": float(np.sqrt(np.mean(residual**2))),
        "bias": float(residual.mean()),
        **{f"within_{k}": float(np.mean(absolute <= k)) for k in WITHIN_POINTS},
    }


def tier_of(season_avg: np.ndarray) -> np.ndarray:
    """The scorer tier's label of each row."""
    labels = np.full(season_avg.shape, TIERS[-1][0], dtype=object)
    for name, low, high in TIERS:
        labels[(season_avg >= low) & (season_avg < high)] = name
    return labels


def evaluation(actual: np.ndarray, predicted: np.ndarray, season_avg: np.ndarray) -> dict[str, object]:
    """`errors` overall, plus rows and MAE per scorer tier."""
    tiers = tier_of(season_avg)
    by_tier = {}
    for name, _, _ in TIERS:
        mask = tiers == name
        tier = errors(actual[mask], predicted[mask])
        by_tier[name] = {"rows": tier["rows"], "mae": tier["mae"], "rmse": tier["rmse"]}
    return {**errors(actual, predicted), "by_tier": by_tier}
