"""Processor 5 (ml_feature_store_v2) on hand-built inputs: Example B's vectors, fallbacks, sources and D1."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from nbaray.context import PLAYER_CONTEXT_COLUMNS
from nbaray.features.feature_sets import V1_BASELINE_25
from nbaray.processors import MISSING_DEPENDENCY, ml_feature_store
from nbaray.schemas.columns import TableSchema
from nbaray.schemas.phase3 import PLAYER_GAME_SUMMARY, SCHEDULE, TEAM_OFFENSE_GAME_SUMMARY
from nbaray.schemas.precompute import (
    PLAYER_COMPOSITE_FACTORS,
    PLAYER_DAILY_CACHE,
    PLAYER_SHOT_ZONE_ANALYSIS,
    TEAM_DEFENSE_ZONE_ANALYSIS,
)
from nbaray.season_calendar import season_year

D = date(2024, 1, 15)
P4, P3, C, DF = "phase4", "phase3", "calculated", "default"

# Example A's ten games before D, newest first: date, points, free throws made, minutes
RECENT = list(zip(
    [D - timedelta(days=2 * k) for k in range(1, 11)],
    [12, 15, 9, 20, 22, 18, 14, 16, 11, 13], [2, 5, 1, 6, 4, 3, 2, 4, 1, 2],
    [30, 32, 28, 34, 35, 31, 29, 33, 27, 30], strict=True,
))  # fmt: skip
# ten older games of the season (more than 60 days before D): 134 points, 241 minutes, so the
# season averages are 284 / 20 = 14.2 points and 550 / 20 = 27.5 minutes
OLDER = [(date(2023, 11, k), 13 if k <= 6 else 14, 1, 25 if k == 10 else 24) for k in range(1, 11)]
BOS_DATES = sorted([date(2023, 10, 20) + timedelta(days=k) for k in range(10)] + [d for d, *_ in RECENT + OLDER])
B1_DATES = [d for d, *_ in RECENT[:5]]


def frame(schema: TableSchema | dict, rows: list[dict]) -> pl.DataFrame:
    columns = schema.polars_schema if isinstance(schema, TableSchema) else schema
    return pl.DataFrame(rows, schema=columns)


def box_score(player: str, day: date, points: int, ft_makes: int, minutes: float) -> dict:
    season = season_year(day)
    return {"player_lookup": player, "universal_player_id": f"{player}_001", "game_id": f"{day:%Y%m%d}_NYK_BOS",
            "game_date": day, "team_abbr": "BOS", "opponent_team_abbr": "NYK", "season_year": season,
            "is_active": True, "points": points, "ft_makes": ft_makes, "minutes_played": minutes}  # fmt: skip


def team_game(day: date, win: bool) -> dict:
    season = season_year(day)
    return {"game_id": f"{day:%Y%m%d}_NYK_BOS", "game_date": day, "team_abbr": "BOS", "opponent_team_abbr": "NYK",
            "season_year": season, "pace": 100.0, "offensive_rating": 110.0, "home_game": True, "win_flag": win}  # fmt: skip


def context_row(player: str, **values: object) -> dict:
    return {"player_lookup": player, "universal_player_id": f"{player}_001", "game_id": f"{D:%Y%m%d}_NYK_BOS",
            "game_date": D, "team_abbr": "BOS", "opponent_team_abbr": "NYK", "season_phase": "mid",
            "context_source": "upcoming", **values}  # fmt: skip


def daily_cache(player: str, **values: object) -> dict:
    base = {"points_avg_last_5": 20.0, "points_avg_last_10": 19.5, "points_avg_season": 18.3,
            "points_std_last_10": 4.12, "games_in_last_7_days": 3, "minutes_avg_last_10": 33.0,
            "paint_rate_last_10": 40.0, "three_pt_rate_last_10": 35.5, "team_pace_last_10": 101.2,
            "team_off_rating_last_10": 115.4, "is_production_ready": True}  # fmt: skip
    return {"player_lookup": player, "cache_date": D, **base, **values}


def composite(player: str) -> dict:
    return {"player_lookup": player, "game_date": D, "analysis_date": D, "fatigue_score": 90,
            "shot_zone_mismatch_score": -2.5, "pace_score": 1.0, "usage_spike_score": 0.0, "is_production_ready": True}  # fmt: skip


def shot_zone(player: str, paint: float | None, mid: float, three: float, ready: bool = True) -> dict:
    return {"player_lookup": player, "analysis_date": D, "paint_rate_last_10": paint, "mid_range_rate_last_10": mid,
            "three_pt_rate_last_10": three, "is_production_ready": ready}  # fmt: skip


def inputs() -> dict:
    """Example A's player (`example_a`, Example B2: only PCF and TDZA rows), B1 (`every_row`), B3
    (`no_composite`), the shot-zone merge cases, and a `rookie` whose first game is D."""
    games = [box_score("example_a", d, p, ft, m) for d, p, ft, m in RECENT + OLDER]
    games.append(box_score("example_a", date(2023, 3, 1), 60, 20, 48.0))  # last season: not in season averages
    for player in ("every_row", "no_composite", "merge_pdc", "null_psza"):
        games += [box_score(player, d, p, ft, 28.0) for d, p, ft in zip(B1_DATES, [20, 20, 10, 10, 10],
                                                                         [4, 4, 2, 2, 2], strict=True)]  # fmt: skip
    roster = ["example_a", "every_row", "no_composite", "merge_pdc", "null_psza", "rookie"]
    games += [box_score(p, D, 50, 20, 45.0) for p in roster]  # rows on D: the roster, nothing else (D1)
    games.append(box_score("example_a", D + timedelta(days=2), 40, 10, 40.0))
    team = [team_game(d, k < 17) for k, d in enumerate(BOS_DATES)]  # 30 games before D, 17 wins
    team += [team_game(D, True), team_game(D + timedelta(days=2), True), team_game(date(2023, 3, 1), False)]
    schedule = [{"game_id": f"s{d:%Y%m%d}", "game_date": d, "season_year": t["season_year"], "home_team_tricode": "BOS",
                 "away_team_tricode": "NYK", "game_status": 3, "is_regular_season": True}
                for d, t in ((t["game_date"], t) for t in team)]  # fmt: skip
    context = [
        context_row("example_a", home_game=True, back_to_back=False, days_rest=1, opponent_days_rest=2,
                    player_status="Questionable"),
        *(context_row(p, home_game=False, back_to_back=False, days_rest=2, opponent_days_rest=2)
          for p in ("every_row", "no_composite", "merge_pdc", "null_psza")),
        context_row("rookie", home_game=True, season_phase="Playoffs"),
    ]  # fmt: skip
    return {
        "player_game_context": frame(PLAYER_CONTEXT_COLUMNS, context),
        "player_game_summary": frame(PLAYER_GAME_SUMMARY, games),
        "team_offense_game_summary": frame(TEAM_OFFENSE_GAME_SUMMARY, team),
        "schedule": frame(SCHEDULE, schedule),
        "player_daily_cache": frame(PLAYER_DAILY_CACHE, [
            daily_cache("every_row"), daily_cache("no_composite"),
            daily_cache("merge_pdc", paint_rate_last_10=40.0, three_pt_rate_last_10=30.0),
            daily_cache("null_psza", paint_rate_last_10=40.0)]),
        "player_composite_factors": frame(PLAYER_COMPOSITE_FACTORS, [
            {**composite("example_a"), "fatigue_score": 82, "shot_zone_mismatch_score": 1.5, "pace_score": 0.5,
             "usage_spike_score": -0.3},
            composite("every_row"), composite("merge_pdc"), composite("null_psza")]),
        "player_shot_zone_analysis": frame(PLAYER_SHOT_ZONE_ANALYSIS, [
            shot_zone("every_row", 42.0, 18.0, 40.0), shot_zone("no_composite", 42.0, 18.0, 40.0, ready=False),
            shot_zone("null_psza", None, 15.0, 45.0)]),
        "team_defense_zone_analysis": frame(TEAM_DEFENSE_ZONE_ANALYSIS, [
            {"team_abbr": "NYK", "analysis_date": D, "defensive_rating_last_15": 114.25, "opponent_pace": 99.8,
             "is_production_ready": True},
            {"team_abbr": "BOS", "analysis_date": D, "defensive_rating_last_15": 120.0, "opponent_pace": 105.0,
             "is_production_ready": True}]),
        "analysis_dates": [D],
    }  # fmt: skip


def run(data: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The processor, then what the pipeline does: stamp the run columns and conform to the registry (D7)."""
    output = ml_feature_store.compute(**data)
    stamped = output.rows.with_columns(
        processor_version=pl.lit(ml_feature_store.VERSION), run_id=pl.lit("test"),
        processed_at=pl.lit(datetime(2025, 1, 1, tzinfo=UTC)),
    )  # fmt: skip
    return ml_feature_store.TABLE.conform(stamped), output.failures


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    conformed, _ = run(inputs())
    return {row["player_lookup"]: row for row in conformed.to_dicts()}


