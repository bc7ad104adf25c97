"""Near repeat: the Knox test over the incidents' locations and start times."""

from __future__ import annotations

from typing import Any

from analysis.files import utm_for
from analysis.inputs import IncidentArrays
from analysis.runners.base import Progress, breaks, choice, json_tree, number, require_events


def clean_near_repeat(params: dict[str, Any]) -> dict[str, Any]:
    """Bands (metres, days), metric and permutations."""
    return {
        "spatial_bands": breaks(params, "spatial_bands", [0, 100, 200, 300, 400, 500, 600]),
        "temporal_bands": breaks(params, "temporal_bands", [0, 7, 14, 21, 28, 35]),
        "metric": choice(params, "metric", "manhattan", ("manhattan", "euclidean")),
        "permutations": int(number(params, "permutations", 999, 1, 9999)),
    }


def run_near_repeat(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """The Knox test on the incidents' start times (days), distances in metres."""
    from analysis.methods.near_repeat import knox_test

    require_events(arrays, 2)
    projection = utm_for(arrays.lon, arrays.lat)
    x, y = projection.forward(arrays.lon, arrays.lat)
    progress(10)
    result = knox_test(
        x,
        y,
        arrays.occurred_from,
        spatial_bands=[float(v) for v in params["spatial_bands"]],
        temporal_bands=[float(v) for v in params["temporal_bands"]],
        metric=params["metric"],
        permutations=params["permutations"],
        seed=seed,
        # Pairs are found by 10 %; the permutations take the rest of the run.
        on_progress=lambda done: progress(10 + 89 * done // params["permutations"]),
    )
    output = result.as_dict()
    return {key: json_tree(value) for key, value in output.items()}
