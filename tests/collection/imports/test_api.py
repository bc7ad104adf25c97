"""/api/v1/collection/imports/: upload (202 + job), status, the JSON bulk endpoint, access."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from collection.models import Import, Incident
from ilp.models import Agency, User
from ilp.roles import Role
from tests.collection.imports.conftest import shared
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/collection/imports/"
ROWS = URL + "rows/"
SHOOTINGS = "ptools_nyc_shootings_2019_minimal.csv"
MAPPING = {
    "reference": "INCIDENT_KEY",
    "occurred_at": "OCCUR_DATE+OCCUR_TIME",
    "latitude": "Latitude",
    "longitude": "Longitude",
}


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client: APIClient, content: bytes, **fields: Any) -> Any:
    data = {
        "file": SimpleUploadedFile("shootings.csv", content, content_type="text/csv"),
        "mapping": json.dumps(fields.pop("mapping", MAPPING)),
        "set": json.dumps(fields.pop("set", {"offence": "Shooting"})),
        **fields,
    }
    return client.post(URL, data, format="multipart")


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


def test_an_upload_is_accepted_and_runs_as_a_job(
    analyst: User, run_jobs: Callable[[], None], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, shared(SHOOTINGS).read_bytes())
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["file_name"] == "shootings.csv"
    assert body["mapping"] == MAPPING
    assert body["dry_run"] is False
    run_jobs()
    done = client.get(f"{URL}{body['id']}/").json()
    assert done["status"] == "succeeded"
    assert done["progress"] == 100
    assert done["rows_total"] == 967
    assert done["created"] + done["rejected"] == 967
    assert done["rejected"] > 0  # one row per victim: repeated keys
    assert "repeats row" in done["errors"][0]["message"]
    assert len(done["bbox"]) == 4
    assert Incident.objects.filter(source_import_id=body["id"]).count() == done["created"]


def test_a_dry_run_upload_writes_nothing(
    analyst: User, run_jobs: Callable[[], None], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, shared(SHOOTINGS).read_bytes(), dry_run="true")
    assert response.status_code == 202
    run_jobs()
    done = client.get(f"{URL}{response.json()['id']}/").json()
    assert (done["status"], done["dry_run"]) == ("succeeded", True)
    assert done["created"] > 0
    assert not Incident.objects.exists()


def test_a_mapping_naming_a_missing_column_is_refused_at_once(
    analyst: User, tmp_path: Path
) -> None:
    response = upload(
        client_for(analyst),
        b"uid,date\n1,2020-01-01\n",
        mapping={"reference": "uid", "occurred_at": "when"},
    )
    error = error_of(response, 400)
    assert "column 'when' is not in the file" in error["message"]
    assert not Import.objects.exists()
    assert not list((tmp_path / "media").rglob("*.csv"))


def test_a_file_that_is_not_csv_is_refused(analyst: User) -> None:
    error = error_of(upload(client_for(analyst), b"PK\x03\x04rest of a workbook"), 400)
    assert "Excel .xlsx" in error["message"]


def test_an_unknown_field_in_the_mapping_is_refused(analyst: User) -> None:
    response = upload(client_for(analyst), b"a,b\n1,2\n", mapping={"reference": "a", "colour": "b"})
    assert "Unknown field(s) colour" in error_of(response, 400)["message"]


@override_settings(ILP_IMPORT_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_limit_is_413_with_both_sizes(analyst: User) -> None:
    error = error_of(upload(client_for(analyst), b"uid,date\n" + b"1,2020-01-01\n" * 20), 413)
    assert error["message"] == "The file is 0 MB; the upload limit is 0 MB."
    assert error["code"] == "file_too_large"


def test_json_is_not_accepted_for_an_upload(analyst: User) -> None:
    error_of(client_for(analyst).post(URL, {"mapping": MAPPING}, format="json"), 415)


def test_rows_are_imported_synchronously(analyst: User) -> None:
    rows = [
        {
            "reference": "A1",
            "offence": "Robbery",
            "occurred_at": "2024-05-01T14:30:00Z",
            "latitude": 51.5,
            "longitude": -0.12,
        },
        {
            "reference": "A2",
            "offence": "Robbery",
            "occurred_at": "2024-05-01 14:30",
            "status": "open",
        },
        {"reference": "A3", "offence": "Robbery", "occurred_at": "31/12/2024"},
    ]
    response = client_for(analyst).post(ROWS, {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"created", "updated", "rejected", "errors", "bbox", "import_id"} <= set(body)
    assert (body["created"], body["rejected"]) == (2, 1)
    assert body["errors"][0]["row"] == 2
    assert body["bbox"] == [-0.12, 51.5, -0.12, 51.5]
    assert Import.objects.get(pk=body["import_id"]).created == 2
    again = client_for(analyst).post(ROWS, {"rows": rows[:2], "dry_run": True}, format="json")
    assert (again.json()["updated"], again.json()["import_id"]) == (2, None)


def test_rows_must_be_plain_values(analyst: User) -> None:
    response = client_for(analyst).post(
        ROWS, {"rows": [{"reference": {"nested": 1}}]}, format="json"
    )
    assert error_of(response, 400)["message"] == "rows: 0: reference: Give text or a number."


def test_a_number_where_text_is_expected_is_refused_not_converted(analyst: User) -> None:
    rows = [{"reference": 7, "offence": "Theft", "occurred_at": "2024-01-01", "status": 0}]
    response = client_for(analyst).post(ROWS, {"rows": rows}, format="json")
    assert error_of(response, 400)["message"] == "rows: 0: status: Give text (a JSON string)."
    assert not Incident.objects.filter(reference="7").exists()


def test_numeric_references_and_coordinates_are_accepted(analyst: User) -> None:
    rows = [
        {
            "reference": 1001,
            "offence": "Theft",
            "occurred_at": "2024-01-01",
            "latitude": 51.25,
            "longitude": -0.5,
        }
    ]
    body = client_for(analyst).post(ROWS, {"rows": rows}, format="json").json()
    assert body["created"] == 1
    incident = Incident.objects.get(reference="1001")
    assert (incident.latitude, incident.longitude) == (51.25, -0.5)


def test_rows_are_limited_to_10000_a_call(analyst: User) -> None:
    rows = [{"reference": str(n)} for n in range(10_001)]
    error_of(client_for(analyst).post(ROWS, {"rows": rows}, format="json"), 400)


def test_the_list_shows_only_the_agency_imports(
    analyst: User, commander: User, other_agency: Agency, django_assert_max_num_queries: Any
) -> None:
    Import.objects.create(agency=analyst.agency, created_by=analyst, file_name="ours.csv")
    Import.objects.create(agency=other_agency, file_name="theirs.csv")
    client = client_for(commander)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    assert [item["file_name"] for item in response.json()["results"]] == ["ours.csv"]


def test_another_agency_import_is_404(analyst: User, other_agency: Agency) -> None:
    theirs = Import.objects.create(agency=other_agency, file_name="theirs.csv")
    error_of(client_for(analyst).get(f"{URL}{theirs.pk}/"), 404)


def test_an_officer_may_read_but_not_import(officer: User) -> None:
    client = client_for(officer)
    assert client.get(URL).status_code == 200
    error_of(upload(client, b"uid,date\n1,2020-01-01\n"), 403)
    error_of(client.post(ROWS, {"rows": [{"reference": "1"}]}, format="json"), 403)


def test_a_partner_may_neither_read_nor_import(partner: User) -> None:
    client = client_for(partner)
    error_of(client.get(URL), 403)
    error_of(client.post(ROWS, {"rows": [{"reference": "1"}]}, format="json"), 403)


def test_anonymous_callers_are_401(api_client: APIClient) -> None:
    error_of(api_client.get(URL), 401)
    error_of(api_client.post(ROWS, {"rows": [{"reference": "1"}]}, format="json"), 401)


def test_an_analyst_of_another_agency_imports_into_their_own(
    other_agency: Agency, analyst: User
) -> None:
    unit = UnitFactory(agency=other_agency, code="AI", name="Away Intelligence")
    away = UserFactory(username="away-analyst", unit=unit, role=Role.ANALYST)
    rows = [{"reference": "X1", "offence": "Theft", "occurred_at": "2024-01-01"}]
    body = client_for(away).post(ROWS, {"rows": rows}, format="json").json()
    assert Incident.objects.get(reference="X1").agency == other_agency
    error_of(client_for(analyst).get(f"{URL}{body['import_id']}/"), 404)


def test_rows_ignore_keys_that_are_not_fields_and_say_so(analyst: User) -> None:
    rows = [{"reference": "K1", "offence": "Theft", "occurred_at": "2024-01-01", "colour": "red"}]
    body = client_for(analyst).post(ROWS, {"rows": rows}, format="json").json()
    assert body["created"] == 1
    assert "Keys that are not fields were ignored: colour." in body["notices"]


def test_unprintable_unknown_keys_are_named_safely(analyst: User) -> None:
    rows = [{"reference": "K2", "offence": "Theft", "occurred_at": "2024-01-01", "a\x00b\x13": 1}]
    response = client_for(analyst).post(ROWS, {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 1
    assert "Keys that are not fields were ignored: ab." in body["notices"]


def test_an_empty_row_is_a_row_error_not_a_refusal(analyst: User) -> None:
    response = client_for(analyst).post(ROWS, {"rows": [{}]}, format="json")
    assert response.status_code == 200
    message = response.json()["errors"][0]["message"]
    assert "reference is empty" in message
    assert "occurred_from is empty" in message


def test_a_row_with_both_time_forms_is_a_row_error(analyst: User) -> None:
    rows = [
        {"reference": "B1", "offence": "Theft", "occurred_at": "2024-01-01"},
        {
            "reference": "B2",
            "offence": "Theft",
            "occurred_at": "2024-01-01",
            "occurred_from": "2024-01-01",
        },
    ]
    body = client_for(analyst).post(ROWS, {"rows": rows}, format="json").json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["errors"] == [
        {"row": 1, "message": "Give occurred_at, or occurred_from/occurred_to, not both."}
    ]


def test_dry_run_must_be_a_json_boolean(analyst: User) -> None:
    response = client_for(analyst).post(ROWS, {"rows": [{}], "dry_run": 0}, format="json")
    assert error_of(response, 400)["message"].startswith("dry_run:")
