"""The browser journey: upload → map columns → check → import → job page; and who may."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from collection.models import Import, ImportMapping, Incident
from ilp.models import Agency, User
from ilp.roles import Role
from tests.collection.imports.conftest import shared
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

THEFTS = "crimedata_nyc_vehicle_thefts_2014_2017.csv"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def first_lines(name: str, rows: int) -> bytes:
    with shared(name).open("rb") as handle:
        return b"".join(line for _, line in zip(range(rows + 1), handle, strict=False))


def upload(client: Client, content: bytes, name: str = "thefts.csv") -> Any:
    return client.post(
        reverse("collection:import_upload"), {"file": SimpleUploadedFile(name, content)}
    )


def mapping_post(**fields: str) -> dict[str, str]:
    return {
        f"map_{k}" if not k.startswith(("set_", "join_", "crs", "time")) else k: v
        for k, v in fields.items()
    }


THEFT_MAPPING = mapping_post(
    reference="uid",
    occurred_from="date_start",
    occurred_to="date_end",
    latitude="latitude",
    longitude="longitude",
    set_offence="Theft of a motor vehicle",
)


def test_the_whole_journey_in_the_browser(
    client: Client,
    analyst: User,
    agency: Agency,
    run_jobs: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    agency.time_zone = "America/New_York"
    agency.save()
    signed_in(client, analyst)
    page = client.get(reverse("collection:import_upload"))
    assert page.status_code == 200
    assert "America/New_York" in page.content.decode()

    response = upload(
        client,
        first_lines(THEFTS, 40)
        + b"99,2014-01-01 01:15,2099-01-01 10:00,NA,-73.9,40.7,street,street,1\n",
    )
    record = Import.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("collection:import_mapping", args=[record.pk])
    assert record.status == Import.Status.PENDING
    assert record.file_name == "thefts.csv"

    mapping = client.get(response.url).content.decode()
    assert '<option value="uid" selected>' in mapping  # guessed from the column name
    assert '<option value="date_start" selected>' in mapping
    assert "12386084" in mapping  # the first rows of the file are shown

    response = client.post(reverse("collection:import_mapping", args=[record.pk]), THEFT_MAPPING)
    assert response.status_code == 302
    assert response.url == reverse("collection:import_preview", args=[record.pk])

    preview = client.get(response.url)
    text = html.unescape(preview.content.decode())
    assert preview.status_code == 200
    assert "Times without a zone are read as America/New_York time" in text
    assert "nothing has been written yet" in text
    assert "12386084" in text
    assert "2013-12-31 10:00" in text  # shown in the agency's time zone, as in the file
    assert "'2099-01-01 10:00' in column 'date_start' is in the future" in text
    assert "Import the rows without problems" in text
    assert not Incident.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("collection:import_preview", args=[record.pk]))
    assert response.url == reverse("collection:import_detail", args=[record.pk])
    queued = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in queued
    assert "Queued" in queued

    run_jobs()
    done = client.get(response.url)
    text = html.unescape(done.content.decode())
    assert "Finished" in text
    assert 'hx-trigger="every 1s"' not in text
    assert Incident.objects.filter(source_import=record).count() == 40
    record.refresh_from_db()
    assert (record.created, record.rejected) == (40, 1)
    assert "is in the future" in text
    fragment = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section")
    assert "<html" not in fragment


def test_the_mapping_is_remembered_for_the_same_header(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    upload(client, first_lines(THEFTS, 3))
    first = Import.objects.get()
    client.post(
        reverse("collection:import_mapping", args=[first.pk]),
        {**THEFT_MAPPING, "map_address": "location_type"},
    )
    assert ImportMapping.objects.filter(agency=analyst.agency).count() == 1
    upload(client, first_lines(THEFTS, 3).replace(b'"uid"', b'"UID"', 1), name="again.csv")
    second = Import.objects.exclude(pk=first.pk).get()
    page = client.get(reverse("collection:import_mapping", args=[second.pk])).content.decode()
    assert 'data-testid="remembered"' in page
    assert '<option value="location_type" selected>' in page
    assert 'value="Theft of a motor vehicle"' in page


def test_mapping_problems_are_shown_on_the_form(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    upload(client, first_lines(THEFTS, 3))
    record = Import.objects.get()
    response = client.post(
        reverse("collection:import_mapping", args=[record.pk]),
        mapping_post(occurred_at="date_single", x="longitude", y="latitude"),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Map the reference" in text
    assert "Map the offence" in text
    assert "coordinate system" in text


def test_a_time_column_can_be_joined_to_the_date(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    upload(client, first_lines("ptools_nyc_shootings_2019_minimal.csv", 3))
    record = Import.objects.get()
    client.post(
        reverse("collection:import_mapping", args=[record.pk]),
        mapping_post(
            reference="INCIDENT_KEY",
            occurred_at="OCCUR_DATE",
            join_occurred_at="OCCUR_TIME",
            set_offence="Shooting",
        ),
    )
    record.refresh_from_db()
    assert record.mapping["occurred_at"] == "OCCUR_DATE+OCCUR_TIME"
    page = client.get(reverse("collection:import_mapping", args=[record.pk])).content.decode()
    assert '<option value="OCCUR_TIME" selected>' in page


def test_a_refused_file_stays_on_the_upload_page(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    response = upload(client, b"", name="empty.csv")
    assert response.status_code == 400
    assert "The file is empty." in response.content.decode()
    assert not Import.objects.exists()


def test_a_latin1_file_says_how_it_was_read(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    upload(client, "ref,when,address\n1,2020-01-01,Rue de l'Église\n".encode("latin-1"))
    record = Import.objects.get()
    page = client.get(reverse("collection:import_mapping", args=[record.pk])).content.decode()
    assert "Windows-1252" in page
    assert "Rue de l&#x27;Église" in page


@override_settings(ILP_IMPORT_MAX_UPLOAD_BYTES=10)
def test_an_oversized_upload_is_refused_unread(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    response = upload(client, b"x" * 200_000)
    assert response.status_code == 413
    assert "the upload limit is 0 MB" in response.content.decode()


def test_an_upload_can_be_discarded(client: Client, analyst: User) -> None:
    signed_in(client, analyst)
    upload(client, first_lines(THEFTS, 3))
    record = Import.objects.get()
    client.post(reverse("collection:import_discard", args=[record.pk]))
    assert not Import.objects.exists()


def test_the_history_lists_the_agency_imports(
    client: Client, analyst: User, other_agency: Agency
) -> None:
    Import.objects.create(
        agency=analyst.agency,
        created_by=analyst,
        file_name="ours.csv",
        status=Import.Status.SUCCEEDED,
        created=5,
    )
    Import.objects.create(agency=other_agency, file_name="theirs.csv")
    text = signed_in(client, analyst).get(reverse("collection:import_list")).content.decode()
    assert "ours.csv" in text
    assert "theirs.csv" not in text


def test_the_nav_entry_shows_to_those_who_may_import(
    client: Client, analyst: User, officer: User
) -> None:
    assert 'href="/collection/imports/"' in signed_in(client, analyst).get("/").content.decode()
    other = Client()
    assert 'href="/collection/imports/"' not in signed_in(other, officer).get("/").content.decode()


@pytest.mark.parametrize("name", ["import_upload", "import_list"])
def test_anonymous_users_are_sent_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(f"collection:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_officers_and_partners_may_not_import(client: Client, officer: User, partner: User) -> None:
    assert signed_in(client, officer).get(reverse("collection:import_upload")).status_code == 403
    assert upload(client, first_lines(THEFTS, 3)).status_code == 403
    partner_client = signed_in(Client(), partner)
    assert partner_client.get(reverse("collection:import_upload")).status_code == 403
    assert partner_client.get(reverse("collection:import_list")).status_code == 403
    assert not Import.objects.exists()


def test_another_agency_import_is_404(client: Client, analyst: User, other_agency: Agency) -> None:
    unit = UnitFactory(agency=other_agency, code="AI", name="Away Intelligence")
    away = UserFactory(username="away-analyst", unit=unit, role=Role.ANALYST)
    signed_in(client, away)
    upload(client, first_lines(THEFTS, 3))
    theirs = Import.objects.get()
    ours = signed_in(Client(), analyst)
    for name in ("import_detail", "import_mapping", "import_preview"):
        assert ours.get(reverse(f"collection:{name}", args=[theirs.pk])).status_code == 404
    assert ours.post(reverse("collection:import_discard", args=[theirs.pk])).status_code == 404
