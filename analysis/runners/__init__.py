"""Runners: each turns a job's input arrays and parameters into a JSON-ready result by calling
one pure method. Parameters are checked by the runner's ``clean`` before a job is queued.

A kind plugs in with a module here defining ``clean_<kind>`` and ``run_<kind>``, registered below.
"""

from __future__ import annotations

from analysis.runners.base import MAX_JOB_CELLS, MAX_RESULT_CELLS, Progress, Runner
from analysis.runners.forecast import clean_forecast, run_forecast
from analysis.runners.near_repeat import clean_near_repeat, run_near_repeat
from analysis.runners.network import clean_network, run_network
from analysis.runners.ranking import clean_ranking, run_ranking
from analysis.runners.repeats import clean_repeats, run_repeats
from analysis.runners.surfaces import clean_gistar, clean_kde, run_gistar, run_kde
from analysis.runners.temporal import clean_temporal, run_temporal

RUNNERS: dict[str, Runner] = {
    "kde": Runner(clean_kde, run_kde),
    "gistar": Runner(clean_gistar, run_gistar),
    "near_repeat": Runner(clean_near_repeat, run_near_repeat),
    "network": Runner(clean_network, run_network, needs_people=True),
    "repeats": Runner(clean_repeats, run_repeats, needs_people=True),
    "ranking": Runner(clean_ranking, run_ranking, needs_people=True, fixes_as_of=True),
    "temporal": Runner(clean_temporal, run_temporal, local_time=True),
    "forecast": Runner(clean_forecast, run_forecast, local_time=True),
}

__all__ = ["MAX_JOB_CELLS", "MAX_RESULT_CELLS", "RUNNERS", "Progress", "Runner"]
