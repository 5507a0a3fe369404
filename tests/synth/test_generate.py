"""The synthetic season: registry conformance, schedule shape, box-score identities, cross-table mirrors,
trades, realism targets (phase3-inputs 9) and the effects a points model should be able to find."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from nbaray.schemas.phase3 import (
    PHASE3_TABLES,
    PLAYER_GAME_SUMMARY,
    SCHEDULE,
    TEAM_DEFENSE_GAME_SUMMARY,
    TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_PLAYER_GAME_CONTEXT,
    UPCOMING_TEAM_GAME_CONTEXT,
)
from nbaray.season_calendar import opening_night
from nbaray.synth import generate_seasons
from nbaray.synth.schedule import all_star_break, thanksgiving
from nbaray.teams import TEAMS

SEASON = 2023
SEED = 7
GENERATED = [t for t in PHASE3_TABLES if t is not UPCOMING_PLAYER_GAME_CONTEXT]
PGS, TOGS, TDGS, UTGC, SCHED = (
    t.qualified_name
    for t in (
        PLAYER_GAME_SUMMARY,
        TEAM_OFFENSE_GAME_SUMMARY,
        TEAM_DEFENSE_GAME_SUMMARY,
        UPCOMING_TEAM_GAME_CONTEXT,
        SCHEDULE,
    )
)
REGULAR_MINUTES = 20  # mean minutes that make a player a regular in the effect tests


@pytest.fixture(scope="module")
def season() -> dict[str, pl.DataFrame]:
    return generate_seasons([SEASON], seed=SEED)


@pytest.fixture(scope="module")
def team_dates(season: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per team and game date, with the calendar gap to the team's previous game."""
    schedule = season[SCHED]
    both = pl.concat(
        [
            schedule.select("game_date", team="home_team_tricode", home=pl.lit(True)),
            schedule.select("game_date", team="away_team_tricode", home=pl.lit(False)),
        ]
    )
    return both.sort("team", "game_date").with_columns(
        gap=(pl.col("game_date") - pl.col("game_date").shift(1).over("team")).dt.total_days()
    )


