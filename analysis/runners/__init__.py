"""Runners: each turns a job's input arrays and parameters into a JSON-ready result by calling
one pure method. Parameters are checked by the runner's ``clean`` before a job is queued.

A kind plugs in with a module here defining ``clean_<kind>`` and ``run_<kind>``, registered below.
"""

from __future__ import annotations

from analysis.runners.base import MAX_JOB_CELLS, MAX_RESULT_CELLS, Progress, Runner
from analysis.runners.near_repeat import clean_near_repeat, run_near_repeat
from analysis.runners.surfaces import clean_gistar, clean_kde, run_gistar, run_kde

RUNNERS: dict[str, Runner] = {
    "kde": Runner(clean_kde, run_kde),
    "gistar": Runner(clean_gistar, run_gistar),
    "near_repeat": Runner(clean_near_repeat, run_near_repeat),
}

__all__ = ["MAX_JOB_CELLS", "MAX_RESULT_CELLS", "RUNNERS", "Progress", "Runner"]
