"""Input validation: a Phase 3 frame is checked against the registry before any processor sees it.

Every problem names the table, the column, how many rows, and a few example keys. A run whose
input fails writes nothing.
"""

from __future__ import annotations

import polars as pl

from nbaray.errors import InputError
from nbaray.schemas.columns import TableSchema
from nbaray.teams import canonical_team
from nbaray.warehouse.base import null_and_key_rules, violations

TEAM_COLUMNS = frozenset(
    {"team_abbr", "opponent_team_abbr", "defending_team_abbr", "home_team_tricode", "away_team_tricode"}
)

# Source dtypes each registry dtype accepts without loss (NUMERIC arrives as Decimal, counts as any int).
_INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)
ACCEPTS: dict[type[pl.DataType], tuple[type[pl.DataType], ...]] = {
    pl.Int64: _INTEGERS,
    pl.Float64: (pl.Float32, pl.Float64, pl.Decimal, *_INTEGERS),
    pl.String: (pl.String, pl.Categorical, pl.Enum),
    pl.Boolean: (pl.Boolean,),
    pl.Date: (pl.Date,),
    pl.Datetime: (pl.Datetime,),
}


def checked_input(table: TableSchema, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the registry's columns, dtypes and canonical team codes, or an InputError."""
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    if missing:
        raise InputError(table.qualified_name, [f"missing column {', '.join(missing)}"])
    wrong = [
        f"column {c.name} has type {frame.schema[c.name]}, expected {c.dtype}"
        for c in table.columns
        if c.name in frame.columns
        and frame.schema[c.name] != pl.Null
        and not isinstance(frame.schema[c.name], ACCEPTS[type(c.dtype)])
    ]
    if wrong:
        raise InputError(table.qualified_name, wrong)
    frame = frame.select(
        (pl.col(c.name) if c.name in frame.columns else pl.lit(None)).cast(c.dtype).alias(c.name) for c in table.columns
    ).with_columns(canonical_team(c) for c in table.column_names if c in TEAM_COLUMNS)

    checks = [(f"column {c.column}: {{n}} rows where {c.description}", c.violated) for c in table.checks]
    problems = violations(frame, table.key, [*null_and_key_rules(table), *checks])
    if problems:
        raise InputError(table.qualified_name, problems)
    return frame


# Phase 3 tables whose every (date, team) must be a game of the schedule, and their team column.
_SCHEDULED_TEAMS = {
    "player_game_summary": "team_abbr",
    "team_offense_game_summary": "team_abbr",
    "team_defense_game_summary": "defending_team_abbr",
}


def checked_against_schedule(frames: dict[str, pl.DataFrame], schedule_name: str = "schedule") -> None:
    """An InputError when a box score's team did not play on its date by the schedule.

    Windows, rest and completeness are all counted on the schedule; a box score the schedule
    does not know would be silently miscounted.
    """
    schedule = frames[schedule_name]
    scheduled = pl.concat(
        [
            schedule.select("game_date", pl.col(side).alias("team"))
            for side in ("home_team_tricode", "away_team_tricode")
        ]
    ).unique()
    for name, team_column in _SCHEDULED_TEAMS.items():
        frame = frames.get(name)
        if frame is None or frame.is_empty():
            continue
        unscheduled = frame.join(
            scheduled, left_on=["game_date", team_column], right_on=["game_date", "team"], how="anti"
        )
        if unscheduled.height:
            pairs = unscheduled.select("game_date", team_column).unique(maintain_order=True).head(3).rows()
            shown = ", ".join(f"{team} on {day}" for day, team in pairs)
            raise InputError(
                f"nba_analytics.{name}",
                [
                    f"column {team_column}: {unscheduled.height} rows of teams the schedule "
                    f"(nba_raw.nbac_schedule) has no game for that day (e.g. {shown})"
                ],
            )