def test_example_b2_vector_under_d5(rows) -> None:
    row = rows["example_a"]
    assert row["features"] == pytest.approx([
        15.6, 15.0, 14.2, 5.0, 3.0, 82.0, 1.5, 0.5, -0.3, -1.0, 2.0, -1.0, 1.0, 114.25, 99.8,
        1.0, 0.0, 0.0, 0.30, 0.20, 0.35, 0.2, 100.0, 112.0, 0.566666667], abs=1e-12)  # fmt: skip
    assert row["feature_sources"] == [P3, P3, P3, DF, DF, P4, P4, P4, P4, C, C, C, C, P4, P4, P3, P3, P3,
                                      DF, DF, DF, C, DF, DF, C]  # fmt: skip
    assert (row["feature_quality_score"], row["quality_tier"], row["data_source"]) == (77.2, "silver", "mixed")
    assert row["is_production_ready"] is False
    assert row["data_quality_issues"] == ["upstream_player_daily_cache_incomplete",
                                          "upstream_player_shot_zone_incomplete"]  # fmt: skip
    # D4: BOS's 20 final games from his first row of the season (Nov 1), all of them his
    assert (row["expected_games_count"], row["actual_games_count"], row["completeness_percentage"],
            row["missing_games_count"]) == (20, 20, 100.0, 0)  # fmt: skip


