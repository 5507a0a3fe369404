"""The steps of one task, in dependency order, and the output tables they fill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from nbaray import context
from nbaray.processors import (
    ml_feature_store,
    player_composite_factors,
    player_daily_cache,
    player_shot_zone_analysis,
    team_defense_zone_analysis,
)
from nbaray.schemas.columns import TableSchema


@dataclass(frozen=True)
class Step:
    """A named pure function; its result is available to later steps under `name`.

    A step with a `table` is a processor: it returns a ProcessorOutput whose rows are stamped
    and written to that table.
    """

    name: str
    compute: Callable[..., Any]
    table: TableSchema | None = None
    version: str | None = None


def processor(module: ModuleType) -> Step:
    return Step(module.TABLE.name, module.compute, module.TABLE, module.VERSION)


RUN_ORDER: tuple[Step, ...] = (
    Step("player_game_context", context.player_game_context),
    Step("team_game_context", context.team_game_context),
    processor(team_defense_zone_analysis),
    processor(player_shot_zone_analysis),
    processor(player_daily_cache),
    processor(player_composite_factors),
    processor(ml_feature_store),  # last: reads the four tables before it
)

OUTPUT_STEPS: tuple[Step, ...] = tuple(s for s in RUN_ORDER if s.table is not None)
