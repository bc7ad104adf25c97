"""The import services against PostgreSQL, with the real public data sets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from collection.imports import copy as fast_path
from collection.imports import pipeline, services
from collection.imports.services import ImportFailedError, import_file, import_rows
from collection.imports.spec import ImportSpec
from collection.models import Import, Incident, OffenceType
from ilp.models import Agency, User
from tests.collection.factories import IncidentFactory, OffenceTypeFactory
from tests.collection.imports.conftest import shared

pytestmark = pytest.mark.django_db

VEHICLE_THEFTS = "crimedata_nyc_vehicle_thefts_2014_2017.csv"
HOMICIDES = "crimedata_homicides15_9cities.csv"
SHOOTINGS = "ptools_nyc_shootings_2006_2023H1_minimal.csv"
CHICAGO = "tobydavies_chicago_burglary_2014_2017.csv"
CHICAGO_BE = "nearrepeat_chicago_be_2016.csv"

THEFT_SPEC = ImportSpec(
    mapping={
        "reference": "uid",
        "occurred_from": "date_start",
        "occurred_to": "date_end",
        "latitude": "latitude",
        "longitude": "longitude",
        "address": "location_category",
    },
    fixed={"offence": "Theft of a motor vehicle"},
)
SHOOTING_SPEC = ImportSpec(
    mapping={
        "reference": "INCIDENT_KEY",
        "occurred_at": "OCCUR_DATE+OCCUR_TIME",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "x": "X_COORD_CD",
        "y": "Y_COORD_CD",
    },
    fixed={"offence": "Shooting"},
    crs="EPSG:2263",
)
HOMICIDE_SPEC = ImportSpec(
    mapping={
        "reference": "uid",
        "offence": "offense_type",
        "occurred_at": "date_single",
        "latitude": "latitude",
        "longitude": "longitude",
        "address": "address",
    }
)


def run(path: Path, agency: Agency, spec: ImportSpec, actor: User | None = None, **kw: Any):
    return import_file(actor=actor, agency=agency, path=path, spec=spec, **kw)


def test_a_whole_real_file_is_imported_end_to_end(new_york: Agency, analyst: User) -> None:
    """35,746 NYC vehicle thefts through the COPY fast path; 'NA' windows are open-ended."""
    result = run(shared(VEHICLE_THEFTS), new_york, THEFT_SPEC, actor=analyst)
    assert result.rows == 35746
    assert (result.created, result.updated, result.rejected) == (35746, 0, 0)
    assert Incident.objects.filter(agency=new_york).count() == 35746
    record = Import.objects.get(pk=result.import_id)
    assert record.status == Import.Status.SUCCEEDED
    assert record.progress == 100
    assert (record.created, record.rejected, record.rows_total) == (35746, 0, 35746)
    assert record.created_by == analyst
    assert record.file_name == VEHICLE_THEFTS
    assert record.mapping["reference"] == "uid"
    assert record.finished_at is not None
    assert Incident.objects.filter(source_import=record).count() == 35746
    min_lon, min_lat, max_lon, max_lat = record.bbox
    assert -74.3 < min_lon < max_lon < -73.6
    assert 40.4 < min_lat < max_lat < 41.0
    first = Incident.objects.get(agency=new_york, reference="12386084")
    # "2013-12-31 10:00" to "2014-01-01 16:30", New York time (UTC-5 in winter).
    assert first.occurred_from == datetime(2013, 12, 31, 15, 0, tzinfo=UTC)
    assert first.occurred_to == datetime(2014, 1, 1, 21, 30, tzinfo=UTC)
    assert first.address == "street"
    assert first.h3_cell
    assert len(first.h3_cell) == 15
    assert first.created_by == analyst
    offence = OffenceType.objects.get(name="Theft of a motor vehicle")
    assert offence.needs_review


def test_reimporting_the_same_rows_updates_instead_of_duplicating(
    new_york: Agency, head: Callable[[str, int], Path]
) -> None:
    path = head(VEHICLE_THEFTS, 300)
    first = run(path, new_york, THEFT_SPEC)
    before = Incident.objects.get(agency=new_york, reference="12386084")
    second = run(path, new_york, THEFT_SPEC)
    assert (first.created, first.updated) == (300, 0)
    assert (second.created, second.updated) == (0, 300)
    assert Incident.objects.filter(agency=new_york).count() == 300
    after = Incident.objects.get(pk=before.pk)
    assert after.source_import_id == second.import_id
    assert after.version == before.version + 1


def test_the_orm_path_gives_the_same_result(
    new_york: Agency, head: Callable[[str, int], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQLite path (bulk_create/bulk_update), forced here on PostgreSQL."""
    monkeypatch.setattr(pipeline, "make_writer", lambda target, fast=None: _orm(target))
    path = head(SHOOTINGS, 200)
    first = run(path, new_york, SHOOTING_SPEC)
    second = run(path, new_york, SHOOTING_SPEC)
    assert first.rejected == second.rejected > 0
    assert first.created == second.updated == Incident.objects.filter(agency=new_york).count()
    assert "repeats row" in first.errors[0].message
    record = Import.objects.get(pk=second.import_id)
    assert record.bbox == first.bbox_list()


