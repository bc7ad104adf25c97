"""Speed and memory of the analysis methods on realistic inputs (no database needed).

- near repeat (Knox test) on the 11,700 Chicago 2016 burglaries (../shared/data), 6 spatial ×
  5 temporal bands, 999 permutations: target under 10 s;
- kernel density (quartic) and Getis-Ord Gi* on ``rows`` points (default 1,000,000) on a
  2000 × 2000 grid: target under 5 s each;
- memory under 2 GB throughout (peak RSS of the process).
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
    figures["peak_rss_mb"] = peak_rss_mib()
    return figures
