"""`ray job submit` entry point: `nbaray backfill`, with the same options.

    ray job submit --address http://127.0.0.1:8265 --working-dir . --runtime-env jobs/runtime_env.yaml -- \\
        python jobs/backfill.py --warehouse /data/warehouse --start 2024-11-05 --end 2024-11-30

Inside a submitted job, Ray sets RAY_ADDRESS and the backfill joins that cluster.
"""

import sys

from nbaray.cli import main

if __name__ == "__main__":
    sys.exit(main(["backfill", *sys.argv[1:]]))
