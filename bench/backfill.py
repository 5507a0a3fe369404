"""Backfill benchmark: the Ray backfill against the same steps without Ray, and against a per-date loop.

    .venv/bin/python bench/backfill.py                       # 4 synthetic seasons, 1 and 2 workers, 3 repeats
    .venv/bin/python bench/backfill.py --seasons 1 --repeat 1 --naive-dates 20

Generates N synthetic seasons into a temporary embedded warehouse, then times, in one run:

(a) `nbaray.pipeline.backfill.backfill` on a local Ray cluster of W CPUs (W = each of --workers;
    a task takes one CPU, so W tasks run at once). The cluster is started once per W, outside the
    timing; a first backfill on the fresh cluster is reported as "cold" (its workers import Polars
    and nbaray while it runs), then --repeat backfills on the warmed workers, reported by median.
    "wall" is the whole `backfill()` call: the driver's read and check of Phase 3, the object-store
    put, the tasks and the commit; "tasks" is the summary's `wall_seconds` (put and tasks).
(b) the same steps in this one process without Ray: Phase 3 read and checked once, then the task
    function itself called batch after batch on its season's inputs (`run_dates`, partitions
    written with the warehouse): the lower bound for one process (Polars may use every core).
(c) a naive loop: for each date, its inputs filtered, `compute_dates` for that date alone, written.
    It is run on --naive-dates dates spread over the range (all with --naive-dates 0) and its
    dates per second extrapolated to every date.

Every timed run writes into a fresh copy of the Phase 3 tables, so the output tables start
empty. CPU is the driver's plus every process it started (Ray's); memory peaks are sampled from
/proc (see bench/common.py). Medians of --repeat runs; the machine is shared, so repeat.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import common

from nbaray.pipeline.backfill import (
    DATES_PER_TASK,
    _backfill_chunk,
    _season_inputs,
    _task_batches,
    backfill,
    dates_per_task_for,
    new_stamp,
)
from nbaray.pipeline.inputs import read_phase3, window_inputs
from nbaray.pipeline.ray_cluster import ray_session
from nbaray.pipeline.run_dates import compute_dates, output_tables
from nbaray.season_calendar import processable_dates, season_year
from nbaray.warehouse import LocalConfig, open_warehouse


def processable(config: LocalConfig, start: date, end: date) -> list[date]:
    return processable_dates(read_phase3(open_warehouse(config), start, end)["schedule"], start, end)


def single_process(config: LocalConfig, start: date, end: date, dates_per_task: int | None) -> tuple[int, int]:
    """(b): the backfill's steps in this process: the driver's read, then each task's function called
    in turn on its season's inputs (as Arrow, as a task receives them), then the commit.

    Returns (dates done, batches).
    """
    warehouse = open_warehouse(config)
    inputs = read_phase3(warehouse, start, end)
    dates = processable_dates(inputs["schedule"], start, end)
    size = dates_per_task or dates_per_task_for(len(dates), 1)
    stamp = new_stamp()
    batches = 0
    for season in sorted({season_year(day) for day in dates}):
        of_season = _task_batches([day for day in dates if season_year(day) == season], size)
        season_inputs = _season_inputs(inputs, of_season)
        for batch in of_season:
            _backfill_chunk(season_inputs, batch, config, stamp, (start, end))
        batches += len(of_season)
    warehouse.commit_run(stamp.run_id, output_tables(), dates)
    return len(dates), batches


def naive_loop(config: LocalConfig, start: date, end: date, sample: int) -> tuple[int, int]:
    """(c): one date at a time, `sample` dates spread over the range; returns (dates done, dates in range)."""
    warehouse = open_warehouse(config)
    inputs = read_phase3(warehouse, start, end)
    dates = processable_dates(inputs["schedule"], start, end)
    chosen = dates if sample <= 0 or sample >= len(dates) else dates[:: max(1, len(dates) // sample)][:sample]
    stamp = new_stamp()
    for day in chosen:
        outputs = compute_dates(window_inputs(inputs, day, day), [day], stamp)
        warehouse.stage_partitions(stamp.run_id, outputs, [day])
    return len(chosen), len(dates)


def warm_workers(workers: int) -> None:
    """Start and import every worker before the timing: one task per worker, held until all have started."""
    import ray

    @ray.remote(num_cpus=1)
    def imported() -> int:
        import nbaray.pipeline.backfill  # noqa: F401  (the task's own imports)

        time.sleep(1.0)  # keep this worker busy so the next task goes to another one
        return os.getpid()

    pids = ray.get([imported.remote() for _ in range(workers)])
    assert len(set(pids)) == workers, f"warm-up reached {len(set(pids))} of {workers} workers"


def row(name: str, usage: common.Usage, dates: int, extra: str = "") -> list[str]:
    return [
        name,
        f"{usage.wall:.2f}",
        f"{usage.cpu:.1f}",
        f"{dates / usage.wall:.1f}",
        common.gib(usage.peak_driver_rss),
        common.gib(usage.peak_worker_rss) if usage.peak_worker_rss else "-",
        common.gib(usage.peak_total_rss),
        extra,
    ]


def median_usage(runs: list[common.Usage]) -> common.Usage:
    """The run of median wall time, with the highest memory peaks of all runs."""
    chosen = sorted(runs, key=lambda u: u.wall)[len(runs) // 2]
    chosen.peak_driver_rss = max(u.peak_driver_rss for u in runs)
    chosen.peak_worker_rss = max(u.peak_worker_rss for u in runs)
    chosen.peak_total_rss = max(u.peak_total_rss for u in runs)
    return chosen


def print_table(rows: list[list[str]]) -> None:
    header = ["run", "wall s", "cpu s", "dates/s", "driver GiB", "worker GiB", "total GiB", "notes"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, ["-" * w for w in widths], *rows]:
        print(
            "  ".join(
                cell.ljust(w) if i in (0, 7) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=4, help="synthetic seasons (default 4, ending with 2023-24)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="Ray CPUs to run with (default 1 2)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each kind; medians are reported")
    parser.add_argument("--dates-per-task", type=int, default=DATES_PER_TASK, help="default: sized to the cluster")
    parser.add_argument("--naive-dates", type=int, default=60, help="dates the per-date loop runs (0 = all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="working directory (default: a temporary one, removed)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="nbaray-bench-") as temporary:
        root = args.dir or Path(temporary)
        phase3 = root / "phase3"
        started = time.perf_counter()
        rows_loaded = common.synthetic_phase3(phase3, args.seasons, args.seed)
        start, end = common.backfill_range(args.seasons)
        dates = processable(LocalConfig(phase3), start, end)
        print(f"command: {common.command_line()}")
        print(f"machine: {common.machine()}")
        print(
            f"data: {args.seasons} synthetic seasons {common.seasons(args.seasons)} (seed {args.seed}), "
            f"{rows_loaded['nba_analytics.player_game_summary']:,} player rows, {len(dates)} processable dates "
            f"from {start} to {end}; generated and loaded in "
            f"{time.perf_counter() - started:.1f} s"
        )
        run = 0

        def fresh() -> LocalConfig:
            nonlocal run
            run += 1
            return common.fresh_copy(phase3, root / f"run{run}")

        table: list[list[str]] = []
        walls: dict[str, float] = {}
        for workers in args.workers:
            with ray_session(num_cpus=workers):
                config = fresh()
                with common.measured() as cold:
                    summary = backfill(config, start, end, dates_per_task=args.dates_per_task, progress=False)
                assert not summary.failed, summary.lines()
                cold_tasks = summary.wall_seconds
                warm_workers(workers)
                runs, tasks, phases = [], [], []
                for _ in range(args.repeat):
                    config = fresh()
                    with common.measured() as usage:
                        summary = backfill(config, start, end, dates_per_task=args.dates_per_task, progress=False)
                    assert not summary.failed, summary.lines()
                    runs.append(usage)
                    tasks.append(summary.wall_seconds)
                    phases.append(summary.phase_seconds)
            warm = median_usage(runs)
            walls[f"a{workers}"] = warm.wall
            phase = {k: common.median([p[k] for p in phases]) for k in phases[0]}
            label = f"{workers} worker{'s' if workers > 1 else ''}"
            table.append(
                row(
                    f"(a) Ray, {label}",
                    warm,
                    len(dates),
                    f"{len(summary.task_seconds)} tasks; tasks {common.median(tasks):.2f} s; read "
                    f"{phase['read_inputs']:.2f}, put {phase['put_inputs']:.2f}, commit {phase['commit']:.2f} s",
                )
            )
            table.append(row(f"(a) Ray, {label}, cold", cold, len(dates), f"tasks {cold_tasks:.2f} s (workers start)"))

        runs = []
        for _ in range(args.repeat):
            config = fresh()
            with common.measured() as usage:
                _, batches = single_process(config, start, end, args.dates_per_task)
            runs.append(usage)
        single = median_usage(runs)
        walls["b"] = single.wall
        table.append(row("(b) one process, no Ray", single, len(dates), f"{batches} batches (tasks' work, in turn)"))

        config = fresh()
        with common.measured() as naive:
            done, total = naive_loop(config, start, end, args.naive_dates)
        walls["c"] = naive.wall * total / done
        table.append(
            row(
                f"(c) per-date loop, {done} dates",
                naive,
                done,
                f"all {total} dates: ~{walls['c']:.0f} s (extrapolated)",
            )
        )

    print()
    print_table(table)
    print()
    for workers in args.workers:
        print(f"(a) {workers} / (b): {walls[f'a{workers}'] / walls['b']:.2f}x the single-process wall")
    if len(args.workers) > 1:
        low, high = min(args.workers), max(args.workers)
        print(f"speed-up {low} -> {high} workers: {walls[f'a{low}'] / walls[f'a{high}']:.2f}x")
    print(f"(c) / (b): the per-date loop takes {walls['c'] / walls['b']:.1f}x the vectorised single process")
    print(f"command: {common.command_line()}")


if __name__ == "__main__":
    main()
