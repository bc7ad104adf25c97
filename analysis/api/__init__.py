"""The analysis stage's API under /api/v1/analysis/."""
