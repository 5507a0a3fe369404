"""`ray job submit` entry point for the whole pipeline: backfill, then validate, then train on GO.

    ray job submit --address http://127.0.0.1:8265 --working-dir . --runtime-env jobs/runtime_env.yaml -- \\
        python jobs/pipeline.py --warehouse /data/warehouse --start 2023-10-01 --end 2024-06-30 \\
        --reports /data/reports --model-dir /data/models/2023

Options are those of `nbaray run` (warehouse and BigQuery options, --start, --end, --dates-per-task)
plus --reports (validation reports) and --model-dir (training output); --workers, --min-quality and
--storage-path go to `nbaray train`. Exit code: that of the first step that did not succeed (1 = NO-GO).
"""

import argparse
import logging
import sys

from nbaray.cli import main

log = logging.getLogger("nbaray.jobs.pipeline")


def steps(argv: list[str]) -> list[list[str]]:
    """The CLI calls of the pipeline, in order."""
    own = argparse.ArgumentParser(add_help=False)
    own.add_argument("--reports", default="reports")
    own.add_argument("--model-dir", required=True)
    own.add_argument("--workers", default=None)
    own.add_argument("--min-quality", default=None)
    own.add_argument("--storage-path", default=None)
    known, shared = own.parse_known_args(argv)
    train = ["train", *shared, "--out", known.model_dir]
    train += ["--workers", known.workers] if known.workers else []
    train += ["--min-quality", known.min_quality] if known.min_quality else []
    train += ["--storage-path", known.storage_path] if known.storage_path else []
    # --dates-per-task, --resume and --no-progress belong to the backfill only.
    train = [a for a in train if a not in ("--no-progress", "--resume")]
    if "--dates-per-task" in train:
        i = train.index("--dates-per-task")
        del train[i : i + 2]
    return [["run", *shared, "--out", known.reports], train]


if __name__ == "__main__":
    for call in steps(sys.argv[1:]):
        code = main(call)
        if code != 0:
            log.error("stopping: nbaray %s exited %d", call[0], code)
            sys.exit(code)
    sys.exit(0)
