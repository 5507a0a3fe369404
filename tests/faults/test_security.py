"""Security: Ray listens on 127.0.0.1 only, and no credential reaches the output of a run."""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

RAY_PROCESS_MARKERS = (b"ray::", b"gcs_server", b"raylet", b"ray/_private", b"ray/dashboard", b"default_worker.py")


def _listening_sockets() -> dict[int, str]:
    """inode -> local address of every listening TCP socket on the machine."""
    out: dict[int, str] = {}
    for name in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], int(fields[9])
            if state != "0A":  # LISTEN
                continue
            address_hex, _ = local.split(":")
            raw = bytes.fromhex(address_hex)
            if name == "tcp":
                address = socket.inet_ntop(socket.AF_INET, struct.pack("<I", int(address_hex, 16)))
            else:
                words = struct.unpack("<4I", raw)
                address = socket.inet_ntop(socket.AF_INET6, struct.pack(">4I", *words))
            out[inode] = address
    return out


def _descendants(root: int) -> set[int]:
    """The pids of every process started, directly or not, by `root`."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _ray_listeners() -> list[tuple[int, str]]:
    """(pid, address) of every listening socket held by a Ray process this test session started."""
    listening = _listening_sockets()
    ours = _descendants(os.getpid())
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        if int(proc.name) not in ours:
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if not any(marker in cmdline for marker in RAY_PROCESS_MARKERS):
                continue
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inode = int(target[8:-1])
                    if inode in listening:
                        found.append((int(proc.name), listening[inode]))
        except OSError:  # the process ended, or is not ours to look at
            continue
    return found


@pytest.mark.ray
def test_local_ray_listens_on_loopback_only(ray_cluster) -> None:
    listeners = _ray_listeners()
    assert listeners, "the Ray processes should be listening somewhere"
    outside = [(pid, a) for pid, a in listeners if a not in ("127.0.0.1", "::ffff:127.0.0.1", "::1")]
    assert not outside, outside


def test_no_credential_is_printed_or_logged(tmp_path: Path) -> None:
    secret = "tok-" + os.urandom(16).hex()
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"type": "service_account", "private_key": secret}))
    env = {
        **os.environ,
        "RAY_AUTH_TOKEN": secret,
        "GOOGLE_APPLICATION_CREDENTIALS": str(credentials),
        "NBARAY_WAREHOUSE": str(tmp_path / "warehouse"),
    }
    runs = [
        ["synth", "--seasons", "2023"],
        ["-v", "backfill", "--start", "2023-11-07", "--end", "2023-11-09", "--no-progress"],
        ["--bigquery-project", "bad project", "tables"],
    ]
    for argv in runs:
        result = subprocess.run([sys.executable, "-m", "nbaray.cli", *argv], env=env, capture_output=True, text=True)
        assert secret not in result.stdout + result.stderr, argv
        assert str(credentials) not in result.stdout + result.stderr, argv
