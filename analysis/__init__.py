"""Analysis stage: analysis jobs and the pure methods they run (hotspots, near repeats, ...)."""
