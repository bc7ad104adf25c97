"""Demo analyses for ``seed_demo``: one finished job of each kind over the demo incidents, run by
the demo analyst, so a new platform shows what each analysis looks like. Run in-process (no
worker is needed for ``make run``) through the same services a user's job goes through.
Idempotent: nothing is added when the demo analyst already has analyses."""

from __future__ import annotations

from typing import Any

from analysis import services
from analysis.models import AnalysisJob
from ilp.demo import DemoContext

#: The demo jobs: kind, title and parameters (the rest are the runner's defaults).
DEMO_JOBS: list[tuple[str, str, dict[str, Any]]] = [
    ("kde", "City centre hotspots", {"cell_size": 50, "bandwidth": 250}),
    ("gistar", "Significant hot spots (H3)", {"grid": "h3", "resolution": 9}),
    ("near_repeat", "Near repeat burglary check", {"permutations": 99}),
    ("repeats", "Repeat places and victims", {}),
    ("ranking", "Priority offenders", {}),
    ("network", "Co-offending network", {}),
    ("temporal", "When incidents happen", {}),
    ("forecast", "Next period's hotspots", {"period_days": 14}),
]


def seed_analyses(context: DemoContext) -> str:
    """Run the demo jobs for the demo analyst (each one's outcome is kept as it comes)."""
    analyst = context.users.get("analyst")
    if analyst is None:
        return "no demo analyst"
    if AnalysisJob.objects.filter(created_by=analyst).exists():
        return "already there"
    outcomes: dict[str, int] = {}
    for kind, title, parameters in DEMO_JOBS:
        job = services.job_create(
            actor=analyst, kind=kind, title=title, parameters=parameters, seed=2026
        )
        # Without a broker the job has already run (eagerly, on commit); with one, it is run
        # here rather than waiting for a worker, and the worker then finds it finished.
        services.job_run(job_id=job.pk)
        job.refresh_from_db()
        status = str(job.status)
        outcomes[status] = outcomes.get(status, 0) + 1
    return ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
