"""The Ray backfill: Phase 3 read once, dates partitioned into tasks, each task writes its own dates."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import polars as pl
import pyarrow as pa
from tqdm import tqdm

from nbaray.errors import NbarayError
from nbaray.pipeline.inputs import read_phase3, window_inputs
from nbaray.pipeline.ray_cluster import ray_session
from nbaray.pipeline.run_dates import RunStamp, output_tables, run_dates
from nbaray.season_calendar import chunks, opening_nights, processable_dates, season_year
from nbaray.warehouse.base import WarehouseConfig, open_warehouse

log = logging.getLogger(__name__)

DATES_PER_TASK = 8  # dates per Ray task: enough to amortise a task's setup, small enough to balance


@dataclass(frozen=True)
class DateReport:
    """What one task did for one date: rows written per table, or the error that stopped it."""

    analysis_date: date
    rows: dict[str, int]
    error: str | None = None


@dataclass
class BackfillSummary:
    run_id: str
    dates: list[date] = field(default_factory=list)
    reports: list[DateReport] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def failed(self) -> list[DateReport]:
        return [r for r in self.reports if r.error]

    @property
    def rows(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for report in self.reports:
            for table, count in report.rows.items():
                totals[table] = totals.get(table, 0) + count
        return totals

    @property
    def dates_per_second(self) -> float:
        return len(self.reports) / self.wall_seconds if self.wall_seconds else 0.0

    def lines(self) -> list[str]:
        out = [
            f"run {self.run_id}: {len(self.reports) - len(self.failed)} dates done, {len(self.failed)} failed, "
            f"{self.wall_seconds:.1f} s wall, {self.dates_per_second:.1f} dates/s"
        ]
        out += [f"  {table}: {count} rows" for table, count in self.rows.items()]
        out += [f"  FAILED {r.analysis_date}: {r.error}" for r in self.failed]
        return out


def new_stamp() -> RunStamp:
    now = datetime.now(UTC)
    return RunStamp(run_id=f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}", processed_at=now)


def _backfill_chunk(
    inputs: dict[str, pa.Table], dates: list[date], config: WarehouseConfig, stamp: RunStamp
) -> list[DateReport]:
    """One Ray task: compute `dates` in memory and replace their partitions in every output table."""
    frames = window_inputs({name: pl.from_arrow(t) for name, t in inputs.items()}, dates[0], dates[-1])
    outputs, errors = run_dates(frames, dates, stamp)
    open_warehouse(config).stage_partitions(stamp.run_id, outputs, dates)
    return [
        DateReport(
            day,
            {t.qualified_name: f.filter(pl.col(t.partition) == day).height for t, f in outputs.items()},
            errors.get(day),
        )
        for day in dates
    ]


def _cause(error: Exception) -> str:
    cause = getattr(error, "cause", None) or error
    return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"


def _task_batches(dates: Sequence[date], dates_per_task: int) -> list[list[date]]:
    """Dates cut into tasks that never straddle two seasons, so each task reads one season's window."""
    by_season: dict[int, list[date]] = {}
    for day in dates:
        by_season.setdefault(season_year(day), []).append(day)
    return [batch for season in sorted(by_season) for batch in chunks(by_season[season], dates_per_task)]


def backfill(
    config: WarehouseConfig,
    start: date,
    end: date,
    *,
    dates_per_task: int = DATES_PER_TASK,
    address: str | None = None,
    num_cpus: int | None = None,
    progress: bool = True,
) -> BackfillSummary:
    """Compute and write every processable date of [start, end]; see the module docstring."""
    if end < start:
        raise NbarayError(f"--end {end} is before --start {start}")
    if dates_per_task < 1:
        raise NbarayError("--dates-per-task must be at least 1")
    stamp = new_stamp()
    warehouse = open_warehouse(config)
    inputs = read_phase3(warehouse, start, end)
    schedule = inputs["schedule"]
    in_range = schedule.filter(pl.col("game_date").is_between(start, end))
    if in_range.is_empty():
        raise NbarayError(f"the schedule (nba_raw.nbac_schedule) has no games between {start} and {end}")
    dates = processable_dates(schedule, start, end)
    bootstrap = sorted(set(in_range["game_date"].to_list()) - set(dates))
    summary = BackfillSummary(run_id=stamp.run_id, dates=dates)
    log.info(
        "run %s: %d processable dates from %s to %s (%d bootstrap dates left empty, D2); opening nights %s",
        stamp.run_id, len(dates), start, end, len(bootstrap), opening_nights(schedule),
    )  # fmt: skip
    if bootstrap:
        warehouse.replace_partitions({t: t.empty() for t in output_tables()}, bootstrap)

    try:
        with ray_session(address, num_cpus):
            reports, summary.wall_seconds = _run_tasks(
                inputs, _task_batches(dates, dates_per_task), config, stamp, progress
            )
    except BaseException:
        warehouse.abort_run(stamp.run_id, output_tables())
        raise
    summary.reports = sorted(reports, key=lambda r: r.analysis_date)
    warehouse.commit_run(stamp.run_id, output_tables(), [r.analysis_date for r in reports if r.rows])
    for line in summary.lines():
        log.info(line)
    return summary


def _run_tasks(
    inputs: dict[str, pl.DataFrame], batches: list[list[date]], config: WarehouseConfig, stamp: RunStamp, progress: bool
) -> tuple[list[DateReport], float]:
    """Fan the batches out as Ray tasks; their reports as they finish, and the wall seconds taken.

    A task that fails after its retries costs only its own dates; it staged nothing (D9).
    """
    import ray

    started = time.perf_counter()  # Ray is up: what is timed is the backfill itself
    task = ray.remote(max_retries=3, retry_exceptions=False)(_backfill_chunk)
    inputs_ref = ray.put({name: frame.to_arrow() for name, frame in inputs.items()})
    pending = {
        task.options(name=f"phase4 {batch[0]}..{batch[-1]} ({len(batch)} dates)").remote(
            inputs_ref, batch, config, stamp
        ): batch
        for batch in batches
    }
    reports: list[DateReport] = []
    with tqdm(total=sum(map(len, batches)), unit="date", desc="backfill", disable=not progress) as bar:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                batch = pending.pop(ref)
                try:
                    finished = ray.get(ref)
                except ray.exceptions.RayError as error:
                    log.error("task for %s..%s failed: %s", batch[0], batch[-1], error)
                    finished = [DateReport(day, {}, f"task failed: {_cause(error)}") for day in batch]
                reports.extend(finished)
                bar.update(len(finished))
    return reports, time.perf_counter() - started
