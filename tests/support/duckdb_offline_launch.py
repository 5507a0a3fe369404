"""Run a DuckDB-backed emulator's CLI offline, with DuckDB extensions taken from `duckdb-extension-*` wheels.

Runs inside the emulator's own venv (.venv-bqemu, Python 3.13), not the project's:

    .venv-bqemu/bin/python tests/support/duckdb_offline_launch.py local_bigquery.cli:main serve --host 127.0.0.1 ...

local-bigquery connects with a TimeZone setting and attaches a DuckLake catalog, so DuckDB wants the
icu, ducklake and spatial extensions and would download them. Linking the wheel-shipped extension
files into an extension directory and pointing the extension repository at a path that does not
exist makes every INSTALL/LOAD resolve locally, and a missing one fail at once instead of hanging.
"""

from __future__ import annotations

import glob
import importlib
import os
import sys
import sysconfig
from typing import Any

import duckdb

EXTENSION_DIR = os.path.join(sys.prefix, "duckdb_extensions")
OFFLINE_REPOSITORY = "/nonexistent-offline-repo"


def _link_wheel_extensions() -> None:
    platform = duckdb.connect().execute("PRAGMA platform").fetchone()[0]
    site = sysconfig.get_paths()["purelib"]
    for path in glob.glob(os.path.join(site, "duckdb_extension_*", "extensions", "v*", "*.duckdb_extension")):
        directory = os.path.join(EXTENSION_DIR, os.path.basename(os.path.dirname(path)), platform)
        os.makedirs(directory, exist_ok=True)
        target = os.path.join(directory, os.path.basename(path))
        if not os.path.exists(target):
            os.symlink(path, target)


_connect = duckdb.connect


def _offline_connect(database: Any = ":memory:", read_only: bool = False, config: dict | None = None, **kw: Any):
    settings = dict(config or {})
    settings.setdefault("extension_directory", EXTENSION_DIR)
    settings.setdefault("custom_extension_repository", OFFLINE_REPOSITORY)
    return _connect(database, read_only=read_only, config=settings, **kw)


def main() -> int:
    if len(sys.argv) < 2 or ":" not in sys.argv[1]:
        print(__doc__, file=sys.stderr)
        return 2
    _link_wheel_extensions()
    duckdb.connect = _offline_connect
    module, _, function = sys.argv[1].partition(":")
    sys.argv = [module, *sys.argv[2:]]
    return getattr(importlib.import_module(module), function)()


if __name__ == "__main__":
    sys.exit(main())
