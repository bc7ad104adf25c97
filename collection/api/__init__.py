"""The collection stage's API under /api/v1/collection/."""