@pytest.fixture(scope="module")
def player_rows(season: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """PGS with the player's days since his previous game and his season mean minutes."""
    return (
        season[PGS]
        .sort("player_lookup", "game_date")
        .with_columns(
            rest=(pl.col("game_date") - pl.col("game_date").shift(1).over("player_lookup")).dt.total_days(),
            mean_minutes=pl.col("minutes_played").mean().over("player_lookup"),
        )
    )


# --- the registry contract ---------------------------------------------------------------------


def test_generate_seasons_returns_every_phase3_table_but_player_context(season: dict[str, pl.DataFrame]) -> None:
    assert set(season) == {t.qualified_name for t in GENERATED}


@pytest.mark.parametrize("schema", GENERATED, ids=lambda t: t.name)
def test_generate_seasons_conforms_to_registry(season: dict[str, pl.DataFrame], schema) -> None:
    frame = season[schema.qualified_name]
    assert frame.schema == schema.polars_schema
    assert frame.equals(schema.conform(frame))
    assert frame.height > 0
    assert not frame.select(schema.key).is_duplicated().any()
    for column in schema.columns:
        if not column.nullable:
            assert frame[column.name].null_count() == 0, column.name


@pytest.mark.parametrize("schema", GENERATED, ids=lambda t: t.name)
def test_generate_seasons_passes_every_row_check(season: dict[str, pl.DataFrame], schema) -> None:
    frame = season[schema.qualified_name]
    for check in schema.checks:
        assert frame.filter(check.violated).height == 0, check.description


def test_generate_seasons_of_no_season_is_empty() -> None:
    tables = generate_seasons([])
    assert all(frame.is_empty() for frame in tables.values())
    assert tables[PGS].schema == PLAYER_GAME_SUMMARY.polars_schema


# --- determinism ----------------------------------------------------------------------------------


def test_generate_seasons_is_deterministic_for_a_seed(season: dict[str, pl.DataFrame]) -> None:
    again = generate_seasons([SEASON], seed=SEED)
    assert all(again[name].equals(frame) for name, frame in season.items())


def test_generate_seasons_differs_between_seeds(season: dict[str, pl.DataFrame]) -> None:
    other = generate_seasons([SEASON], seed=SEED + 1)
    assert not other[PGS].equals(season[PGS])
    assert not other[SCHED].equals(season[SCHED])


def test_generate_seasons_season_does_not_depend_on_the_other_seasons(season: dict[str, pl.DataFrame]) -> None:
    two = generate_seasons([SEASON - 1, SEASON], seed=SEED)
    assert set(two[TOGS]["season_year"].unique()) == {SEASON - 1, SEASON}
    assert two[UTGC].height == 2 * season[UTGC].height
    assert two[PGS].filter(pl.col("season_year") == SEASON).equals(season[PGS])
    assert two[SCHED].filter(pl.col("season_year") == SEASON).equals(season[SCHED])
    # the same players carry over between seasons
    players = two[PGS].group_by("season_year").agg(pl.col("player_lookup").unique())["player_lookup"]
    assert len(set(players[0]) & set(players[1])) > 400


# --- the schedule --------------------------------------------------------------------------------


def test_schedule_has_82_games_per_team_41_at_home(team_dates: pl.DataFrame, season: dict[str, pl.DataFrame]) -> None:
    assert season[SCHED].height == 1230
    per_team = team_dates.group_by("team").agg(games=pl.len(), home=pl.col("home").sum())
    assert sorted(per_team["team"]) == sorted(TEAMS)
    assert per_team["games"].to_list() == [82] * 30
    assert per_team["home"].to_list() == [41] * 30
    assert not team_dates.select("team", "game_date").is_duplicated().any()


def test_schedule_ids_are_nba_ids_in_date_order(season: dict[str, pl.DataFrame]) -> None:
    schedule = season[SCHED]
    expected = [f"002{SEASON % 100}{n:05d}" for n in range(1, 1231)]
    assert schedule.sort("game_id")["game_id"].to_list() == expected
    assert schedule.sort("game_id")["game_date"].is_sorted()
    assert (schedule["game_status"] == 3).all() and schedule["is_regular_season"].all()
    assert (schedule["home_team_score"] != schedule["away_team_score"]).all()


def test_schedule_calendar_spans_the_season_without_holidays(season: dict[str, pl.DataFrame]) -> None:
    dates = season[SCHED]["game_date"]
    assert dates.min() == opening_night(SEASON)
    assert 170 <= (dates.max() - dates.min()).days <= 176
    assert 160 <= dates.n_unique() <= 167
    off = {thanksgiving(SEASON), date(SEASON, 12, 24), *all_star_break(SEASON + 1)}
    assert not set(dates.unique()) & off
    assert len(all_star_break(SEASON + 1)) == 6 and all_star_break(2024)[0] == date(2024, 2, 16)


def test_schedule_rest_patterns(team_dates: pl.DataFrame) -> None:
    per_team = team_dates.group_by("team").agg(
        b2b=(pl.col("gap") == 1).sum(),
        three_in_three=((pl.col("gap") == 1) & (pl.col("gap").shift(1) == 1)).sum(),
        three_in_four=((pl.col("gap") + pl.col("gap").shift(1)) == 3).sum(),
        longest=pl.col("gap").max(),
    )
    assert per_team["three_in_three"].max() == 0
    assert per_team["b2b"].min() >= 13 and per_team["b2b"].max() <= 16
    assert per_team["three_in_four"].sum() > 0
    assert per_team["longest"].min() >= 7  # everyone sits through the six-day All-Star break


# --- box-score identities and cross-table consistency ---------------------------------------------


def test_player_game_summary_points_and_zones_add_up(season: dict[str, pl.DataFrame]) -> None:
    rows = season[PGS]
    assert (
        rows["points"]
        == 2 * (rows["fg_makes"] - rows["three_pt_makes"]) + 3 * rows["three_pt_makes"] + rows["ft_makes"]
    ).all()
    assert (
        rows["paint_attempts"] + rows["mid_range_attempts"] + rows["three_pt_attempts"] == rows["fg_attempts"]
    ).all()
    assert (rows["paint_makes"] + rows["mid_range_makes"] + rows["three_pt_makes"] == rows["fg_makes"]).all()
    assert (rows["assisted_fg_makes"] + rows["unassisted_fg_makes"] == rows["fg_makes"]).all()
    assert (rows["ft_makes"] <= rows["ft_attempts"]).all() and (rows["minutes_played"] >= 1).all()
    assert (rows["universal_player_id"] == rows["player_lookup"] + "_001").all()
    assert rows["player_lookup"].str.contains(r"^[a-z0-9]+$").all()
    assert 430 <= rows["player_lookup"].n_unique() <= 450
    assert not rows.select("player_lookup", "game_date").is_duplicated().any()


def test_player_game_summary_usage_and_true_shooting_follow_the_formulas(season: dict[str, pl.DataFrame]) -> None:
    team = season[TOGS].select(
        "game_id", "team_abbr", team_plays=pl.col("fg_attempts") + 0.44 * pl.col("ft_attempts") + pl.col("turnovers")
    )
    rows = season[PGS].join(team, on=["game_id", "team_abbr"])
    plays = pl.col("fg_attempts") + 0.44 * pl.col("ft_attempts") + pl.col("turnovers")
    usage = 100 * plays * 48 / (pl.col("minutes_played") * pl.col("team_plays"))
    ts = pl.col("points") / (2 * (pl.col("fg_attempts") + 0.44 * pl.col("ft_attempts")))
    check = rows.select(
        usage_error=(pl.col("usage_rate") - usage).abs().max(),
        ts_error=(pl.col("ts_pct") - ts).filter(pl.col("fg_attempts") > 0).abs().max(),
        ts_null_when_no_shots=pl.col("ts_pct").filter(pl.col("fg_attempts") == 0).is_null().all(),
    )
    assert check["usage_error"][0] <= 0.05 + 1e-9
    assert check["ts_error"][0] <= 0.0005 + 1e-9
    assert check["ts_null_when_no_shots"][0]


def test_team_offense_is_the_sum_of_its_players(season: dict[str, pl.DataFrame]) -> None:
    sums = (
        season[PGS]
        .group_by("game_id", "team_abbr")
        .agg(
            pl.col("points", "fg_attempts", "fg_makes", "ft_attempts", "turnovers").sum(),
            minutes=pl.col("minutes_played").sum(),
        )
    )
    offense = season[TOGS].join(sums, on=["game_id", "team_abbr"], suffix="_players")
    assert offense.height == season[TOGS].height == 2460
    for column in ("fg_attempts", "fg_makes", "ft_attempts", "turnovers"):
        assert (offense[column] == offense[f"{column}_players"]).all(), column
    assert (offense["points_scored"] == offense["points"]).all()
    overtime = (offense["minutes"] - 240) / 25
    assert (overtime == overtime.round()).all() and overtime.min() == 0  # 240 + 25 per overtime exactly
    opponent = offense.select("game_id", opponent_team_abbr="team_abbr", opp_points="points_scored")
    games = offense.join(opponent, on=["game_id", "opponent_team_abbr"])
    assert (games["win_flag"] == (games["points_scored"] > games["opp_points"])).all()
    assert games.group_by("game_id").agg(pl.col("win_flag").sum())["win_flag"].to_list() == [1] * 1230


def test_team_defense_mirrors_the_opponent_offense(season: dict[str, pl.DataFrame]) -> None:
    minutes = season[PGS].group_by("game_id", "team_abbr").agg(overtime=(pl.col("minutes_played").sum() - 240) / 25)
    offense = season[TOGS].join(minutes, on=["game_id", "team_abbr"])
    zones = (
        season[PGS]
        .group_by("game_id", "team_abbr")
        .agg(
            pl.col("paint_attempts", "paint_makes", "mid_range_attempts", "mid_range_makes").sum(),
            pl.col("three_pt_attempts", "three_pt_makes").sum(),
        )
    )
    faced = offense.join(zones, on=["game_id", "team_abbr"]).rename(
        {"opponent_team_abbr": "defender", "team_abbr": "opponent_team_abbr"}
    )
    mirror = season[TDGS].join(faced, on=["game_id", "opponent_team_abbr"], suffix="_offense")
    assert mirror.height == 2460
    assert (mirror["defending_team_abbr"] == mirror["defender"]).all()
    assert (mirror["points_allowed"] == mirror["points_scored"]).all()
    for zone in ("paint_attempts", "paint_makes", "mid_range_attempts", "mid_range_makes"):
        assert (mirror[f"opp_{zone}"] == mirror[zone]).all(), zone
    assert (mirror["opp_three_pt_attempts"] == mirror["three_pt_attempts"]).all()
    assert (mirror["opp_three_pt_makes"] == mirror["three_pt_makes"]).all()
    assert (mirror["points_in_paint_allowed"] == 2 * mirror["paint_makes"]).all()
    assert (mirror["mid_range_points_allowed"] == 2 * mirror["mid_range_makes"]).all()
    assert (mirror["three_pt_points_allowed"] == 3 * mirror["three_pt_makes"]).all()
    assert (mirror["home_game"] != mirror["home_game_offense"]).all()
    # ratings differ only by the truncation of possessions; opponent_pace is the unnormalised estimate
    # (truncating under one possession of ~100 moves the rating by at most about 1 %)
    gap = mirror["offensive_rating"] - mirror["defensive_rating"]
    assert (gap >= -0.01).all() and (gap <= mirror["offensive_rating"] / 80).all()
    unnormalised = mirror["pace"] * (48 + 5 * mirror["overtime"]) / 48
    assert (mirror["opponent_pace"] - unnormalised).abs().max() < 1.1
    blocks = mirror.select(
        paint=pl.col("blocks_paint") <= pl.col("opp_paint_attempts") - pl.col("opp_paint_makes"),
        three=pl.col("blocks_three_pt") <= pl.col("opp_three_pt_attempts") - pl.col("opp_three_pt_makes"),
    )
    assert blocks["paint"].all() and blocks["three"].all()


def test_upcoming_team_context_has_both_sides_of_every_game(season: dict[str, pl.DataFrame]) -> None:
    context = season[UTGC].join(
        season[SCHED].select("game_id", "game_date", "home_team_tricode", "away_team_tricode"),
        on=["game_id", "game_date"],
    )
    assert context.height == season[UTGC].height == 2460
    assert (context.group_by("game_id").len()["len"] == 2).all()
    games = context.group_by("game_id").agg(
        totals=pl.col("game_total").n_unique(), spread_sum=pl.col("game_spread").sum()
    )
    assert (games["totals"] == 1).all() and (games["spread_sum"] == 0).all()
    assert ((context["game_spread"] * 2) % 1 == 0).all() and ((context["game_total"] * 2) % 1 == 0).all()
    assert context["game_total"].quantile(0.02) >= 200 and context["game_total"].quantile(0.98) <= 250
    scores = season[SCHED].select("game_id", actual=pl.col("home_team_score") + pl.col("away_team_score"))
    lines = context.join(scores, on="game_id")
    assert lines.select(pl.corr("game_total", "actual")).item() > 0.1
    home = context.filter(pl.col("team_abbr") == pl.col("home_team_tricode"))
    assert 0.5 < (home["game_spread"] < 0).mean() < 0.8  # home teams are usually favoured


# --- trades, injuries, rosters -------------------------------------------------------------------


def test_trades_move_players_without_two_teams_on_one_date(season: dict[str, pl.DataFrame]) -> None:
    rows = season[PGS]
    teams = rows.group_by("player_lookup").agg(teams=pl.col("team_abbr").n_unique())
    assert 25 <= (teams["teams"] == 2).sum() <= 60
    assert teams["teams"].max() == 2
    assert rows.group_by("player_lookup", "game_date").agg(pl.col("team_abbr").n_unique())["team_abbr"].max() == 1
    previous = pl.col("team_abbr").shift(1).over("player_lookup")
    switches = rows.sort("player_lookup", "game_date").filter(
        previous.is_not_null() & (pl.col("team_abbr") != previous)
    )
    assert switches.height == (teams["teams"] == 2).sum()  # nobody is traded twice
    near_deadline = switches["game_date"].is_between(date(SEASON + 1, 1, 20), date(SEASON + 1, 2, 28))
    assert near_deadline.mean() >= 0.6  # trades cluster around the early-February deadline


def test_regulars_miss_games_and_the_deep_bench_often_sits(player_rows: pl.DataFrame) -> None:
    games = player_rows.group_by("player_lookup").agg(games=pl.len(), minutes=pl.col("minutes_played").mean())
    regulars = games.filter(pl.col("minutes") >= 24)["games"]
    assert 60 <= regulars.median() <= 78
    assert regulars.max() <= 82  # nobody plays every game: injuries hit every regular
    deep = games.filter(pl.col("minutes") < 8)["games"]
    assert deep.median() < 50


# --- realism targets (phase3-inputs 9) ----------------------------------------------------------------


def test_league_totals_land_on_the_sanity_targets(season: dict[str, pl.DataFrame]) -> None:
    offense = season[TOGS].select(ppg=pl.col("points_scored").mean(), pace=pl.col("pace").mean())
    defense = season[TDGS].select(
        paint=pl.col("opp_paint_makes").sum() / pl.col("opp_paint_attempts").sum(),
        mid=pl.col("opp_mid_range_makes").sum() / pl.col("opp_mid_range_attempts").sum(),
        three=pl.col("opp_three_pt_makes").sum() / pl.col("opp_three_pt_attempts").sum(),
        drtg=pl.col("defensive_rating").mean(),
    )
    players = season[PGS].select(
        rows_per_game=pl.len() / 1230,
        usage=(pl.col("usage_rate") * pl.col("minutes_played")).sum() / pl.col("minutes_played").sum(),
        points=pl.col("points").mean(),
    )
    assert 110 <= offense["ppg"][0] <= 116
    assert 98 <= offense["pace"][0] <= 103
    assert 0.575 <= defense["paint"][0] <= 0.615
    assert 0.40 <= defense["mid"][0] <= 0.44
    assert 0.345 <= defense["three"][0] <= 0.375
    assert 108 <= defense["drtg"][0] <= 117
    assert 19.5 <= players["usage"][0] <= 20.5
    assert 19.5 <= players["rows_per_game"][0] <= 22.5
    assert 9.5 <= players["points"][0] <= 12


def test_home_teams_win_more_often(season: dict[str, pl.DataFrame]) -> None:
    assert 0.5 < season[TOGS].filter(pl.col("home_game"))["win_flag"].mean() < 0.65


# --- what a points model should be able to learn --------------------------------------------------


def test_points_drop_on_back_to_backs(season: dict[str, pl.DataFrame], team_dates: pl.DataFrame) -> None:
    team = season[TOGS].join(team_dates, left_on=["team_abbr", "game_date"], right_on=["team", "game_date"])
    tired = team.filter(pl.col("gap") == 1)["points_scored"]
    rested = team.filter(pl.col("gap").is_in([2, 3]))["points_scored"]
    standard_error = (tired.var() / tired.len() + rested.var() / rested.len()) ** 0.5
    assert tired.mean() - rested.mean() < -3 * standard_error


def test_players_score_less_and_shoot_worse_on_back_to_backs(player_rows: pl.DataFrame) -> None:
    regulars = player_rows.filter(pl.col("mean_minutes") >= REGULAR_MINUTES)
    rested = pl.col("rest").is_in([2, 3])
    per_player = (
        regulars.group_by("player_lookup")
        .agg(
            points_b2b=pl.col("points").filter(pl.col("rest") == 1).mean(),
            points_rested=pl.col("points").filter(rested).mean(),
            made_b2b=pl.col("fg_makes").filter(pl.col("rest") == 1).sum(),
            shots_b2b=pl.col("fg_attempts").filter(pl.col("rest") == 1).sum(),
            made_rested=pl.col("fg_makes").filter(rested).sum(),
            shots_rested=pl.col("fg_attempts").filter(rested).sum(),
        )
        .drop_nulls()
    )
    assert per_player.height > 150
    assert (per_player["points_b2b"] - per_player["points_rested"]).mean() < 0
    fg_b2b = per_player["made_b2b"].sum() / per_player["shots_b2b"].sum()
    fg_rested = per_player["made_rested"].sum() / per_player["shots_rested"].sum()
    assert fg_b2b < fg_rested - 0.015


def test_points_follow_the_opponents_zone_defence(season: dict[str, pl.DataFrame]) -> None:
    # rate each defence on the odd-numbered games, look at shooting against it in the even ones
    ids = season[UTGC].select("game_date", "team_abbr", nba_id="game_id")
    defense = season[TDGS].join(ids, left_on=["game_date", "defending_team_abbr"], right_on=["game_date", "team_abbr"])
    defense = defense.with_columns(odd=pl.col("nba_id").str.slice(-1).cast(pl.Int64) % 2 == 1)
    rating = (
        defense.filter("odd")
        .group_by("defending_team_abbr")
        .agg(paint_allowed=pl.col("opp_paint_makes").sum() / pl.col("opp_paint_attempts").sum())
        .with_columns(tercile=pl.col("paint_allowed").rank("ordinal").sub(1).floordiv(10))
    )
    even_games = defense.filter(~pl.col("odd")).select("game_id", "defending_team_abbr")
    shots = (
        season[PGS]
        .join(even_games, left_on=["game_id", "opponent_team_abbr"], right_on=["game_id", "defending_team_abbr"])
        .join(rating, left_on="opponent_team_abbr", right_on="defending_team_abbr")
        .group_by("tercile")
        .agg(paint=pl.col("paint_makes").sum() / pl.col("paint_attempts").sum())
        .sort("tercile")
    )
    assert shots["paint"][2] - shots["paint"][0] > 0.015


def test_points_rise_with_pace_and_at_home(season: dict[str, pl.DataFrame], player_rows: pl.DataFrame) -> None:
    rows = player_rows.filter(pl.col("mean_minutes") >= REGULAR_MINUTES).join(
        season[TOGS].select("game_id", "team_abbr", "pace", "home_game"), on=["game_id", "team_abbr"]
    )
    relative = rows.with_columns(excess=pl.col("points") - pl.col("points").mean().over("player_lookup"))
    assert relative.select(pl.corr("excess", "pace")).item() > 0.03
    by_venue = relative.group_by("home_game").agg(pl.col("excess").mean()).sort("home_game")
    assert by_venue["excess"][1] > by_venue["excess"][0]


def test_game_dates_stay_inside_the_regular_season(season: dict[str, pl.DataFrame]) -> None:
    last = opening_night(SEASON) + timedelta(days=175)
    for frame in season.values():
        assert frame["game_date"].is_between(opening_night(SEASON), last).all()
