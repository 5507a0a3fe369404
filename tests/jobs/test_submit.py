"""The pipeline as Ray users run it: a real head started with `ray start`, `ray job submit`, the dashboard."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from nbaray.cli import main
from nbaray.pipeline.run_dates import output_tables
from nbaray.schemas.registry import table
from nbaray.season_calendar import opening_nights
from nbaray.warehouse import LocalConfig, open_warehouse

pytestmark = pytest.mark.ray
REPO = Path(__file__).parents[2]
VENV_BIN = Path(sys.executable).parent
JOB_TIMEOUT_S = 420


@dataclass(frozen=True)
class Head:
    dashboard: str  # http://127.0.0.1:PORT
    env: dict[str, str]  # what a client needs: the token and loopback settings
    token: str

    def get(self, path: str) -> object:
        request = urllib.request.Request(self.dashboard + path, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Head]:
    """`ray start --head` on 127.0.0.1 with the dashboard on, token authentication on; stopped by its pid."""
    if shutil.which("ray", path=str(VENV_BIN)) is None:
        pytest.fail(f"no ray command beside {sys.executable}")
    token = secrets.token_hex(32)
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",  # the job's `python` is the project's
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": token,
    }
    env.pop("RAY_ADDRESS", None)
    dashboard_port = _free_port()
    log = (tmp_path_factory.mktemp("ray-head") / "head.log").open("w")
    head = subprocess.Popen(
        [str(VENV_BIN / "ray"), "start", "--head", "--block", "--num-cpus", "2",
         "--port", str(_free_port()), "--ray-client-server-port", str(_free_port()),
         "--dashboard-host", "127.0.0.1", "--dashboard-port", str(dashboard_port), "--include-dashboard", "true",
         # The agent that takes job submissions defaults to port 52365; the session's own local cluster
         # (conftest) already holds it, and an agent that cannot bind stays up without its HTTP service.
         "--dashboard-agent-listen-port", str(_free_port())],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{dashboard_port}"
    ready = Head(url, env, token)
    deadline = time.monotonic() + 90
    while True:
        try:
            ready.get("/api/version")
            break
        except OSError:
            if head.poll() is not None or time.monotonic() > deadline:
                head.kill()
                pytest.fail(f"the Ray head did not come up: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.5)
    try:
        yield ready
    finally:
        head.send_signal(signal.SIGTERM)  # `ray start --block` stops every process it started
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait(10)
        log.close()


def _ray(head: Head, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "ray"), "job", args[0], "--address", head.dashboard, *args[1:]],
        cwd=REPO, env=head.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_pipeline_job_runs_on_a_submitted_cluster(ray_head: Head, tmp_path: Path) -> None:
    warehouse, reports, models = tmp_path / "warehouse", tmp_path / "reports", tmp_path / "models"
    assert main(["--warehouse", str(warehouse), "synth", "--seasons", "2023", "--seed", "4"]) == 0
    opening = opening_nights(open_warehouse(LocalConfig(warehouse)).read(table("nba_raw.nbac_schedule")))[2023]
    start, end = opening + timedelta(days=10), opening + timedelta(days=60)

    submit = (
        "submit", "--no-wait", "--working-dir", ".", "--runtime-env", "jobs/runtime_env.yaml",
        "--", "python", "jobs/pipeline.py", "--warehouse", str(warehouse), "--start", str(start), "--end", str(end),
        "--reports", str(reports), "--model-dir", str(models), "--no-progress",
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:  # the dashboard answers before its job agent is ready to take a job
        submitted = _ray(ray_head, *submit)
        said = submitted.stdout + submitted.stderr
        if submitted.returncode == 0 or "No available agent" not in said or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert submitted.returncode == 0, submitted.stdout[-2000:] + submitted.stderr[-2000:]
    job_id = next(w.strip("'") for w in submitted.stdout.split() if w.strip("'").startswith("raysubmit_"))

    deadline = time.monotonic() + JOB_TIMEOUT_S
    status = ""
    while time.monotonic() < deadline:
        status = ray_head.get(f"/api/jobs/{job_id}")["status"]  # the dashboard's job API
        if status in ("SUCCEEDED", "FAILED", "STOPPED"):
            break
        time.sleep(2)
    logs = _ray(ray_head, "logs", job_id).stdout
    assert status == "SUCCEEDED", logs[-4000:]

    # The job's log shows progress and the closing summary, then the verdict and the training result.
    assert "dates done, 0 failed" in logs
    assert "verdict: GO" in logs
    # What it wrote.
    written = open_warehouse(LocalConfig(warehouse))
    for output in output_tables():
        assert written.partitions(output).height > 0, output.qualified_name
    assert json.loads((reports / "validation.json").read_text())["verdict"] == "GO"
    assert (models / "model.json").is_file() and (models / "metrics.json").is_file()

    # The dashboard lists the job, and its tasks under names that read as the pipeline.
    jobs = ray_head.get("/api/jobs/")
    assert any(j.get("submission_id") == job_id and j.get("status") == "SUCCEEDED" for j in jobs)
    tasks = ray_head.get("/api/v0/tasks?limit=10000&detail=false")["data"]["result"]["result"]
    names = {t["name"] for t in tasks}
    assert any(n.startswith("phase4 ") and "dates)" in n for n in names), sorted(names)[:20]
