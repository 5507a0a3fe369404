"""One batch of analysis dates, in memory: every step in order, then the run columns stamped.

Pure apart from logging: frames and dates in, one frame per output table out.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from nbaray.pipeline.steps import OUTPUT_STEPS, RUN_ORDER, Step
from nbaray.processors import FAILURE_COLUMNS, PROCESSING_ERROR, ProcessorOutput
from nbaray.schemas.columns import TableSchema
from nbaray.schemas.precompute import PRECOMPUTE_FAILURES

log = logging.getLogger(__name__)

DATE_LEVEL = "DATE_LEVEL"  # entity_id of a failure that concerns a whole date (D8)


class StepFailed(Exception):
    """A step raised; `step` names it, the original exception is the cause."""

    def __init__(self, step: str, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.step = step


@dataclass(frozen=True)
class RunStamp:
    """What every row of a run carries (D3): read from the clock once, at the edge."""

    run_id: str
    processed_at: datetime


def output_tables() -> tuple[TableSchema, ...]:
    """Every table a backfill writes, failures last."""
    return (*(s.table for s in OUTPUT_STEPS if s.table is not None), PRECOMPUTE_FAILURES)


def compute_dates(
    inputs: Mapping[str, pl.DataFrame], analysis_dates: Sequence[date], stamp: RunStamp
) -> dict[TableSchema, pl.DataFrame]:
    """Every output table's rows for `analysis_dates`, conformed to the registry."""
    available: dict[str, object] = {**inputs, "analysis_dates": sorted(set(analysis_dates))}
    outputs: dict[TableSchema, pl.DataFrame] = {}
    failures: list[pl.DataFrame] = []
    for step in RUN_ORDER:
        try:
            result = step.compute(**{name: available[name] for name in _parameters(step)})
        except Exception as error:
            raise StepFailed(step.name, error) from error
        if step.table is None:
            available[step.name] = result
            continue
        assert isinstance(result, ProcessorOutput), f"{step.name} must return a ProcessorOutput"
        rows = step.table.conform(
            result.rows.with_columns(
                processor_version=pl.lit(step.version),
                run_id=pl.lit(stamp.run_id),
                processed_at=pl.lit(stamp.processed_at),
            )
        )
        available[step.name] = rows
        outputs[step.table] = rows
        failures.append(result.failures.with_columns(processor_name=pl.lit(step.table.name)))
    outputs[PRECOMPUTE_FAILURES] = _stamped_failures(failures, stamp)
    return outputs


def run_dates(
    inputs: Mapping[str, pl.DataFrame], analysis_dates: Sequence[date], stamp: RunStamp
) -> tuple[dict[TableSchema, pl.DataFrame], dict[date, str]]:
    """Like `compute_dates`, but an exception costs only the dates it concerns.

    The batch is computed at once; if that raises, each date is retried alone, and a date that
    still raises gets no rows and one PROCESSING_ERROR failure row. Returns the outputs and the
    error message of each failed date.
    """
    try:
        return compute_dates(inputs, analysis_dates, stamp), {}
    except StepFailed as error:
        if len(analysis_dates) == 1:
            day = analysis_dates[0]
            log.exception("processing %s failed", day)
            return _error_outputs(day, error, stamp), {day: f"{error.step}: {error}"}
    outputs: dict[TableSchema, list[pl.DataFrame]] = {}
    errors: dict[date, str] = {}
    for day in analysis_dates:
        single, error_of = run_dates(inputs, [day], stamp)
        errors.update(error_of)
        for table, frame in single.items():
            outputs.setdefault(table, []).append(frame)
    return {table: pl.concat(frames) for table, frames in outputs.items()}, errors


def _parameters(step: Step) -> list[str]:
    return list(inspect.signature(step.compute).parameters)


def _stamped_failures(failures: list[pl.DataFrame], stamp: RunStamp) -> pl.DataFrame:
    columns = {**FAILURE_COLUMNS, "processor_name": pl.String()}
    frame = pl.concat([f.select(list(columns)) for f in failures]) if failures else pl.DataFrame(schema=columns)
    return PRECOMPUTE_FAILURES.conform(
        frame.with_columns(run_id=pl.lit(stamp.run_id), created_at=pl.lit(stamp.processed_at))
    )


def _error_outputs(day: date, error: StepFailed, stamp: RunStamp) -> dict[TableSchema, pl.DataFrame]:
    outputs = {table: table.empty() for table in output_tables()}
    failure = pl.DataFrame(
        {
            "processor_name": [error.step],
            "analysis_date": [day],
            "entity_id": [DATE_LEVEL],
            "failure_category": [PROCESSING_ERROR],
            "failure_reason": [str(error)[:1000]],
        }
    )
    outputs[PRECOMPUTE_FAILURES] = _stamped_failures([failure], stamp)
    return outputs
