"""`ray job submit` entry point: `nbaray validate`, with the same options (exit 1 on NO-GO)."""

import sys

from nbaray.cli import main

if __name__ == "__main__":
    sys.exit(main(["validate", *sys.argv[1:]]))
