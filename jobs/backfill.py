"""`ray job submit` entry point for the backfill: the same options as `nbaray backfill`.

    ray job submit --address http://127.0.0.1:8265 --working-dir . -- \
        python jobs/backfill.py --warehouse /shared/warehouse --start 2024-11-05 --end 2024-11-30

Inside a submitted job Ray is already running; `--address auto` joins it.
"""

from __future__ import annotations

import sys

from nbaray.cli import main

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--address" not in argv:
        argv += ["--address", "auto"]
    sys.exit(main(["backfill", *argv]))