def _orm(target: Any) -> Any:
    from collection.imports.orm import OrmWriter

    return OrmWriter(target)


def test_duplicate_references_are_rejected_naming_the_first_row(
    new_york: Agency, head: Callable[[str, int], Path]
) -> None:
    result = run(head(SHOOTINGS, 50), new_york, SHOOTING_SPEC)
    # INCIDENT_KEY 9953250 has two victims: rows 4 and 5.
    assert {
        "row": 5,
        "message": "reference '9953250' repeats row 4: only the first row "
        "with a reference is imported",
    } in [e.as_dict() for e in result.errors]
    assert result.rejected == 50 - Incident.objects.filter(agency=new_york).count()


def test_duplicates_are_found_across_chunks(
    new_york: Agency, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    path = write_csv(
        "uid,date\nA,2020-01-01\nB,2020-01-01\nC,2020-01-01\nA,2020-01-02\nB,2020-01-02\n"
    )
    result = run(
        path,
        new_york,
        ImportSpec(mapping={"reference": "uid", "occurred_at": "date"}, fixed={"offence": "Theft"}),
    )
    assert (result.created, result.rejected) == (3, 2)
    assert [e.as_dict()["message"][:28] for e in result.errors] == [
        "reference 'A' repeats row 2:",
        "reference 'B' repeats row 3:",
    ]
    assert Incident.objects.get(agency=new_york, reference="A").occurred_from.day == 1


def test_the_shootings_file_uses_xy_where_latitude_is_missing(
    new_york: Agency,
) -> None:
    result = run(shared(SHOOTINGS), new_york, SHOOTING_SPEC)
    assert result.rows == 27939
    assert result.created == 21903
    assert result.rejected == 27939 - 21903
    assert not Incident.objects.filter(agency=new_york, latitude__isnull=True).exists()


def test_good_rows_are_kept_when_others_are_rejected(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        "ref,when,lat,lon\n"
        "1,2020-01-01 10:00,51.5,-0.1\n"
        "2,2099-01-01 10:00,51.5,-0.1\n"
        "3,not a date,51.5,-0.1\n"
        ",2020-01-01 10:00,51.5,-0.1\n"
        "5,2020-01-01 10:00,95,-0.1\n"
        "6,2020-01-01 10:00,51.5\n"
        "7,2020-01-01 10:00,,\n"
    )
    spec = ImportSpec(
        mapping={"reference": "ref", "occurred_at": "when", "latitude": "lat", "longitude": "lon"},
        fixed={"offence": "Assault"},
    )
    result = run(path, agency, spec)
    assert (result.created, result.rejected) == (2, 5)
    assert [e.row for e in result.errors] == [3, 4, 5, 6, 7]
    messages = [e.message for e in result.errors]
    assert "'2099-01-01 10:00' in column 'when' is in the future" in messages[0]
    assert "'not a date' in column 'when' is not a date-time" in messages[1]
    assert messages[2] == "reference is empty in column 'ref'"
    assert "latitude '95' in column 'lat' is outside -90 to 90" in messages[3]
    assert messages[4] == "The row has 3 values; the header has 4 columns."
    assert set(Incident.objects.values_list("reference", flat=True)) == {"1", "7"}
    record = Import.objects.get(pk=result.import_id)
    assert record.rejected == 5
    assert record.errors[0] == {"row": 3, "message": messages[0]}


def test_unknown_offences_are_added_for_review_and_known_ones_matched(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    known = OffenceTypeFactory(name="Burglary")
    path = write_csv("ref,what,when\n1,BURGLARY,2020-01-01\n2,Fly  tipping,2020-01-01\n")
    spec = ImportSpec(mapping={"reference": "ref", "offence": "what", "occurred_at": "when"})
    result = run(path, agency, spec)
    assert result.rejected == 0
    assert Incident.objects.get(reference="1").offence == known
    added = OffenceType.objects.get(name="Fly tipping")
    assert added.needs_review
    assert result.new_offences == ["Fly tipping"]
    assert any("flagged for review: Fly tipping" in n for n in result.all_notices())


def test_a_latin1_file_keeps_its_accents_and_says_how_it_was_read(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    path = write_csv("ref,when,address\n1,2020-01-01,Rue de l'Église\n", encoding="latin-1")
    spec = ImportSpec(
        mapping={"reference": "ref", "occurred_at": "when", "address": "address"},
        fixed={"offence": "Vol"},
    )
    result = run(path, agency, spec)
    assert Incident.objects.get(reference="1").address == "Rue de l'Église"
    assert any("Windows-1252" in notice for notice in result.notices)
    record = Import.objects.get(pk=result.import_id)
    assert any("Windows-1252" in notice for notice in record.options["notices"])


def test_a_missing_column_is_refused_before_anything_is_recorded(
    agency: Agency, head: Callable[[str, int], Path]
) -> None:
    spec = ImportSpec(
        mapping={"reference": "case_number", "occurred_at": "date_single"},
        fixed={"offence": "Homicide"},
    )
    with pytest.raises(ValidationError, match="column 'case_number' is not in the file"):
        run(head(HOMICIDES, 5), agency, spec)
    assert not Import.objects.exists()


def test_the_homicides_file_keeps_offence_and_address(agency: Agency, analyst: User) -> None:
    agency.time_zone = "America/Chicago"
    agency.save()
    result = run(shared(HOMICIDES), agency, HOMICIDE_SPEC, actor=analyst)
    assert result.rows == 1922
    assert result.created + result.rejected == 1922
    incident = Incident.objects.get(reference="2872478")
    assert incident.offence.name == "murder and nonnegligent manslaughter"
    assert incident.address == "050XX W SUPERIOR ST"
    assert incident.occurred_from == datetime(2015, 1, 3, 11, 50, tzinfo=UTC)
    assert any("America/Chicago" in notice for notice in result.notices)


def test_chicago_state_plane_points_land_in_chicago(chicago: Agency) -> None:
    spec = ImportSpec(
        mapping={"reference": "#row", "occurred_at": "date", "x": "X", "y": "Y"},
        fixed={"offence": "Burglary"},
        crs="EPSG:26971",
    )
    result = run(shared(CHICAGO_BE), chicago, spec)
    # One row of the R export has the date NA (R's missing value).
    assert (result.created, result.rejected) == (11700, 1)
    assert result.errors[0].as_dict() == {
        "row": 2364,
        "message": "occurred_at is empty in column 'date'",
    }
    min_lon, min_lat, max_lon, max_lat = result.bbox_list() or []
    assert -87.95 < min_lon < max_lon < -87.5
    assert 41.6 < min_lat < max_lat < 42.1
    assert Incident.objects.filter(reference="nearrepeat_chicago_be_2016:2").exists()


def test_chicago_day_first_dates_with_a_time_format(
    chicago: Agency, head: Callable[[str, int], Path]
) -> None:
    spec = ImportSpec(
        mapping={"reference": "#row", "occurred_at": "date_single", "x": "x", "y": "y"},
        fixed={"offence": "Burglary"},
        crs="EPSG:26971",
        time_format="%d/%m/%Y",
    )
    result = run(head(CHICAGO, 100), chicago, spec)
    assert result.created == 100
    incident = Incident.objects.order_by("id").first()
    assert incident is not None
    assert incident.occurred_from == datetime(2014, 1, 1, 6, 0, tzinfo=UTC)


def test_a_dry_run_writes_nothing_and_counts_what_it_would_do(
    new_york: Agency, head: Callable[[str, int], Path]
) -> None:
    path = head(VEHICLE_THEFTS, 20)
    IncidentFactory(agency=new_york, reference="12386084")
    result = run(path, new_york, THEFT_SPEC, dry_run=True)
    assert (result.created, result.updated, result.import_id) == (19, 1, None)
    assert result.new_offences == ["Theft of a motor vehicle"]
    assert Incident.objects.count() == 1
    assert not Import.objects.exists()
    assert not OffenceType.objects.filter(name="Theft of a motor vehicle").exists()


def test_a_failure_mid_way_leaves_nothing_and_marks_the_import_failed(
    new_york: Agency, head: Callable[[str, int], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 100)
    real_upsert = fast_path.PostgresWriter._upsert
    calls = []

    def failing_upsert(self: Any, *args: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real_upsert(self, *args)

    monkeypatch.setattr(fast_path.PostgresWriter, "_upsert", failing_upsert)
    with pytest.raises(ImportFailedError) as caught:
        run(head(VEHICLE_THEFTS, 500), new_york, THEFT_SPEC)
    assert len(calls) == 3
    assert not Incident.objects.exists()
    assert not OffenceType.objects.exists()
    record = Import.objects.get(pk=caught.value.import_id)
    assert record.status == Import.Status.FAILED
    assert "RuntimeError: disk full" in record.error
    assert "nothing was written" in record.error
    assert record.finished_at is not None
    with connection.cursor() as cursor:  # the temporary tables went with the rollback
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'ilp_import_%%'")
        assert cursor.fetchone() == (0,)


def test_a_file_that_breaks_mid_way_fails_the_import(
    agency: Agency, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 1)
    path = write_csv('ref,when\n1,2020-01-01\n2,"2020-01-01' + "x" * (1024 * 1024 + 10) + "\n")
    spec = ImportSpec(mapping={"reference": "ref", "occurred_at": "when"}, fixed={"offence": "x"})
    with pytest.raises(ImportFailedError, match="not valid CSV near row 3"):
        run(path, agency, spec)
    assert not Incident.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_errors_kept_on_the_import_are_capped(
    agency: Agency, write_csv: Callable[..., Path]
) -> None:
    path = write_csv("ref,when\n" + "".join(f"{n},never\n" for n in range(1200)))
    spec = ImportSpec(mapping={"reference": "ref", "occurred_at": "when"}, fixed={"offence": "x"})
    result = run(path, agency, spec)
    record = Import.objects.get(pk=result.import_id)
    assert record.rejected == 1200
    assert len(record.errors) == 1000
    assert "Only the first 1000 of 1200 errors are listed." in record.options["notices"]


def test_every_incident_column_is_written_by_the_fast_path() -> None:
    values, defaults = fast_path.insert_values()
    columns = {f.column for f in Incident._meta.concrete_fields if not f.primary_key}
    assert set(values) == columns
    assert defaults["default_classification"] == 1
    assert defaults["default_handling_code"] == "P"
    for field in Incident._meta.concrete_fields:
        if field.column in defaults and not field.null:
            assert field.has_default() or field.empty_strings_allowed, field.name


# --- JSON rows (the API bulk endpoint's service) ------------------------------------------------


def test_json_rows_are_imported_with_the_same_checks(analyst: User) -> None:
    result = import_rows(
        actor=analyst,
        records=[
            {
                "reference": "J1",
                "offence": "Robbery",
                "occurred_at": "2024-05-01T14:30:00+01:00",
                "latitude": 51.5,
                "longitude": -0.12,
                "status": "Charged",
            },
            {"reference": "J2", "offence": "Robbery", "occurred_at": "2024-05-01 14:30"},
            {"reference": "J3", "offence": "Robbery", "occurred_at": "2999-01-01"},
            {"reference": "J1", "offence": "Robbery", "occurred_at": "2024-05-01"},
        ],
    )
    assert (result.created, result.rejected) == (2, 2)
    assert [e.row for e in result.errors] == [2, 3]
    assert "repeats row 0" in result.errors[1].message
    j1 = Incident.objects.get(reference="J1")
    assert j1.occurred_from == datetime(2024, 5, 1, 13, 30, tzinfo=UTC)
    assert j1.status == "charged"
    j2 = Incident.objects.get(reference="J2")
    assert j2.occurred_from == datetime(2024, 5, 1, 13, 30, tzinfo=UTC)  # London summer time
    assert j2.source_import.file_name == "API rows"


def test_json_rows_with_unknown_fields_are_refused(analyst: User) -> None:
    with pytest.raises(ValidationError, match="Unknown field"):
        import_rows(actor=analyst, records=[{"reference": "1", "colour": "red"}])


def test_json_rows_are_limited_per_call(analyst: User) -> None:
    with pytest.raises(ValidationError, match="at most 10000"):
        import_rows(actor=analyst, records=[{"reference": str(n)} for n in range(10001)])


def test_importing_needs_the_permission(officer: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_rows(actor=officer, records=[{"reference": "1"}])


def test_services_module_exposes_the_limits() -> None:
    assert services.MAX_API_ROWS == 10_000
