"""Reading events from a CSV file for analysts working outside the platform (``manage.py
analyse``): coordinates, optional times, skipped and refused rows."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from analysis.methods.errors import MethodInputError

MISSING = {"", "na", "nan", "null", "none", "n/a"}


@dataclass(frozen=True)
class FileEvents:
    """Events read from a file: planar x/y (metres), optional times, and what was skipped."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    t: NDArray[np.datetime64] | None
    skipped_rows: int
    projection: Projection | None


@dataclass(frozen=True)
class Projection:
    """A transverse Mercator (UTM) projection chosen for lon/lat input, and back."""

    epsg: int

    def forward(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        from pyproj import Transformer

        transformer = Transformer.from_crs(4326, self.epsg, always_xy=True)
        x, y = transformer.transform(lon, lat)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def inverse(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        from pyproj import Transformer

        transformer = Transformer.from_crs(self.epsg, 4326, always_xy=True)
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def utm_for(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Projection:
    """The UTM zone of the points' centre: distances in metres with little distortion locally."""
    if lon.size == 0:
        raise MethodInputError("there are no events to analyse")
    centre_lon, centre_lat = float(np.median(lon)), float(np.median(lat))
    zone = min(60, max(1, math.floor((centre_lon + 180) / 6) + 1))
    return Projection(epsg=(32600 if centre_lat >= 0 else 32700) + zone)


def _number(value: str, row: int, column: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise MethodInputError(
            f"row {row}: column {column!r} holds {value!r}, which is not a number"
        ) from None
    if not math.isfinite(number):
        raise MethodInputError(f"row {row}: column {column!r} holds {value!r}, not a finite number")
    return number


def _time(value: str, row: int, column: str, time_format: str | None) -> datetime:
    try:
        parsed = (
            datetime.strptime(value, time_format)  # noqa: DTZ007 - file times are local, compared relatively
            if time_format
            else datetime.fromisoformat(value.replace("Z", "+00:00"))
        )
    except ValueError:
        expected = time_format or "ISO 8601, e.g. 2016-03-01 or 2016-03-01T14:30"
        raise MethodInputError(
            f"row {row}: column {column!r} holds {value!r}, which is not a time ({expected})"
        ) from None
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed


@dataclass(frozen=True)
class FileTable:
    """Columns read from a CSV file as text, rows with a missing value left out and counted."""

    columns: dict[str, list[str]]
    row_numbers: list[int]
    skipped_rows: int


def read_table(path: Path, columns: list[str], *, what: str = "rows") -> FileTable:
    """Read ``columns`` from ``path`` as text; a row missing any of them is skipped and counted
    (``what`` names the rows in the error when none is left)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise MethodInputError(
                    f"the file has no column {', '.join(repr(c) for c in missing)}; "
                    f"its columns are {', '.join(header) or 'none'}"
                )
            values: dict[str, list[str]] = {c: [] for c in columns}
            numbers: list[int] = []
            skipped = 0
            for row_number, row in enumerate(reader, start=2):
                cells = [(row.get(c) or "").strip() for c in columns]
                if any(v.lower() in MISSING for v in cells):
                    skipped += 1
                    continue
                numbers.append(row_number)
                for column, value in zip(columns, cells, strict=True):
                    values[column].append(value)
    except FileNotFoundError:
        raise MethodInputError(f"no such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise MethodInputError(f"the file is not UTF-8 text: {exc}") from None
    except csv.Error as exc:
        raise MethodInputError(f"the file is not readable CSV: {exc}") from None
    if not numbers:
        raise MethodInputError(f"the file has no {what} with values in {', '.join(columns)}")
    return FileTable(columns=values, row_numbers=numbers, skipped_rows=skipped)


def file_numbers(table: FileTable, column: str) -> NDArray[np.float64]:
    """A column as finite numbers (a row that holds anything else is refused, with its number)."""
    return np.array(
        [
            _number(v, row, column)
            for v, row in zip(table.columns[column], table.row_numbers, strict=True)
        ],
        dtype=np.float64,
    )


def file_times(table: FileTable, column: str, time_format: str | None) -> NDArray[np.datetime64]:
    """A column as times (ISO, or ``time_format``), aware ones in UTC."""
    parsed = [
        _time(v, row, column, time_format)
        for v, row in zip(table.columns[column], table.row_numbers, strict=True)
    ]
    return _as_datetime64(parsed)


def file_codes(table: FileTable, column: str) -> tuple[NDArray[np.int64], list[str]]:
    """An id column (any text) as whole-number codes, and the id of each code."""
    names, codes = np.unique(np.array(table.columns[column], dtype=str), return_inverse=True)
    return codes.ravel().astype(np.int64), [str(n) for n in names]


def read_events(
    path: Path,
    *,
    x_column: str,
    y_column: str,
    time_column: str | None = None,
    time_format: str | None = None,
    lonlat: bool = False,
) -> FileEvents:
    """Read events from ``path``; rows with a missing value are skipped and counted, rows with
    a value that is not a number or a time are refused with the row and column named."""
    wanted = [c for c in (x_column, y_column, time_column) if c]
    table = read_table(path, wanted, what="events")
    x, y = file_numbers(table, x_column), file_numbers(table, y_column)
    projection = None
    if lonlat:
        if np.any(np.abs(x) > 180) or np.any(np.abs(y) > 90):
            raise MethodInputError(
                "with --lonlat, x must be a longitude (-180..180) and y a latitude (-90..90)"
            )
        projection = utm_for(x, y)
        x, y = projection.forward(x, y)
    t = file_times(table, time_column, time_format) if time_column else None
    return FileEvents(x=x, y=y, t=t, skipped_rows=table.skipped_rows, projection=projection)


def _as_datetime64(values: list[datetime]) -> NDArray[np.datetime64]:
    aware = [v for v in values if v.tzinfo is not None]
    if aware and len(aware) != len(values):
        raise MethodInputError("some times have a time zone and some do not; make them alike")
    if aware:
        from datetime import UTC

        values = [v.astimezone(UTC).replace(tzinfo=None) for v in values]
    return np.array(values, dtype="datetime64[us]")
