"""The Ray backfill: Phase 3 read once, dates partitioned into tasks, each task writes its own dates."""

from __future__ import annotations

import logging
import math
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
from nbaray.pipeline.ledger import dates_done, ledger_rows
from nbaray.pipeline.ray_cluster import ray_session
from nbaray.pipeline.run_dates import RunStamp, output_tables, run_dates
from nbaray.schemas.columns import TableSchema
from nbaray.schemas.precompute import BACKFILL_LEDGER
from nbaray.season_calendar import chunks, opening_nights, processable_dates, season_year
from nbaray.warehouse.base import Warehouse, WarehouseConfig, open_warehouse

log = logging.getLogger(__name__)

DATES_PER_TASK: int | None = None  # dates per Ray task; None: sized to the cluster, see `dates_per_task_for`
TASKS_PER_CPU = 2  # when sized to the cluster: a task costs ~0.35 s whatever its size, two per CPU still balance


@dataclass(frozen=True)
class DateReport:
    """What one task did for one date: rows written per table, or the error that stopped it."""

    analysis_date: date
    rows: dict[str, int]
    error: str | None = None


@dataclass
class BackfillSummary:
    """What a backfill did. `wall_seconds` runs from Ray being up to the last task's report.

    `phase_seconds` times the run's parts: `read_inputs` (Phase 3 read and checked by the
    driver), `put_inputs` (each season's inputs put in the object store and its tasks submitted,
    season after season), `tasks` (from there to the last report) and `commit`; `task_seconds`
    is each task's own time, inside its worker.
    """

    run_id: str
    dates: list[date] = field(default_factory=list)
    reports: list[DateReport] = field(default_factory=list)
    wall_seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)
    task_seconds: list[float] = field(default_factory=list)
    dates_per_task: int = 0

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
    inputs: dict[str, pa.Table],
    dates: list[date],
    config: WarehouseConfig,
    stamp: RunStamp,
    run_range: tuple[date, date],
) -> tuple[list[DateReport], float]:
    """One Ray task: compute `dates` in memory and replace their partitions in every output table.

    `inputs` is the season's Phase 3 window; returns a report per date and the task's seconds.
    """
    started = time.perf_counter()
    frames = window_inputs({name: pl.from_arrow(t) for name, t in inputs.items()}, dates[0], dates[-1])
    outputs, errors = run_dates(frames, dates, stamp)
    rows = {t.qualified_name: _rows_per_date(t, f) for t, f in outputs.items()}
    # The ledger rows travel with the outputs: a date is DONE exactly when its rows are published.
    ledger = {BACKFILL_LEDGER: ledger_rows(dates, errors, stamp, *run_range)}
    open_warehouse(config).stage_partitions(stamp.run_id, {**outputs, **ledger}, dates)
    reports = [DateReport(day, {name: per_date.get(day, 0) for name, per_date in rows.items()}, errors.get(day))
               for day in dates]  # fmt: skip
    return reports, time.perf_counter() - started


def _rows_per_date(table: TableSchema, frame: pl.DataFrame) -> dict[date, int]:
    counts = frame.group_by(table.partition).len()
    return dict(zip(counts[table.partition].to_list(), counts["len"].to_list(), strict=True))


def _cause(error: Exception) -> str:
    cause = getattr(error, "cause", None) or error
    return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"


def _task_batches(dates: Sequence[date], dates_per_task: int) -> list[list[date]]:
    """Dates cut into tasks that never straddle two seasons, so each task reads one season's window."""
    by_season: dict[int, list[date]] = {}
    for day in dates:
        by_season.setdefault(season_year(day), []).append(day)
    return [batch for season in sorted(by_season) for batch in chunks(by_season[season], dates_per_task)]


def dates_per_task_for(dates: int, cpus: float) -> int:
    """Dates per task so that the run makes about TASKS_PER_CPU tasks per CPU of the cluster.

    Each task pays a fixed cost (its inputs, a few hundred small Polars operations, about 0.35 s)
    on top of ~15 ms a date, so a task should be as large as balance allows.

    >>> dates_per_task_for(600, 2), dates_per_task_for(600, 64), dates_per_task_for(3, 2)
    (150, 5, 1)
    """
    return max(1, math.ceil(dates / (TASKS_PER_CPU * max(cpus, 1))))


