"""Quality score, tier and data_source: the spec's Example B (B1-B3; B4 no longer exists, D2)."""

from __future__ import annotations

import polars as pl
import pytest

from nbaray.features.quality_score import data_source, feature_quality_score, quality_tier


def labels(**counts: int) -> list[str]:
    return [label for label, n in counts.items() for _ in range(n)]


def summary(sources: list[str | None], count: int = 25) -> dict:
    frame = pl.DataFrame({"feature_sources": [sources]}, schema={"feature_sources": pl.List(pl.String)})
    return (
        frame.select(
            feature_quality_score(pl.col("feature_sources"), count),
            data_source(pl.col("feature_sources")),
        )
        .with_columns(quality_tier(pl.col("feature_quality_score")))
        .row(0, named=True)
    )


@pytest.mark.parametrize(
    ("case", "sources", "score", "tier", "source"),
    [
        ("B1 every upstream row", labels(phase4=16, phase3=3, calculated=6), 97.0, "gold", "phase4_partial"),
        ("B2 no PDC, no PSZA", labels(phase4=6, phase3=6, calculated=6, default=7), 77.2, "silver", "mixed"),
        ("B3 no PCF", labels(phase4=12, phase3=3, calculated=6, default=4), 87.4, "silver", "mixed"),
    ],
)
def test_example_b(case: str, sources: list[str], score: float, tier: str, source: str) -> None:
    assert summary(sources) == {
        "feature_quality_score": pytest.approx(score, abs=1e-9),
        "data_source": source,
        "quality_tier": tier,
    }, case


@pytest.mark.parametrize(
    ("sources", "tier"),
    [(labels(phase4=25), "gold"),  # 100
     (labels(phase4=21, default=4), "silver"),  # 90.4
     (labels(phase3=25), "silver"),  # exactly 75
     (labels(phase3=10, default=15), "bronze"),  # 54
     (labels(default=25), "poor"),  # 40
     ([None] * 5 + ["default"] * 20, "poor")],  # unlabelled indices weigh as defaults
)  # fmt: skip
def test_quality_tier_cutoffs(sources: list[str | None], tier: str) -> None:
    assert summary(sources)["quality_tier"] == tier


def test_quality_tier_unusable_below_25() -> None:
    frame = pl.DataFrame({"score": [24.99, 25.0, 94.99, 95.0]})
    assert frame.select(quality_tier(pl.col("score")))["quality_tier"].to_list() == [
        "unusable",
        "poor",
        "silver",
        "gold",
    ]


def test_feature_quality_score_counts_missing_indices_as_defaults() -> None:
    # 24 phase4 labels for a 25-feature vector: the 25th index weighs 40
    assert summary(labels(phase4=24))["feature_quality_score"] == pytest.approx((2400 + 40) / 25)


def test_unknown_label_weighs_as_default() -> None:
    assert summary(labels(phase4=24, vegas=1))["feature_quality_score"] == pytest.approx((2400 + 40) / 25)


def test_no_labels_scores_zero_and_source_unknown() -> None:
    assert summary([]) == {"feature_quality_score": 0.0, "data_source": "unknown", "quality_tier": "unusable"}


@pytest.mark.parametrize(
    ("sources", "expected"),
    [(labels(phase4=23, default=2), "phase4"),  # 0.92
     (labels(phase4=22, default=3), "phase4_partial"),  # 0.88
     (labels(phase3=13, default=12), "phase3"),  # 0.52
     (labels(phase4=12, phase3=12, calculated=1), "mixed")],
)  # fmt: skip
def test_data_source_cutoffs(sources: list[str], expected: str) -> None:
    assert summary(sources)["data_source"] == expected
