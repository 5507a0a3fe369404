"""`jobs/pipeline.py` turns one command line into the `nbaray run` and `nbaray train` calls."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("pipeline_job", Path(__file__).parents[2] / "jobs" / "pipeline.py")
assert _SPEC is not None and _SPEC.loader is not None
pipeline = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(pipeline)


def test_backfill_options_stay_with_the_run_and_training_options_go_to_train() -> None:
    run, train = pipeline.steps([
        "--warehouse", "/w", "--start", "2023-10-01", "--end", "2024-06-30", "--dates-per-task", "4",
        "--no-progress", "--resume", "--reports", "/r", "--model-dir", "/m", "--workers", "3",
        "--min-quality", "70", "--storage-path", "gs://bucket/ray-train",
    ])  # fmt: skip
    assert run == ["run", "--warehouse", "/w", "--start", "2023-10-01", "--end", "2024-06-30",
                   "--dates-per-task", "4", "--no-progress", "--resume", "--out", "/r"]  # fmt: skip
    assert train == ["train", "--warehouse", "/w", "--start", "2023-10-01", "--end", "2024-06-30", "--out", "/m",
                     "--workers", "3", "--min-quality", "70", "--storage-path", "gs://bucket/ray-train"]  # fmt: skip
