"""Scaling of the Ray backfill with the number of workers, measured, then projected (Amdahl).

    .venv/bin/python bench/scaling.py                      # 4 synthetic seasons, 1 and 2 workers
    .venv/bin/python bench/scaling.py --workers 1 2 4 --repeat 3

For each worker count W (a local Ray cluster of W CPUs, started once and warmed outside the
timing; dates per task sized to the cluster as the CLI does) the backfill runs --repeat times
into fresh copies of the Phase 3 tables; the table shows medians.

The projection splits a run into what does not parallelise and what does, both measured:

- serial S: the driver's read and check of Phase 3, the object-store puts (with the tasks'
  submission) and the commit, plus Ray's wait for the last task beyond the tasks' own time;
- parallel: the tasks' own seconds (inside their workers), which are m seconds per date plus f
  per task, taken from the run with the fewest workers (a task has a core to itself there, as
  on a cluster). f is measured by a second run there with --probe-dates-per-task dates per
  task (many more tasks): f = extra task seconds / extra tasks.

With ~2 tasks per CPU (how the backfill sizes tasks), W workers take about
T(W) = S + (dates x m + tasks(W) x f) / W, tasks(W) = max(seasons, 2 W): projected at --project.
"""

from __future__ import annotations

import argparse
import logging
import math
import tempfile
from datetime import date
from pathlib import Path

import common
from backfill import warm_workers

from nbaray.pipeline.backfill import TASKS_PER_CPU, backfill
from nbaray.pipeline.ray_cluster import ray_session


def timed_backfills(
    phase3: Path, root: Path, span: tuple[date, date], workers: int, repeat: int, probe: int | None
) -> dict:
    """Medians over `repeat` backfills of `span` on `workers` CPUs; with `probe`, one more run at that many dates
    per task."""
    start, end = span
    walls, serial, task_sums, summaries = [], [], [], []
    with ray_session(num_cpus=workers):
        warm_workers(workers)
        for run in range(repeat):
            config = common.fresh_copy(phase3, root / f"w{workers}r{run}")
            with common.measured() as usage:
                summary = backfill(config, start, end, progress=False)
            assert not summary.failed, summary.lines()
            phases = summary.phase_seconds
            waited = phases["tasks"] - sum(summary.task_seconds) / workers  # tasks phase beyond the work itself
            walls.append(usage.wall)
            serial.append(phases["read_inputs"] + phases["put_inputs"] + phases["commit"] + max(waited, 0.0))
            task_sums.append(sum(summary.task_seconds))
            summaries.append(summary)
        probed = None
        if probe:
            config = common.fresh_copy(phase3, root / f"w{workers}probe")
            summary = backfill(config, start, end, dates_per_task=probe, progress=False)
            probed = (len(summary.task_seconds), sum(summary.task_seconds))
    last = summaries[-1]
    return {
        "wall": common.median(walls),
        "serial": common.median(serial),
        "task_seconds": common.median(task_sums),
        "tasks": len(last.task_seconds),
        "dates": len(last.reports),
        "dates_per_task": last.dates_per_task,
        "phases": {k: common.median([s.phase_seconds[k] for s in summaries]) for k in last.phase_seconds},
        "probe": probed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--probe-dates-per-task", type=int, default=10, help="dates per task of the run measuring f")
    parser.add_argument("--project", type=int, nargs="+", default=[16, 64], help="worker counts to project to")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="nbaray-scaling-") as temporary:
        root = Path(temporary)
        phase3 = root / "phase3"
        common.synthetic_phase3(phase3, args.seasons, args.seed)
        span = common.backfill_range(args.seasons)
        print(f"command: {common.command_line()}")
        print(f"machine: {common.machine()}")
        results = {
            w: timed_backfills(
                phase3, root, span, w, args.repeat, args.probe_dates_per_task if w == min(args.workers) else None
            )
            for w in args.workers
        }

    base_workers = args.workers[0]
    base = results[base_workers]
    dates = base["dates"]
    print(f"data: {args.seasons} synthetic seasons, {dates} processable dates; medians of {args.repeat} runs\n")
    header = [
        "workers",
        "dates/task",
        "tasks",
        "wall s",
        "dates/s",
        "speed-up",
        "efficiency",
        "serial s",
        "task s (sum)",
    ]
    rows = []
    for w, r in results.items():
        speedup = base["wall"] / r["wall"]
        rows.append([str(w), str(r["dates_per_task"]), str(r["tasks"]), f"{r['wall']:.2f}", f"{dates / r['wall']:.1f}",
                     f"{speedup:.2f}x", f"{100 * speedup / (w / base_workers):.0f} %", f"{r['serial']:.2f}",
                     f"{r['task_seconds']:.1f}"])  # fmt: skip
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))

    top = results[min(args.workers)]  # fewest workers: each task had a core to itself, as on a real cluster
    tasks_probe, seconds_probe = top["probe"]
    fixed = max(0.0, (seconds_probe - top["task_seconds"]) / (tasks_probe - top["tasks"]))
    per_date = (top["task_seconds"] - top["tasks"] * fixed) / dates
    serial = common.median([r["serial"] for r in results.values()])
    phases = top["phases"]
    seasons = args.seasons

    def projected(workers: int) -> float:
        tasks = max(seasons, TASKS_PER_CPU * workers)
        return serial + (dates * per_date + tasks * fixed) / workers

    one = projected(1)
    print(
        f"\nmeasured: serial S = {serial:.2f} s (read and check {phases['read_inputs']:.2f}, put and submit "
        f"{phases['put_inputs']:.2f}, commit {phases['commit']:.2f}, and Ray's wait beyond the tasks' time); "
        f"m = {1000 * per_date:.1f} ms per date; f = {fixed:.2f} s per task "
        f"({tasks_probe} tasks of {args.probe_dates_per_task} dates took {seconds_probe:.1f} task-seconds)"
    )
    print(f"serial fraction at 1 worker: {serial / one:.0%}; Amdahl's bound on the speed-up: {one / serial:.1f}x")
    for workers in sorted({1, *args.workers, *args.project}):
        tasks = max(seasons, TASKS_PER_CPU * workers)
        print(
            f"  {workers:3d} workers: {tasks:4d} tasks of ~{math.ceil(dates / tasks)} dates, projected "
            f"{projected(workers):6.2f} s, speed-up {one / projected(workers):5.2f}x "
            f"(efficiency {one / projected(workers) / workers:.0%})"
        )
    print(f"command: {common.command_line()}")


if __name__ == "__main__":
    main()
