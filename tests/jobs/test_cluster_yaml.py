"""cluster.yaml is a complete Ray cluster-launcher config for Google Cloud."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CLUSTER_YAML = Path(__file__).parents[2] / "cluster.yaml"


@pytest.fixture(scope="module")
def cluster() -> dict:
    return yaml.safe_load(CLUSTER_YAML.read_text())


def test_required_keys(cluster: dict) -> None:
    for key in ("cluster_name", "max_workers", "provider", "auth", "available_node_types", "head_node_type",
                "setup_commands", "head_start_ray_commands", "worker_start_ray_commands"):  # fmt: skip
        assert key in cluster, key
    assert cluster["provider"]["type"] == "gcp"
    assert {"region", "availability_zone", "project_id"} <= cluster["provider"].keys()


def test_node_types_head_cpu_workers_and_optional_gpu(cluster: dict) -> None:
    nodes = cluster["available_node_types"]
    assert cluster["head_node_type"] in nodes
    cpu, gpu = nodes["cpu_worker"], nodes["gpu_worker"]
    assert cpu["min_workers"] == 0 and cpu["max_workers"] > 1, "CPU workers autoscale from zero for backfills"
    assert gpu["min_workers"] == 0 and gpu["resources"]["GPU"] >= 1, "the GPU worker is optional"
    assert gpu["node_config"]["guestAccelerators"]
    total = sum(n["max_workers"] for name, n in nodes.items() if name != cluster["head_node_type"])
    assert cluster["max_workers"] >= total


def test_every_node_runs_as_the_service_account_that_reaches_bigquery(cluster: dict) -> None:
    for name, node in cluster["available_node_types"].items():
        accounts = node["node_config"]["serviceAccounts"]
        assert accounts and accounts[0]["email"].endswith(".iam.gserviceaccount.com"), name
        assert "https://www.googleapis.com/auth/cloud-platform" in accounts[0]["scopes"], name


def test_setup_installs_nbaray_and_the_dashboard_stays_on_loopback(cluster: dict) -> None:
    assert any("pip install" in c and "nbaray" in c for c in cluster["setup_commands"])
    assert "/home/ray/nbaray" in cluster["file_mounts"]
    head = " ".join(cluster["head_start_ray_commands"])
    assert "--dashboard-host=127.0.0.1" in head
