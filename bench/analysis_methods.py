"""Speed and memory of the analysis methods on realistic inputs (no database needed).

- near repeat (Knox test) on the 11,700 Chicago 2016 burglaries (../shared/data), 6 spatial ×
  5 temporal bands, 999 permutations: target under 10 s;
- kernel density (quartic) and Getis-Ord Gi* on ``rows`` points (default 1,000,000) on a
  2000 × 2000 grid: target under 5 s each;
- co-offending network measures (degree, betweenness, eigenvector, components, communities,
  brokers) on a synthetic 100,000-person network: target under 60 s;
- memory under 2 GB throughout (peak RSS of the process).

The network: 150,000 incidents with 2 to 4 offenders each (60 % / 30 % / 10 %), drawn from
5,000 groups of 20 people with probability 0.8 and from everyone otherwise, so it has the
dense groups and the long-range links between them that real co-offending networks have.
"""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path
from typing import Any

NAME = "analysis_methods"
DEFAULT_POINTS = 1_000_000
CHICAGO = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "nearrepeat_chicago_be_2016.csv"
)


def _chicago() -> tuple[list[float], list[float], list[date]]:
    xs, ys, ts = [], [], []
    with CHICAGO.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if "NA" in (row["X"], row["Y"], row["date"]):
                continue
            xs.append(float(row["X"]))
            ys.append(float(row["Y"]))
            ts.append(date.fromisoformat(row["date"]))
    return xs, ys, ts


NETWORK_PEOPLE = 100_000
NETWORK_INCIDENTS = 150_000
GROUP_SIZE = 20


def _network(rng: Any) -> dict[str, Any]:
    """Build and measure the synthetic co-offending network; time both together."""
    import numpy as np

    from analysis.methods.networks import brokers, link_network, network_measures

    sizes = rng.choice([2, 3, 4], size=NETWORK_INCIDENTS, p=[0.6, 0.3, 0.1])
    incidents = np.repeat(np.arange(NETWORK_INCIDENTS), sizes)
    group = np.repeat(rng.integers(0, NETWORK_PEOPLE // GROUP_SIZE, NETWORK_INCIDENTS), sizes)
    in_group = group * GROUP_SIZE + rng.integers(0, GROUP_SIZE, incidents.size)
    anyone = rng.integers(0, NETWORK_PEOPLE, incidents.size)
    people = np.where(rng.random(incidents.size) < 0.8, in_group, anyone)
    started = time.perf_counter()
    network = link_network(incidents, people)
    measures = network_measures(network, seed=2026)
    found = brokers(measures)
    return {
        "network_people": int(network.people.size),
        "network_links": int(network.source.size),
        "network_communities": int(measures.communities),
        "network_betweenness_exact": bool(measures.betweenness_exact),
        "network_brokers": int(found.people.size),
        "network_s": _seconds(started),
    }


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def run(rows: int | None) -> dict[str, Any]:
    """Time each method once on its benchmark input."""
    import numpy as np

    from analysis.methods.gistar import gistar_grid
    from analysis.methods.kde import kde
    from analysis.methods.near_repeat import knox_test
    from bench import peak_rss_mib

    figures: dict[str, Any] = {}
    x, y, t = _chicago()
    started = time.perf_counter()
    result = knox_test(
        np.array(x),
        np.array(y),
        np.array(t, dtype="datetime64[D]"),
        spatial_bands=[0, 100, 200, 300, 400, 500, 600],
        temporal_bands=[0, 7, 14, 21, 28, 35],
        permutations=999,
        seed=2016,
    )
    figures["near_repeat_events"] = result.events
    figures["near_repeat_s"] = _seconds(started)

    points = rows or DEFAULT_POINTS
    rng = np.random.default_rng(2026)
    px = rng.normal(0, 3000, points)
    py = rng.normal(0, 3000, points)
    extent = (-10_000.0, -10_000.0, 10_000.0, 10_000.0)
    started = time.perf_counter()
    kde(px, py, cell_size=10, bandwidth=150, extent=extent)
    figures["kde_points"] = points
    figures["kde_s"] = _seconds(started)
    started = time.perf_counter()
    gistar_grid(px, py, cell_size=10, extent=extent)
    figures["gistar_s"] = _seconds(started)
    figures["grid_cells"] = 2000 * 2000
    figures.update(_network(rng))
    figures["peak_rss_mb"] = peak_rss_mib()
    return figures
