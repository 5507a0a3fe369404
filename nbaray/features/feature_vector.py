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


def has_row(table: str) -> str:
    """Name of the input frame's flag: the player (or his opponent) has a `table` row for D."""
    return f"{table}.has_row"


def features(feature_set: FeatureSet) -> pl.Expr:
    """List(Float64) of the feature values in index order; never null, never NaN."""
    return pl.concat_list([value_and_source(f)[0] for f in feature_set.features]).alias("features")


def feature_sources(feature_set: FeatureSet) -> pl.Expr:
    """List(String) of the source label that gave each feature its value, in index order."""
    return pl.concat_list([value_and_source(f)[1] for f in feature_set.features]).alias("feature_sources")


def feature_names(feature_set: FeatureSet) -> pl.Expr:
    """List(String) of the feature names, the same on every row."""
    return pl.concat_list([pl.lit(name, pl.String) for name in feature_set.names]).alias("feature_names")


def value_and_source(feature: Feature) -> tuple[pl.Expr, pl.Expr]:
    """The feature's value (Float64) and its source label: the first level of its chain that is not null."""
    if feature.calculated is not None:
        levels = [(_derived_value(feature.calculated), CALCULATED)]
    else:
        levels = []
        if feature.phase4:
            levels.append((_phase4_value(feature.phase4), PHASE4))
        if feature.phase3 is not None:
            levels.append((_derived_value(feature.phase3), PHASE3))
        if feature.default is not None:
            levels.append((pl.lit(feature.default, pl.Float64), DEFAULT))
    value = pl.coalesce([v for v, _ in levels])
    if feature.transform is not None:
        value = feature.transform(value)
    label = pl.when(levels[0][0].is_not_null()).then(pl.lit(levels[0][1]))
    for level_value, level_label in levels[1:]:
        label = label.when(level_value.is_not_null()).then(pl.lit(level_label))
    return value.alias(feature.name), label.alias(feature.name)


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
