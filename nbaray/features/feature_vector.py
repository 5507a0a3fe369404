"""A feature set as expressions: each feature's value and source label, resolved per row.

The expressions run on the feature store's input frame: one row per (player, D) holding each
Phase 4 column under `Phase4Column.alias`, a `has_row(table)` flag per Phase 4 table, and the
Phase 3 inputs by name (see `feature_sets`). NaN counts as missing everywhere (D5).
"""

from __future__ import annotations

import polars as pl

from nbaray.features.feature_sets import (
    CALCULATED,
    DEFAULT,
    PHASE3,
    PHASE4,
    Derived,
    Feature,
    FeatureSet,
    Input,
    Phase4Column,
)
from nbaray.features.lists import as_list


def has_row(table: str) -> str:
    """Name of the input frame's flag: the player (or his opponent) has a `table` row for D."""
    return f"{table}.has_row"


def features(feature_set: FeatureSet) -> pl.Expr:
    """List(Float64) of the feature values in index order; never null, never NaN."""
    return as_list([value_and_source(f)[0] for f in feature_set.features]).alias("features")


def feature_sources(feature_set: FeatureSet) -> pl.Expr:
    """List(String) of the source label that gave each feature its value, in index order."""
    return as_list([value_and_source(f)[1] for f in feature_set.features]).alias("feature_sources")


def feature_names(feature_set: FeatureSet) -> pl.Expr:
    """List(String) of the feature names, the same on every row."""
    return as_list([pl.lit(name, pl.String) for name in feature_set.names]).alias("feature_names")


def value_and_source(feature: Feature) -> tuple[pl.Expr, pl.Expr]:
    """The feature's value (Float64) and its source label: the first level of its chain that is not null."""
    return _resolved(feature, _levels(feature))


def with_feature_vector(frame: pl.DataFrame, feature_set: FeatureSet) -> pl.DataFrame:
    """`frame` with the `features`, `feature_sources` and `feature_names` lists of `feature_set`.

    The same lists as those three expressions give, but each level of each feature is evaluated
    once, into a column, and read by both the value and the label.
    """
    levels = {feature.name: _levels(feature) for feature in feature_set.features}
    columns = {_level_column(name, label): value for name, chain in levels.items() for value, label in chain}
    resolved = [
        _resolved(feature, [(pl.col(_level_column(feature.name, label)), label) for _, label in levels[feature.name]])
        for feature in feature_set.features
    ]
    return (
        frame.with_columns(**columns)
        .with_columns(
            as_list([value for value, _ in resolved]).alias("features"),
            as_list([label for _, label in resolved]).alias("feature_sources"),
            feature_names(feature_set),
        )
        .drop(list(columns))
    )


def _levels(feature: Feature) -> list[tuple[pl.Expr, str]]:
    """The feature's chain: each level's value and its source label, in the order they are tried."""
    if feature.calculated is not None:
        return [(_derived_value(feature.calculated), CALCULATED)]
    levels = []
    if feature.phase4:
        levels.append((_phase4_value(feature.phase4), PHASE4))
    if feature.phase3 is not None:
        levels.append((_derived_value(feature.phase3), PHASE3))
    if feature.default is not None:
        levels.append((pl.lit(feature.default, pl.Float64), DEFAULT))
    return levels


def _resolved(feature: Feature, levels: list[tuple[pl.Expr, str]]) -> tuple[pl.Expr, pl.Expr]:
    """The first non-null level's value (transformed) and label."""
    value = pl.coalesce([v for v, _ in levels])
    if feature.transform is not None:
        value = feature.transform(value)
    label = pl.when(levels[0][0].is_not_null()).then(pl.lit(levels[0][1]))
    for level_value, level_label in levels[1:]:
        label = label.when(level_value.is_not_null()).then(pl.lit(level_label))
    return value.alias(feature.name), label.alias(feature.name)


def _level_column(feature_name: str, label: str) -> str:
    return f"_level.{feature_name}.{label}"


def _phase4_value(sources: tuple[Phase4Column, ...]) -> pl.Expr:
    """The first source whose table has a row; its value, even a null one (the reference's merge order)."""
    first, *rest = sources
    value = pl.when(pl.col(has_row(first.table))).then(_as_float(pl.col(first.alias)))
    for source in rest:
        value = value.when(pl.col(has_row(source.table))).then(_as_float(pl.col(source.alias)))
    return value


def _derived_value(derivation: Derived) -> pl.Expr:
    return _as_float(derivation.function(*(_input(i) for i in derivation.inputs)))


def _input(source: Input) -> pl.Expr:
    return pl.col(source.alias if isinstance(source, Phase4Column) else source)


def _as_float(value: pl.Expr) -> pl.Expr:
    """Float64 with NaN as null, so a NaN falls through to the next source (D5)."""
    return value.cast(pl.Float64).fill_nan(None)