def test_example_b1_every_upstream_row(rows) -> None:
    row = rows["every_row"]
    assert row["features"] == pytest.approx([
        20.0, 19.5, 18.3, 4.12, 3.0, 90.0, -2.5, 1.0, 0.0,
        0.0, 0.0, 2.0, 1.0,  # equal rest; no status; 20, 20 vs 10, 10, 10; (33 - 28) / 28 = 0.18
        114.25, 99.8, 0.0, 0.0, 0.0, 0.42, 0.18, 0.40, 0.2, 101.2, 115.4, 0.566666667], abs=1e-12)  # fmt: skip
    assert row["feature_sources"] == [P4] * 9 + [C] * 4 + [P4] * 2 + [P3] * 3 + [P4] * 3 + [C] + [P4] * 2 + [C]
    assert (row["feature_quality_score"], row["quality_tier"], row["data_source"]) == (97.0, "gold", "phase4_partial")
    assert (row["is_production_ready"], row["data_quality_issues"]) == (True, [])
    assert (row["expected_games_count"], row["actual_games_count"], row["completeness_percentage"]) == (5, 5, 100.0)


def test_example_b3_no_composite_row(rows) -> None:
    row = rows["no_composite"]
    assert row["features"][5:9] == [50.0, 0.0, 0.0, 0.0]
    assert row["feature_sources"][5:9] == [DF] * 4
    assert (row["feature_quality_score"], row["quality_tier"], row["data_source"]) == (87.4, "silver", "mixed")
    assert row["data_quality_issues"] == ["upstream_player_composite_factors_incomplete",
                                          "upstream_player_shot_zone_incomplete"]  # fmt: skip


def test_shot_zone_rates_merge_daily_cache_under_shot_zone_row(rows) -> None:
    # no shot-zone row: the daily cache's copies; a shot-zone row with a null rate wins, so the default
    assert rows["merge_pdc"]["features"][18:21] == pytest.approx([0.40, 0.20, 0.30])
    assert rows["merge_pdc"]["feature_sources"][18:21] == [P4, DF, P4]
    assert rows["null_psza"]["features"][18:21] == pytest.approx([0.30, 0.15, 0.45])
    assert rows["null_psza"]["feature_sources"][18:21] == [DF, P4, P4]


