"""Shared fixtures: a local two-CPU Ray cluster bound to 127.0.0.1, and temporary warehouses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nbaray.pipeline.ray_cluster import LOOPBACK_ENV

for _name, _value in LOOPBACK_ENV.items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    """A real local Ray cluster shared by the session's tests, stopped at the end."""
    import ray

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def warehouse_dir(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"