def backfill(
    config: WarehouseConfig,
    start: date,
    end: date,
    *,
    dates_per_task: int | None = DATES_PER_TASK,
    address: str | None = None,
    num_cpus: int | None = None,
    progress: bool = True,
    resume: bool = False,
) -> BackfillSummary:
    """Compute and write every processable date of [start, end]; see the module docstring.

    `resume` skips the dates the run ledger records as finished, e.g. by an interrupted run.
    """
    if end < start:
        raise NbarayError(f"--end {end} is before --start {start}")
    if dates_per_task is not None and dates_per_task < 1:
        raise NbarayError("--dates-per-task must be at least 1")
    stamp = new_stamp()
    warehouse = open_warehouse(config)
    started = time.perf_counter()
    inputs = read_phase3(warehouse, start, end)
    read_seconds = time.perf_counter() - started
    schedule = inputs["schedule"]
    in_range = schedule.filter(pl.col("game_date").is_between(start, end))
    if in_range.is_empty():
        raise NbarayError(f"the schedule (nba_raw.nbac_schedule) has no games between {start} and {end}")
    dates = processable_dates(schedule, start, end)
    bootstrap = sorted(set(in_range["game_date"].to_list()) - set(dates))
    if resume:
        done = dates_done(warehouse, start, end)
        log.info("resuming: %d of %d dates are finished (run ledger) and kept", len(done & set(dates)),
                 len(dates))  # fmt: skip
        dates = [d for d in dates if d not in done]
    summary = BackfillSummary(run_id=stamp.run_id, dates=dates)
    log.info(
        "run %s: %d processable dates from %s to %s (%d bootstrap dates left empty, D2); opening nights %s",
        stamp.run_id, len(dates), start, end, len(bootstrap), opening_nights(schedule),
    )  # fmt: skip
    if bootstrap:
        warehouse.replace_partitions({t: t.empty() for t in output_tables()}, bootstrap)

    tables = [*output_tables(), BACKFILL_LEDGER]
    try:
        with ray_session(address, num_cpus):
            summary.dates_per_task = dates_per_task or dates_per_task_for(len(dates), _cluster_cpus())
            batches = _task_batches(dates, summary.dates_per_task)
            reports = _run_tasks(inputs, batches, config, stamp, (start, end), progress, summary)
        summary.reports = sorted(reports, key=lambda r: r.analysis_date)
        started = time.perf_counter()
        warehouse.commit_run(stamp.run_id, tables, [r.analysis_date for r in reports if r.rows])
    except BaseException:
        _abandon(warehouse, stamp.run_id, tables)
        raise
    summary.phase_seconds = {"read_inputs": read_seconds, **summary.phase_seconds,
                             "commit": time.perf_counter() - started}  # fmt: skip
    for line in summary.lines():
        log.info(line)
    return summary


def _run_tasks(
    inputs: dict[str, pl.DataFrame],
    batches: list[list[date]],
    config: WarehouseConfig,
    stamp: RunStamp,
    run_range: tuple[date, date],
    progress: bool,
    summary: BackfillSummary,
) -> list[DateReport]:
    """Fan the batches out as Ray tasks; their reports as they finish. Times go into `summary`.

    Each season's inputs (its dates' window, look-back included) go into the object store once
    and every task of the season reads that object: a task never receives the other seasons.
    A task that fails after its retries costs only its own dates; it staged nothing (D9).
    """
    import ray

    started = time.perf_counter()  # Ray is up: what is timed is the backfill itself
    task = ray.remote(max_retries=3, retry_exceptions=False)(_backfill_chunk)
    pending = {}
    for season in sorted({season_year(batch[0]) for batch in batches}):  # a season's tasks start as it is put
        of_season = [batch for batch in batches if season_year(batch[0]) == season]
        inputs_ref = ray.put(_season_inputs(inputs, of_season))
        for batch in of_season:
            name = f"phase4 {batch[0]}..{batch[-1]} ({len(batch)} dates)"
            pending[task.options(name=name).remote(inputs_ref, batch, config, stamp, run_range)] = batch
    submitted = time.perf_counter()
    reports: list[DateReport] = []
    with tqdm(total=sum(map(len, batches)), unit="date", desc="backfill", disable=not progress) as bar:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                batch = pending.pop(ref)
                try:
                    finished, seconds = ray.get(ref)
                    summary.task_seconds.append(seconds)
                except ray.exceptions.RayError as error:
                    log.error("task for %s..%s failed: %s", batch[0], batch[-1], error)
                    finished = [DateReport(day, {}, f"task failed: {_cause(error)}") for day in batch]
                reports.extend(finished)
                bar.update(len(finished))
    ended = time.perf_counter()
    summary.wall_seconds = ended - started
    summary.phase_seconds = {"put_inputs": submitted - started, "tasks": ended - submitted}
    return reports


def _abandon(warehouse: Warehouse, run_id: str, tables: list[TableSchema]) -> None:
    """Drop what a failed run staged; its targets are untouched. The run's own error is what matters."""
    try:
        warehouse.abort_run(run_id, tables)
    except Exception as error:  # e.g. the store is unreachable: staging expires on its own (BigQuery)
        log.warning("could not remove what run %s staged: %s", run_id, error)


def _cluster_cpus() -> float:
    import ray

    return ray.cluster_resources().get("CPU", 1.0)


def _season_inputs(inputs: dict[str, pl.DataFrame], batches: list[list[date]]) -> dict[str, pa.Table]:
    """The Phase 3 rows a season's batches can read, look-back included, as Arrow."""
    days = [day for batch in batches for day in batch]
    return {name: frame.to_arrow() for name, frame in window_inputs(inputs, min(days), max(days)).items()}
