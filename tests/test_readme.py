"""The README's two commands for a fresh machine: the main job runs as written, CI runs the test command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
SETUP = 'python3 -m venv .venv && .venv/bin/pip install -e ".[dev]" && '


def _commands() -> list[str]:
    """The bash blocks of the README's "On a fresh machine" section, in order."""
    section = (REPO / "README.md").read_text().split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _commands()[1]
    assert test_command.endswith(".venv/bin/pytest")
    assert (REPO / ".ci" / "run").read_text().rstrip().splitlines()[-1] == test_command


@pytest.mark.ray
def test_the_main_job_runs_as_written(tmp_path: Path) -> None:
    """The first command after its install step (this test runs inside that install), in a fresh directory."""
    main_job = _commands()[0]
    assert main_job.startswith(SETUP)
    venv_bin = Path(sys.executable).parent
    command = main_job.removeprefix(SETUP).replace(".venv/bin/", f"{venv_bin}/")
    env = {
        k: v for k, v in os.environ.items() if k not in ("NBARAY_WAREHOUSE", "NBARAY_BIGQUERY_PROJECT", "RAY_ADDRESS")
    }
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "verdict: GO" in done.stdout + done.stderr
    assert (tmp_path / "warehouse" / "nba_predictions" / "ml_feature_store_v2").is_dir()
    assert (tmp_path / "reports" / "validation.json").is_file()
