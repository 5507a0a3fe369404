"""Training wall time on Ray Train with 1 and 2 workers, on synthetic seasons backfilled into a fresh warehouse.

Generation and the backfill are not timed; each `train` call is, inside one Ray session so that
starting Ray is not counted either. Hyperparameters are the reference's (500 rounds, early
stopping after 20). Prints the numbers and the command that produced them.

    .venv/bin/python bench/train.py [--seasons 2020 2021 2022 2023] [--seed 0] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from nbaray.loading import load_tables, season_dates
from nbaray.pipeline.backfill import backfill
from nbaray.pipeline.ray_cluster import LOOPBACK_ENV, ray_session
from nbaray.synth import generate_seasons
from nbaray.train import train
from nbaray.warehouse import LocalConfig, open_warehouse


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--seasons", type=int, nargs="+", default=[2020, 2021, 2022, 2023])
    options.add_argument("--seed", type=int, default=0)
    options.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = options.parse_args()
    # Ray reads the loopback switch when it is first imported, which is inside ray_session: set it before.
    for name, value in LOOPBACK_ENV.items():
        os.environ.setdefault(name, value)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    start, end = date(min(args.seasons), 10, 1), date(max(args.seasons) + 1, 6, 30)

    with tempfile.TemporaryDirectory(prefix="nbaray-bench-train-") as scratch:
        config = LocalConfig(Path(scratch) / "warehouse")
        began = time.perf_counter()
        load_tables(open_warehouse(config), generate_seasons(args.seasons, seed=args.seed), season_dates(args.seasons))
        print(f"generated seasons {args.seasons} (seed {args.seed}) in {time.perf_counter() - began:.1f} s")
        with ray_session():
            import ray

            began = time.perf_counter()
            summary = backfill(config, start, end, progress=False)
            print(f"backfilled {start} .. {end} in {time.perf_counter() - began:.1f} s ({len(summary.failed)} failed)")
            print(f"cluster: {ray.cluster_resources().get('CPU', 0):.0f} CPUs; load average {_load()}")
            results = []
            for workers in args.workers:
                began = time.perf_counter()
                metrics = train(config, start, end, Path(scratch) / f"model-{workers}", workers=workers)
                results.append((workers, time.perf_counter() - began, metrics))
                print(f"  trained with {workers} worker(s) in {results[-1][1]:.1f} s; load average {_load()}")

    used = results[0][2]["rows"]["used"]
    split = results[0][2]["split"]
    print(
        f"\n{used} feature-store rows with a target: train {split['train']['rows']}, "
        f"valid {split['valid']['rows']}, test {split['test']['rows']}"
    )
    print("workers  train() s  Ray Train fit s  best iter  test MAE  avg_last_10  avg_season  rules_v1")
    for workers, seconds, metrics in results:
        base = {name: m["test"]["mae"] for name, m in metrics["baselines"].items()}
        print(
            f"{workers:>7}  {seconds:>9.1f}  {metrics['seconds']['fit']:>15.1f}  {metrics['best_iteration']:>9}  "
            f"{metrics['model']['test']['mae']:>8.4f}  {base['avg_last_10']:>11.4f}  {base['avg_season']:>10.4f}  "
            f"{base['rules_v1']:>8.4f}"
        )
    print(f"\ncommand: {shlex.join([os.path.relpath(sys.executable), *sys.argv])}")
    return 0


def _load() -> str:
    """The machine's 1-minute load average: a shared 2-core machine's timings mean little without it."""
    return f"{os.getloadavg()[0]:.1f}"


if __name__ == "__main__":
    sys.exit(main())
