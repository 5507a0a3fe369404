"""Running the processors: in memory for a batch of dates, and as a Ray backfill over a range."""
