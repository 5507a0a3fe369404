"""`ray job submit` entry point: `nbaray train`, with the same options."""

import sys

from nbaray.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
