"""The command line: every verb has --help, user mistakes are one clear line and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nbaray.cli import main
from nbaray.schemas import TABLES

VERBS = [
    ["synth"], ["backfill"], ["validate"], ["run"], ["train"], ["predict"], ["import"], ["export"], ["tables"], ["sql"], ["schema"], ["schema", "ddl"]
]  # fmt: skip


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_verb_has_help(verb: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*verb, "--help"])
    assert exit_.value.code == 0
    assert "usage: nbaray" in capsys.readouterr().out


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nbaray.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_a_bad_date_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("backfill", "--start", "2024-02-30", "--end", "2024-03-01", cwd=tmp_path)
    assert result.returncode == 2
    assert "not a date (YYYY-MM-DD): '2024-02-30'" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_warehouse_has_no_games_to_backfill(tmp_path: Path) -> None:
    result = run(
        "--warehouse", str(tmp_path / "w"), "backfill", "--start", "2024-01-01", "--end", "2024-01-31", cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "error: the schedule (nba_raw.nbac_schedule) has no games between 2024-01-01 and 2024-01-31"
    )
    assert "Traceback" not in result.stderr


def test_end_before_start_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--warehouse", str(tmp_path), "backfill", "--start", "2024-02-01", "--end", "2024-01-01"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "error: --end 2024-01-01 is before --start 2024-02-01"


def test_sql_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--warehouse", str(tmp_path), "sql", "SELECT * FROM nba_precompute.no_such_table"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: SQL error: Catalog Error") and "\n" not in err


def test_sql_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT count(*) AS n FROM nba_precompute.team_defense_zone_analysis"
    assert main(["--warehouse", str(tmp_path), "sql", query, "--format", "csv"]) == 0
    assert capsys.readouterr().out == "n\n0\n"
    assert main(["--warehouse", str(tmp_path), "sql", query, "--format", "json"]) == 0
    assert capsys.readouterr().out.strip() == '[{"n":0}]'


def test_warehouse_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBARAY_WAREHOUSE", str(tmp_path / "from-env"))
    assert main(["synth", "--seasons", "2023"]) == 0
    assert (tmp_path / "from-env" / "nba_raw" / "nbac_schedule").is_dir()


@pytest.mark.parametrize("before_verb", [True, False])
def test_warehouse_option_before_or_after_the_verb(tmp_path: Path, before_verb: bool) -> None:
    option = ["--warehouse", str(tmp_path / "chosen")]
    argv = [*option, "synth", "--seasons", "2023"] if before_verb else ["synth", *option, "--seasons", "2023"]
    assert main(argv) == 0
    assert (tmp_path / "chosen" / "nba_raw" / "nbac_schedule").is_dir()


def test_schema_ddl_covers_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "ddl", "--project", "my-proj"]) == 0
    out = capsys.readouterr().out
    for name in TABLES:
        assert f"CREATE TABLE IF NOT EXISTS `my-proj.{name}`" in out


def test_import_export_and_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, copy = ["--warehouse", str(tmp_path / "a")], ["--warehouse", str(tmp_path / "b")]
    assert main([*source, "synth", "--seasons", "2023"]) == 0
    out = tmp_path / "schedule.csv"
    assert main([*source, "export", "--table", "nba_raw.nbac_schedule", "--out", str(out)]) == 0
    assert main([*copy, "import", "--table", "nba_raw.nbac_schedule", str(out)]) == 0
    assert "nba_raw.nbac_schedule: 1230 rows" in capsys.readouterr().out
    assert main([*copy, "tables"]) == 0
    listing = capsys.readouterr().out
    assert "nba_raw.nbac_schedule" in listing and "1230" in listing
    assert main([*copy, "import", "--table", "nba_raw.nbac_schedule", str(tmp_path / "missing.csv")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
