"""The feature store's feature lists, each declared once, in index order (D10).

A feature names where its value comes from, tried in order until one is not null:

1. `phase4`: a column of an earlier processor's row for the player (for a team table, his
   opponent's row) on D. With several sources the first table that *has a row* wins, even when
   its value is null (the reference merges the rows in that order);
2. `phase3`: a function of the feature store's Phase 3 inputs;
3. `default`;

or it is `calculated` by a function and always labelled so. `transform` is applied to the
value whatever its source (default included). The label of the source that won is recorded per
feature and feeds the quality score.

The Phase 3 inputs a function can name (the processor builds them per player and D):
`last_10_points`, `last_10_minutes`, `last_10_ft_makes` (lists, newest first, his rows with
`D - 60 <= game_date < D`, at most 10), `season_points_avg`, `season_minutes_avg` (his rows
this season before D), `team_season_games`, `team_season_wins` (his team's games this season
before D), and his context row's `days_rest`, `opponent_days_rest`, `player_status`,
`home_game`, `back_to_back`, `season_phase`.

A new version is a new `FeatureSet` that extends an older one: indices 0-24 keep their names.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from nbaray.features import calculated, phase3_fallbacks
from nbaray.schemas.columns import round_half_away

PHASE4, PHASE3, CALCULATED, DEFAULT = "phase4", "phase3", "calculated", "default"  # source labels

DAILY_CACHE = "player_daily_cache"
COMPOSITE_FACTORS = "player_composite_factors"
SHOT_ZONES = "player_shot_zone_analysis"
TEAM_DEFENSE = "team_defense_zone_analysis"  # read for the player's opponent


@dataclass(frozen=True)
class Phase4Column:
    """`column` of the `table` row for the player (his opponent's, for team_defense_zone_analysis) on D."""

    table: str
    column: str

    @property
    def alias(self) -> str:
        """Its name in the feature store's input frame."""
        return f"{self.table}.{self.column}"


Input = str | Phase4Column  # a Phase 3 input by name, or a Phase 4 column


@dataclass(frozen=True)
class Derived:
    """`function` applied to `inputs`, in order; without inputs, its parameter names are the Phase 3 inputs."""

    function: Callable[..., pl.Expr]
    inputs: tuple[Input, ...] = ()

    def __post_init__(self) -> None:
        parameters = tuple(inspect.signature(self.function).parameters)
        if not self.inputs:
            object.__setattr__(self, "inputs", parameters)
        if len(self.inputs) != len(parameters):
            raise ValueError(f"{self.function.__name__} takes {len(parameters)} inputs, {len(self.inputs)} given")


def derived(function: Callable[..., pl.Expr], *inputs: Input) -> Derived:
    return Derived(function, inputs)


def percent_to_fraction(value: pl.Expr) -> pl.Expr:
    """A 0-100 percentage as a 0-1 fraction, to 9 decimals.

    Polars may divide by a constant through its reciprocal (35 * 0.01 = 0.35000000000000003),
    and whether it does depends on the batch; rounding makes the stored value the same either way.
    """
    return round_half_away(value / 100.0, 9)


@dataclass(frozen=True)
class Feature:
    """One entry of a feature vector: its name and where its value comes from (module docstring)."""

    name: str
    phase4: tuple[Phase4Column, ...] = ()
    phase3: Derived | None = None
    default: float | None = None
    calculated: Derived | None = None
    transform: Callable[[pl.Expr], pl.Expr] | None = None

    def __post_init__(self) -> None:
        chained = bool(self.phase4) or self.phase3 is not None or self.default is not None
        if self.calculated is not None and chained:
            raise ValueError(f"{self.name}: a calculated feature has no fallback chain")
        if self.calculated is None and self.phase3 is None and self.default is None:
            raise ValueError(f"{self.name}: needs a Phase 3 value or a default when Phase 4 is missing")

    @property
    def phase4_columns(self) -> tuple[Phase4Column, ...]:
        """Every Phase 4 column the feature reads, its calculation's inputs included."""
        derivations = [d for d in (self.phase3, self.calculated) if d is not None]
        used = [i for d in derivations for i in d.inputs if isinstance(i, Phase4Column)]
        return (*self.phase4, *used)


@dataclass(frozen=True)
class FeatureSet:
    """A versioned feature vector: the features in index order."""

    version: str
    features: tuple[Feature, ...]
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = tuple(f.name for f in self.features)
        if len(set(names)) != len(names):
            raise ValueError(f"{self.version}: duplicate feature names")
        object.__setattr__(self, "names", names)

    def __len__(self) -> int:
        return len(self.features)

    @property
    def phase4_columns(self) -> tuple[Phase4Column, ...]:
        """Every Phase 4 column the set reads, once, in first-use order."""
        return tuple(dict.fromkeys(c for f in self.features for c in f.phase4_columns))

    def extended(self, version: str, *features: Feature) -> FeatureSet:
        """A later version: these features appended after the existing indices."""
        return FeatureSet(version, (*self.features, *features))


def _pdc(column: str) -> Phase4Column:
    return Phase4Column(DAILY_CACHE, column)


def _pcf(column: str) -> Phase4Column:
    return Phase4Column(COMPOSITE_FACTORS, column)


def _psza(column: str) -> Phase4Column:
    return Phase4Column(SHOT_ZONES, column)


def _tdza(column: str) -> Phase4Column:
    return Phase4Column(TEAM_DEFENSE, column)


_P3 = phase3_fallbacks
_FRACTION = percent_to_fraction

V1_BASELINE_25 = FeatureSet(
    "v1_baseline_25",
    (
        Feature("points_avg_last_5", phase4=(_pdc("points_avg_last_5"),), phase3=derived(_P3.points_avg_last_5),  # 0
                default=10.0),
        Feature("points_avg_last_10", phase4=(_pdc("points_avg_last_10"),), phase3=derived(_P3.points_avg_last_10),
                default=10.0),
        Feature("points_avg_season", phase4=(_pdc("points_avg_season"),), phase3=derived(_P3.points_avg_season),
                default=10.0),
        Feature("points_std_last_10", phase4=(_pdc("points_std_last_10"),), default=5.0),
        Feature("games_in_last_7_days", phase4=(_pdc("games_in_last_7_days"),), default=3.0),
        Feature("fatigue_score", phase4=(_pcf("fatigue_score"),), default=50.0),  # 5
        Feature("shot_zone_mismatch_score", phase4=(_pcf("shot_zone_mismatch_score"),), default=0.0),
        Feature("pace_score", phase4=(_pcf("pace_score"),), default=0.0),
        Feature("usage_spike_score", phase4=(_pcf("usage_spike_score"),), default=0.0),
        Feature("rest_advantage", calculated=derived(calculated.rest_advantage)),
        Feature("injury_risk", calculated=derived(calculated.injury_risk)),  # 10
        Feature("recent_trend", calculated=derived(calculated.recent_trend)),
        Feature("minutes_change", calculated=derived(calculated.minutes_change, _pdc("minutes_avg_last_10"),
                                                     "last_10_minutes", "season_minutes_avg")),
        Feature("opponent_def_rating", phase4=(_tdza("defensive_rating_last_15"),), default=112.0),
        Feature("opponent_pace", phase4=(_tdza("opponent_pace"),), default=100.0),
        Feature("home_away", phase3=derived(_P3.home_away)),  # 15
        Feature("back_to_back", phase3=derived(_P3.back_to_back)),
        Feature("playoff_game", phase3=derived(_P3.playoff_game)),
        Feature("pct_paint", phase4=(_psza("paint_rate_last_10"), _pdc("paint_rate_last_10")), default=30.0,
                transform=_FRACTION),
        Feature("pct_mid_range", phase4=(_psza("mid_range_rate_last_10"),), default=20.0, transform=_FRACTION),
        Feature("pct_three", phase4=(_psza("three_pt_rate_last_10"), _pdc("three_pt_rate_last_10")), default=35.0,
                transform=_FRACTION),  # 20
        Feature("pct_free_throw", calculated=derived(calculated.pct_free_throw)),
        Feature("team_pace", phase4=(_pdc("team_pace_last_10"),), default=100.0),
        Feature("team_off_rating", phase4=(_pdc("team_off_rating_last_10"),), default=112.0),
        Feature("team_win_pct", calculated=derived(calculated.team_win_pct)),
    ),
)  # fmt: skip

FEATURE_VERSION = V1_BASELINE_25.version
