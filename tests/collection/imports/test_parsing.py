"""Row validation: every problem is a per-row error naming the column and the value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collection.imports.parsing import IncidentRow, RowError, RowParser
from collection.imports.spec import ImportSpec, resolve
from collection.imports.statuses import status_for
from ilp.models.entities import h3_cell_for

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HEADER = ["ref", "type", "from", "to", "reported", "lat", "lon", "addr", "state"]
FULL = ImportSpec(
    mapping={
        "reference": "ref",
        "offence": "type",
        "occurred_from": "from",
        "occurred_to": "to",
        "reported_at": "reported",
        "latitude": "lat",
        "longitude": "lon",
        "address": "addr",
        "status": "state",
    }
)
GOOD = [
    "R1",
    "Burglary",
    "2025-01-05 22:00",
    "2025-01-06 06:30",
    "",
    "51.5",
    "-0.12",
    "1 High St",
    "open",
]


def parser(spec: ImportSpec = FULL, header: list[str] = HEADER, **options: str) -> RowParser:
    return RowParser(
        sources=resolve(spec, header),
        width=len(header),
        time_zone=options.pop("time_zone", "Europe/London"),
        now=NOW,
        time_format=spec.time_format,
        crs=spec.crs,
        **options,
    )


def parse_one(values: list[str], **kwargs: object) -> IncidentRow | RowError:
    rows, errors = parser(**kwargs).parse([(2, values)])  # type: ignore[arg-type]
    return rows[0] if rows else errors[0]


def with_(**changes: str) -> list[str]:
    values = list(GOOD)
    for name, value in changes.items():
        values[HEADER.index(name)] = value
    return values


def error_of(values: list[str], **kwargs: object) -> str:
    outcome = parse_one(values, **kwargs)
    assert isinstance(outcome, RowError), outcome
    return outcome.message


def test_a_good_row_becomes_an_incident_row() -> None:
    row = parse_one(GOOD)
    assert isinstance(row, IncidentRow)
    assert row.reference == "R1"
    assert row.offence == "Burglary"
    assert row.occurred_from == datetime(2025, 1, 5, 22, 0, tzinfo=UTC)
    assert row.occurred_to == datetime(2025, 1, 6, 6, 30, tzinfo=UTC)
    assert row.reported_at is None
    assert (row.latitude, row.longitude) == (51.5, -0.12)
    assert row.h3_cell == h3_cell_for(51.5, -0.12)
    assert row.status == "open"


def test_times_without_a_zone_are_read_in_the_agency_time_zone() -> None:
    row = parse_one(with_(**{"from": "2016-07-01 10:00", "to": ""}), time_zone="America/Chicago")
    assert isinstance(row, IncidentRow)
    assert row.occurred_from.astimezone(UTC) == datetime(2016, 7, 1, 15, 0, tzinfo=UTC)
    assert row.occurred_to == row.occurred_from


def test_times_with_an_offset_keep_it() -> None:
    row = parse_one(with_(**{"from": "2016-07-01T10:00:00+02:00", "to": ""}))
    assert isinstance(row, IncidentRow)
    assert row.occurred_from.astimezone(UTC) == datetime(2016, 7, 1, 8, 0, tzinfo=UTC)


def test_occurred_at_sets_both_ends_of_the_window() -> None:
    spec = ImportSpec(
        mapping={"reference": "ref", "occurred_at": "from"}, fixed={"offence": "Theft"}
    )
    row = parse_one(GOOD, spec=spec)
    assert isinstance(row, IncidentRow)
    assert row.occurred_from == row.occurred_to
    assert row.offence == "Theft"


def test_a_date_and_a_time_column_are_joined() -> None:
    header = ["key", "date", "time"]
    spec = ImportSpec(
        mapping={"reference": "key", "occurred_at": "date+time"}, fixed={"offence": "x"}
    )
    rows, _ = parser(spec, header).parse([(2, ["1", "2019-01-01", "02:19:00"])])
    assert rows[0].occurred_from == datetime(2019, 1, 1, 2, 19, tzinfo=UTC)


def test_a_time_format_reads_day_first_dates() -> None:
    spec = ImportSpec(
        mapping={"reference": "ref", "occurred_at": "from"},
        fixed={"offence": "x"},
        time_format="%d/%m/%Y",
    )
    row = parse_one(with_(**{"from": "02/03/2016"}), spec=spec)
    assert isinstance(row, IncidentRow)
    assert row.occurred_from == datetime(2016, 3, 2, tzinfo=UTC)


def test_year_first_slashes_are_read_without_a_format() -> None:
    row = parse_one(with_(**{"from": "2016/03/02 10:00", "to": ""}))
    assert isinstance(row, IncidentRow)
    assert row.occurred_from == datetime(2016, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ref": ""}, "reference is empty in column 'ref'"),
        ({"ref": "x" * 65}, "longer than 64 characters"),
        ({"type": "  "}, "offence is empty in column 'type'"),
        ({"from": ""}, "occurred_from is empty in column 'from'"),
        ({"from": "01/05/2025"}, "occurred_from '01/05/2025' in column 'from' is not a date-time"),
        ({"from": "yesterday"}, "'yesterday' in column 'from' is not a date-time"),
        (
            {"from": "0861-01-01"},
            "occurred_from '0861-01-01' in column 'from' has a year outside 1900–2200",
        ),
        (
            {"from": "2027-01-01 10:00", "to": ""},
            "'2027-01-01 10:00' in column 'from' is in the future",
        ),
        (
            {"reported": "2026-03-01 14:00"},
            "reported_at '2026-03-01 14:00' in column 'reported' is in the future",
        ),
        (
            {"to": "2025-01-05 21:00"},
            "occurred_to '2025-01-05 21:00' in column 'to' is before "
            "occurred_from '2025-01-05 22:00' in column 'from'",
        ),
        ({"lat": "91"}, "latitude '91' in column 'lat' is outside -90 to 90"),
        ({"lon": "-181"}, "longitude '-181' in column 'lon' is outside -180 to 180"),
        ({"lat": "north"}, "latitude 'north' in column 'lat' is not a number"),
        ({"lon": "inf"}, "longitude 'inf' in column 'lon' is not a number"),
        ({"lat": ""}, "latitude is empty in column 'lat' but longitude is not"),
        ({"lat": "0", "lon": "0"}, "0, 0 is a placeholder"),
        ({"addr": "x" * 301}, "address"),
    ],
)
def test_bad_values_are_row_errors_naming_column_and_value(
    changes: dict[str, str], message: str
) -> None:
    assert message in error_of(with_(**changes))


def test_a_small_clock_difference_is_not_the_future() -> None:
    assert isinstance(parse_one(with_(**{"from": "2026-03-01 12:30", "to": ""})), IncidentRow)


def test_all_problems_of_a_row_are_reported_together() -> None:
    message = error_of(with_(ref="", lat="x"))
    assert "reference is empty" in message
    assert "latitude 'x'" in message


def test_ragged_rows_are_row_errors() -> None:
    rows, errors = parser().parse([(2, GOOD[:5]), (3, [*GOOD, "extra"]), (4, [*GOOD, ""])])
    assert [e.row for e in errors] == [2, 3]
    assert errors[0].message == "The row has 5 values; the header has 9 columns."
    assert [r.row for r in rows] == [4]


def test_missing_value_markers_read_as_empty() -> None:
    row = parse_one(with_(to="NA", lat="NA", lon="NA", addr="NULL"))
    assert isinstance(row, IncidentRow)
    assert row.occurred_to == row.occurred_from
    assert row.latitude is None
    assert row.h3_cell == ""
    assert row.address == ""


def test_offence_spacing_is_normalised() -> None:
    row = parse_one(with_(type="  Theft   from  vehicle "))
    assert isinstance(row, IncidentRow)
    assert row.offence == "Theft from vehicle"


def test_row_number_references_carry_the_file_name() -> None:
    spec = ImportSpec(mapping={"reference": "#row", "occurred_at": "from"}, fixed={"offence": "x"})
    row = parse_one(GOOD, spec=spec, row_prefix="chicago_be_2016:")
    assert isinstance(row, IncidentRow)
    assert row.reference == "chicago_be_2016:2"


def test_projected_xy_is_converted_to_wgs84_in_chicago() -> None:
    header = ["X", "Y", "date"]
    spec = ImportSpec(
        mapping={"reference": "#row", "occurred_at": "date", "x": "X", "y": "Y"},
        fixed={"offence": "Burglary"},
        crs="EPSG:26971",
    )
    rows, errors = parser(spec, header, time_zone="America/Chicago").parse(
        [(2, ["350353.394956896", "578924.252858319", "2015-12-31"]), (3, ["x", "1", "2016-01-01"])]
    )
    assert -87.9 < rows[0].longitude < -87.5
    assert 41.6 < rows[0].latitude < 42.1
    assert rows[0].h3_cell
    assert errors == [RowError(3, "x 'x' in column 'X' is not a number")]


def test_latitude_longitude_win_and_xy_fills_the_gaps() -> None:
    header = ["key", "date", "X", "Y", "Latitude", "Longitude"]
    spec = ImportSpec(
        mapping={
            "reference": "key",
            "occurred_at": "date",
            "x": "X",
            "y": "Y",
            "latitude": "Latitude",
            "longitude": "Longitude",
        },
        fixed={"offence": "Shooting"},
        crs="EPSG:2263",
    )
    rows, errors = parser(spec, header, time_zone="America/New_York").parse(
        [
            (2, ["a", "2019-01-01", "1013072.25", "251275.828125", "40.85633016", "-73.895811028"]),
            (3, ["b", "2019-01-01", "1013072.25", "251275.828125", "", ""]),
        ]
    )
    assert errors == []
    assert rows[0].latitude == 40.85633016
    assert rows[1].latitude == pytest.approx(40.85633016, abs=1e-5)
    assert rows[1].longitude == pytest.approx(-73.895811028, abs=1e-5)


def test_points_that_cannot_be_converted_are_row_errors() -> None:
    header = ["X", "Y", "date"]
    spec = ImportSpec(
        mapping={"reference": "#row", "occurred_at": "date", "x": "X", "y": "Y"},
        fixed={"offence": "Burglary"},
        crs="EPSG:26971",
    )
    _, errors = parser(spec, header).parse([(2, ["1e30", "1e30", "2016-01-01"])])
    assert "cannot be converted from NAD83 / Illinois East" in errors[0].message


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Open", "open"),
        ("UNDER INVESTIGATION", "open"),
        ("cleared_by_arrest", "charged"),
        ("Charged / summonsed", "charged"),
        ("N.F.A.", "nfa"),
        ("No further action", "nfa"),
        ("closed", "closed"),
        ("Exceptionally Cleared", "closed"),
        ("something else", "unknown"),
        ("", "unknown"),
    ],
)
def test_status_synonyms_map_to_incident_statuses(text: str, status: str) -> None:
    assert status_for(text) == status


def test_window_order_is_judged_in_real_time_across_a_clock_change() -> None:
    """01:45 on 27 March 2022 does not exist in London (clocks went 01:00 → 02:00 GMT→BST):
    read as 01:45 GMT it is after 02:00 BST (01:00 UTC), so the window is out of order."""
    message = error_of(with_(**{"from": "2022-03-27 01:45", "to": "2022-03-27 02:00"}))
    assert "is before occurred_from '2022-03-27 01:45'" in message


def test_times_in_the_autumn_fold_take_summer_time() -> None:
    row = parse_one(with_(**{"from": "2022-10-30 01:30", "to": "2022-10-30 02:30"}))
    assert isinstance(row, IncidentRow)
    assert row.occurred_from == datetime(2022, 10, 30, 0, 30, tzinfo=UTC)
    assert row.occurred_to == datetime(2022, 10, 30, 2, 30, tzinfo=UTC)