def test_player_without_history_gets_defaults(rows) -> None:
    row = rows["rookie"]
    assert row["features"] == pytest.approx([
        10.0, 10.0, 10.0, 5.0, 3.0, 50.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 114.25, 99.8,
        1.0, 0.0, 1.0, 0.30, 0.20, 0.35, 0.15, 100.0, 112.0, 0.566666667])  # fmt: skip
    assert row["feature_sources"] == [DF] * 9 + [C] * 4 + [P4] * 2 + [P3] * 3 + [DF] * 3 + [C] + [DF] * 2 + [C]
    assert (row["feature_quality_score"], row["quality_tier"], row["data_source"]) == (63.4, "bronze", "mixed")
    assert (row["expected_games_count"], row["completeness_percentage"], row["is_production_ready"]) == (0, None, False)
    assert row["data_quality_issues"] == ["own_data_incomplete", "upstream_player_daily_cache_incomplete",
                                          "upstream_player_composite_factors_incomplete",
                                          "upstream_player_shot_zone_incomplete"]  # fmt: skip


def test_identity_and_context_columns(rows) -> None:
    row = rows["example_a"]
    assert {k: row[k] for k in ("universal_player_id", "game_date", "game_id", "opponent_team_abbr", "is_home",
                                "days_rest", "feature_count", "feature_version")} == {
        "universal_player_id": "example_a_001", "game_date": D, "game_id": "20240115_NYK_BOS",
        "opponent_team_abbr": "NYK", "is_home": True, "days_rest": 1, "feature_count": 25,
        "feature_version": "v1_baseline_25"}  # fmt: skip
    assert row["feature_names"] == list(V1_BASELINE_25.names)
    assert (row["season_boundary_detected"], row["backfill_bootstrap_mode"]) == (False, False)


def test_rows_conform_to_the_registry_and_hold_no_nan() -> None:
    data = inputs()
    conformed, failures = run(data)
    assert conformed.schema == ml_feature_store.TABLE.polars_schema
    assert conformed.height == 6 and conformed.select(ml_feature_store.TABLE.key).is_unique().all()
    values = conformed.select(pl.col("features").explode())["features"]
    assert values.null_count() == 0 and not values.is_nan().any()
    for column in ml_feature_store.TABLE.columns:
        if not column.nullable:
            assert conformed[column.name].null_count() == 0, column.name
    assert failures.is_empty()


def test_games_on_or_after_d_change_nothing() -> None:
    clean, _ = run(inputs())
    data = inputs()
    later = pl.col("game_date") >= D
    stats = ["points", "ft_makes", "minutes_played", "fg_attempts", "usage_rate"]
    data["player_game_summary"] = data["player_game_summary"].with_columns(
        pl.when(later).then(pl.col(c).fill_null(0) * 3 + 7).otherwise(pl.col(c)).alias(c) for c in stats
    )
    data["team_offense_game_summary"] = data["team_offense_game_summary"].with_columns(
        pl.when(later).then(~pl.col("win_flag")).otherwise(pl.col("win_flag")).alias("win_flag"),
        pl.when(later).then(pl.col("pace") + 20).otherwise(pl.col("pace")).alias("pace"),
    )
    scrambled, _ = run(data)
    assert clean.equals(scrambled)


def test_a_game_before_d_does_change_the_row() -> None:
    # the same edit one day earlier must show, or the test above proves nothing
    data = inputs()
    newest = (pl.col("player_lookup") == "example_a") & (pl.col("game_date") == RECENT[0][0])
    data["player_game_summary"] = data["player_game_summary"].with_columns(
        pl.when(newest).then(pl.col("points") + 30).otherwise(pl.col("points")).alias("points")
    )
    changed, _ = run(data)
    features = changed.filter(pl.col("player_lookup") == "example_a")["features"].item().to_list()
    assert features[0] == pytest.approx(21.6) and features[11] == 2.0


def test_date_without_roster_is_a_date_level_missing_dependency() -> None:
    data = inputs()
    data["analysis_dates"] = [D, D + timedelta(days=1)]
    conformed, failures = run(data)
    assert conformed["game_date"].unique().to_list() == [D]
    assert failures.to_dicts() == [
        {"analysis_date": D + timedelta(days=1), "entity_id": "DATE_LEVEL", "failure_category": MISSING_DEPENDENCY,
         "failure_reason": "no player_game_summary or upcoming_player_game_context rows for the date"}]  # fmt: skip
