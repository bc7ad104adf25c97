"""``manage.py analyse METHOD --csv FILE --x COL --y COL …``: run an analysis method on a file
and print one JSON object, for analysts working outside the platform."""

from __future__ import annotations

import json
import math
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from analysis.files import FileEvents, read_events
from analysis.methods.errors import MethodInputError

METHODS = (
    "kde",
    "gistar",
    "near_repeat",
    "repeats",
    "ranking",
    "network",
    "temporal",
    "forecast",
)
#: Methods that read their own columns (ids, times, harm) and need no coordinates.
TABLE_METHODS = ("repeats", "ranking", "network")


def _floats(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise CommandError(f"{text!r} is not a comma-separated list of numbers") from None


def _extent(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    values = _floats(text)
    if len(values) != 4:
        raise CommandError("--extent takes four numbers: xmin,ymin,xmax,ymax")
    return (values[0], values[1], values[2], values[3])


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN becomes null and infinity the string 'inf' (strict JSON has
    neither), NumPy scalars and arrays become numbers and lists."""
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


class Command(BaseCommand):
    help = "Run an analysis method on a CSV file and print one JSON object."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("method", choices=METHODS)
        parser.add_argument("--csv", required=True, type=Path, help="the events file")
        parser.add_argument("--x", help="column of x (metres) or longitude")
        parser.add_argument("--y", help="column of y (metres) or latitude")
        parser.add_argument("--time", help="column of the event time (near_repeat)")
        parser.add_argument("--time-format", help="strptime format of --time (default ISO)")
        parser.add_argument(
            "--lonlat", action="store_true", help="x/y are longitude/latitude (WGS84)"
        )
        parser.add_argument("--cell-size", type=float, help="grid cell size in metres")
        parser.add_argument("--bandwidth", type=float, help="kde bandwidth in metres")
        parser.add_argument(
            "--kernel", choices=["quartic", "gaussian", "epanechnikov"], default="quartic"
        )
        parser.add_argument("--extent", help="xmin,ymin,xmax,ymax (default: the data's box)")
        parser.add_argument("--neighbours", choices=["queen", "rook"], default="queen")
        parser.add_argument("--spatial-bands", help="break points, e.g. 0,100,200,inf")
        parser.add_argument("--temporal-bands", help="break points in days, e.g. 0,7,14,inf")
        parser.add_argument("--metric", choices=["manhattan", "euclidean"], default="manhattan")
        parser.add_argument("--permutations", type=int, default=999)
        parser.add_argument("--seed", type=int)
        parser.add_argument(
            "--id", help="column of the place or victim id (repeats), offender id (ranking)"
        )
        parser.add_argument("--harm", help="column of harm weights, e.g. CHI days")
        parser.add_argument(
            "--place-precision",
            type=float,
            help="repeats without --id: points within this many metres are one place (default 1)",
        )
        parser.add_argument("--top-percent", help="repeats: top shares, e.g. 1,5,10,20")
        parser.add_argument("--within-days", help="repeats: time-to-repeat limits, e.g. 7,30,365")
        parser.add_argument("--top", type=int, help="repeats, ranking: rows listed (default 100)")
        parser.add_argument(
            "--as-of", help="ranking: ISO date-time to rank at (default: the latest offence)"
        )
        parser.add_argument("--window-days", type=float, help="ranking: window (default 365)")
        parser.add_argument(
            "--weights",
            help="ranking: recency,frequency,harm weights (default 1,1,1; 1,1,0 without --harm)",
        )
        parser.add_argument("--group", help="network: column of the incident (or group) id")
        parser.add_argument("--person", help="network: column of the person id")
        parser.add_argument(
            "--min-weight", type=int, help="network: weakest link kept (shared groups, default 1)"
        )
        parser.add_argument(
            "--resolution", type=float, help="network: community resolution (default 1)"
        )
        parser.add_argument(
            "--spike-baseline", type=int, help="temporal: weeks a week is compared with (4)"
        )
        parser.add_argument("--spike-alpha", type=float, help="temporal: spike level (0.01)")
        parser.add_argument(
            "--spike-correction", choices=["none", "bh", "bonferroni"], help="temporal: (none)"
        )
        parser.add_argument("--period-days", type=int, help="forecast: period length (28)")
        parser.add_argument("--top-k", type=int, help="forecast: cells forecast (20)")
        parser.add_argument(
            "--area-share", type=float, help="forecast: percent of the area instead of --top-k"
        )
        parser.add_argument(
            "--forecast-method",
            choices=["last", "moving_average", "ewma"],
            help="forecast: how cells are scored from the past (last)",
        )
        parser.add_argument(
            "--average-periods", type=int, help="forecast moving_average: periods averaged (4)"
        )
        parser.add_argument(
            "--half-life", type=float, help="forecast ewma: half-life in periods (2)"
        )
        parser.add_argument(
            "--next-period",
            action="store_true",
            help="forecast: forecast the period after the data instead of scoring the last one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        method = options["method"]
        if method in TABLE_METHODS:
            self.handle_table(method, options)
            return
        if not options["x"] or not options["y"]:
            raise CommandError(f"{method} needs --x and --y, the columns of the coordinates")
        if method in ("near_repeat", "temporal", "forecast") and not options["time"]:
            raise CommandError(f"{method} needs --time, the column of event times")
        try:
            events = read_events(
                options["csv"],
                x_column=options["x"],
                y_column=options["y"],
                time_column=options["time"],
                time_format=options["time_format"],
                lonlat=options["lonlat"],
            )
            result = getattr(self, f"run_{method}")(events, options)
        except MethodInputError as exc:
            raise CommandError(str(exc)) from exc
        output = {
            "method": method,
            "events": int(events.x.size),
            "skipped_rows": events.skipped_rows,
            **result,
        }
        self.stdout.write(json.dumps(jsonable(output), allow_nan=False))

    def handle_table(self, method: str, options: dict[str, Any]) -> None:
        """repeats, ranking and network: columns read by the method's own file reader."""
        from analysis.runners.network import network_from_file
        from analysis.runners.ranking import ranking_from_file
        from analysis.runners.repeats import repeats_from_file

        run = {
            "repeats": repeats_from_file,
            "ranking": ranking_from_file,
            "network": network_from_file,
        }[method]
        try:
            result = run(options)
        except MethodInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(jsonable({"method": method, **result}), allow_nan=False))

    def _required(self, options: dict[str, Any], *names: str) -> None:
        for name in names:
            if options[name] is None:
                raise CommandError(f"{options['method']} needs --{name.replace('_', '-')}")

    def _centres(
        self, events: FileEvents, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cell centres in the input's coordinates (back to lon/lat with --lonlat)."""
        gx, gy = np.meshgrid(x, y)
        gx, gy = gx.ravel(), gy.ravel()
        if events.projection is not None:
            return events.projection.inverse(gx, gy)
        return gx, gy

    def run_kde(self, events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
        from analysis.methods.kde import kde

        self._required(options, "cell_size", "bandwidth")
        result = kde(
            events.x,
            events.y,
            cell_size=options["cell_size"],
            bandwidth=options["bandwidth"],
            kernel=options["kernel"],
            extent=_extent(options["extent"]),
        )
        cx, cy = self._centres(events, result.x, result.y)
        density = result.density.ravel()
        cells = [
            {"x": float(a), "y": float(b), "density": float(d)}
            for a, b, d in zip(cx, cy, density, strict=True)
        ]
        return {
            "kernel": result.kernel,
            "bandwidth": result.bandwidth,
            "cell_size": result.cell_size,
            "cells": cells,
        }

    def run_gistar(self, events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
        from analysis.methods.gistar import gistar_grid

        self._required(options, "cell_size")
        result = gistar_grid(
            events.x,
            events.y,
            cell_size=options["cell_size"],
            extent=_extent(options["extent"]),
            neighbours=options["neighbours"],
        )
        cx, cy = self._centres(events, result.x, result.y)
        rows = zip(
            cx,
            cy,
            result.counts.ravel(),
            result.z.ravel(),
            result.p.ravel(),
            result.q.ravel(),
            strict=True,
        )
        cells = [
            {
                "x": float(a),
                "y": float(b),
                "count": int(c),
                "z": float(z),
                "p": float(p),
                "q": float(q),
            }
            for a, b, c, z, p, q in rows
        ]
        return {
            "cell_size": result.cell_size,
            "neighbours": result.neighbours,
            "events_outside": result.events_outside,
            "cells": cells,
        }

    def run_near_repeat(self, events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
        from analysis.methods.near_repeat import knox_test

        self._required(options, "spatial_bands", "temporal_bands")
        assert events.t is not None
        result = knox_test(
            events.x,
            events.y,
            events.t,
            spatial_bands=_floats(options["spatial_bands"]),
            temporal_bands=_floats(options["temporal_bands"]),
            metric=options["metric"],
            permutations=options["permutations"],
            seed=options["seed"],
        )
        output = result.as_dict()
        output.pop("events")
        return output

    def run_temporal(self, events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
        from analysis.runners.temporal import temporal_from_events

        return temporal_from_events(events, options)

    def run_forecast(self, events: FileEvents, options: dict[str, Any]) -> dict[str, Any]:
        from analysis.runners.forecast import forecast_from_events

        return forecast_from_events(events, options)
