"""Collection stage: sources, graded intelligence reports, incidents, imports and requirements."""
