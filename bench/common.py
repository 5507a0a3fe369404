"""Shared by the benchmarks: synthetic warehouses, the machine's description, and CPU / memory sampling.

CPU and memory are read from /proc (no psutil in the venv): the benchmark process itself (the
Ray driver) and every process it started, which for a local Ray cluster is the GCS, the raylet,
Ray's agents and the workers. Resident memory is sampled every SAMPLE_SECONDS; the peaks are of
the samples. The total adds up the processes' RSS, so a page shared by several of them (the
object store's, libraries') is counted in each: it overstates what the run holds. (PSS would
not, but reading it walks every mapping of a process and cost the run 12 % of a core.)
"""

from __future__ import annotations

import os
import platform
import shlex
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from nbaray.loading import load_tables, season_dates
from nbaray.synth import generate_seasons
from nbaray.warehouse import LocalConfig, open_warehouse

SAMPLE_SECONDS = 0.1
REFRESH_SAMPLES = 10  # samples between two scans for the driver's child processes
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
LAST_SEASON = 2023  # the newest synthetic season (2023-24); N seasons end with it


def command_line() -> str:
    """The command that is running, as one could type it again."""
    return " ".join(shlex.quote(a) for a in [os.path.relpath(sys.executable), *sys.argv])


def machine() -> str:
    import ray

    memory = os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30
    threads = os.environ.get("POLARS_MAX_THREADS", "unset")
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {memory:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, Polars {pl.__version__}, "
        f"Ray {ray.__version__}; POLARS_MAX_THREADS in the driver: {threads}"
    )


def seasons(count: int) -> list[int]:
    return list(range(LAST_SEASON - count + 1, LAST_SEASON + 1))


def synthetic_phase3(root: Path, count: int, seed: int) -> dict[str, int]:
    """`count` synthetic seasons loaded into an embedded warehouse at `root`; rows per table."""
    years = seasons(count)
    return load_tables(open_warehouse(LocalConfig(root)), generate_seasons(years, seed=seed), season_dates(years))


def fresh_copy(phase3: Path, target: Path) -> LocalConfig:
    """A warehouse holding only the Phase 3 tables of `phase3`: each timed run writes into empty tables."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(phase3, target)
    return LocalConfig(target)


def backfill_range(count: int) -> tuple[date, date]:
    years = seasons(count)
    return date(years[0], 10, 1), date(years[-1] + 1, 6, 30)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def _rss(pid: int) -> int:
    """Resident bytes of a process (0 when it is gone), from /proc/PID/statm: cheap enough to sample often."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class Usage:
    """CPU seconds and memory peaks over a measured block."""

    wall: float = 0.0
    cpu_driver: float = 0.0
    cpu_ray: float = 0.0  # every process the driver started (Ray's GCS, raylet, agents, workers)
    peak_driver_rss: int = 0
    peak_worker_rss: int = 0  # the largest single process the driver started
    peak_total_rss: int = 0  # driver + all those processes (shared pages counted in each: an upper bound)
    samples: int = 0
    cpu_by_pid: dict[int, float] = field(default_factory=dict)

    @property
    def cpu(self) -> float:
        return self.cpu_driver + self.cpu_ray


@contextmanager
def measured() -> Iterator[Usage]:
    """Wall and CPU seconds of the block, and the peaks of memory sampled while it runs."""
    usage = Usage()
    me = os.getpid()
    stop = threading.Event()

    def sample() -> None:
        others: list[int] = []
        while not stop.is_set():
            if usage.samples % REFRESH_SAMPLES == 0:
                others = descendants(me)  # a scan of /proc: not at every sample
            driver = _rss(me)
            sizes = [_rss(pid) for pid in others]
            usage.peak_driver_rss = max(usage.peak_driver_rss, driver)
            usage.peak_worker_rss = max([usage.peak_worker_rss, *sizes])
            usage.peak_total_rss = max(usage.peak_total_rss, driver + sum(sizes))
            usage.samples += 1
            stop.wait(SAMPLE_SECONDS)

    before = {pid: _cpu_seconds(pid) for pid in descendants(me)}
    times = os.times()
    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    try:
        yield usage
    finally:
        usage.wall = time.perf_counter() - started
        after_times = os.times()
        usage.cpu_driver = (after_times.user - times.user) + (after_times.system - times.system)
        after = {pid: _cpu_seconds(pid) for pid in descendants(me)}
        usage.cpu_by_pid = {pid: seconds - before.get(pid, 0.0) for pid, seconds in after.items()}
        usage.cpu_ray = sum(usage.cpu_by_pid.values())
        stop.set()
        sampler.join()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def gib(size: float) -> str:
    return f"{size / 2**30:.2f}"
