"""The BigQuery emulator (local-bigquery 0.4.0), run from .venv-bqemu as a subprocess on loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nbaray.warehouse.base import BigQueryConfig

REPO = Path(__file__).resolve().parents[2]
EMULATOR_PYTHON = REPO / ".venv-bqemu" / "bin" / "python"
LAUNCHER = REPO / "tests" / "support" / "duckdb_offline_launch.py"
PROJECT = "test-proj"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Emulator:
    project: str
    api_endpoint: str  # http://127.0.0.1:PORT
    grpc_endpoint: str  # 127.0.0.1:PORT
    pid: int
    start_seconds: float  # from spawn to the first answered request

    def config(self, dataset_prefix: str = "", api_endpoint: str | None = None) -> BigQueryConfig:
        return BigQueryConfig(
            project=self.project,
            dataset_prefix=dataset_prefix,
            api_endpoint=api_endpoint or self.api_endpoint,
            grpc_endpoint=self.grpc_endpoint,
        )


@pytest.fixture(scope="session")
def bigquery_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """A running emulator for the whole session; skipped (or, under CI, failed) when it is not installed."""
    if not EMULATOR_PYTHON.exists():
        message = f"the BigQuery emulator is not installed ({EMULATOR_PYTHON}); run scripts/setup-bigquery-emulator.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    data_dir = tmp_path_factory.mktemp("bigquery-emulator")
    rest_port, grpc_port = _free_port(), _free_port()
    log_path = data_dir / "emulator.log"
    command = [
        str(EMULATOR_PYTHON), str(LAUNCHER), "local_bigquery.cli:main", "serve",
        "--host", "127.0.0.1", "--port", str(rest_port), "--grpc-port", str(grpc_port),
        "--project", PROJECT, "--data-dir", str(data_dir / "data"),
    ]  # fmt: skip
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
    try:
        api_endpoint = f"http://127.0.0.1:{rest_port}"
        _wait_until_answering(process, f"{api_endpoint}/bigquery/v2/projects/{PROJECT}/datasets", log_path)
        yield Emulator(PROJECT, api_endpoint, f"127.0.0.1:{grpc_port}", process.pid, time.perf_counter() - started)
    finally:
        _stop(process)


@pytest.fixture
def dataset_prefix() -> str:
    """A fresh prefix per test: its datasets are its own, so tests never see each other's tables."""
    return f"t{uuid.uuid4().hex[:10]}_"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(process: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            state = f"exited with {process.returncode}" if process.poll() is not None else "did not answer"
            pytest.fail(f"BigQuery emulator {state}; last log lines:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    """Stop exactly the process this fixture started: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT_S)
