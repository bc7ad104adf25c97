"""The whole-area incident map from the cell counts PostgreSQL keeps (migration collection 0007):
the same answer as counting what the access rule lets each persona see, kept in step by every
write path, and never a reason for two writers to wait for each other."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import timedelta

import h3
import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from collection.imports.services import import_rows
from collection.incidents import services
from collection.incidents.geojson import KEPT_COUNTS, feature_collection, incident_cell_counter
from collection.incidents.viewsets import INCIDENT_LAYER
from collection.models import Incident, OffenceType
from collection.selectors import incident_list, incident_list_parts
from ilp.choices import Classification
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, Dissemination, Unit, User
from ilp.selectors import Actor
from tests.collection.factories import IncidentFactory
from tests.collection.incidents.conftest import CELL, T0

pytestmark = pytest.mark.django_db

Key = tuple[int, int, str]
PERSONAS = (
    "analyst",
    "supervisor",
    "commander",
    "officer",
    "outsider",
    "partner",
    "auditor",
    "administrator",
    "away_analyst",
)


def kept() -> Counter[Key]:
    """The kept counts, summed per key (a key may hold several rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT agency_id, classification, h3_cell, SUM(incidents) FROM {KEPT_COUNTS} "  # noqa: S608
            "GROUP BY 1, 2, 3 HAVING SUM(incidents) <> 0"
        )
        return Counter({(a, c, cell): int(n) for a, c, cell, n in cursor.fetchall()})


def recount() -> Counter[Key]:
    """What the kept counts should hold: unrestricted located incidents per key."""
    rows = Incident.objects.filter(restricted=False).exclude(h3_cell="")
    return Counter(rows.values_list("agency_id", "classification", "h3_cell"))


def point(rng: random.Random) -> tuple[float, float, str]:
    lat, lng = 51.45 + rng.random() * 0.2, -0.25 + rng.random() * 0.3
    return lat, lng, h3.latlng_to_cell(lat, lng, 9)


def scatter(
    agency: Agency, offence: OffenceType, n: int, seed: int, classification: int | None = None
) -> list[Incident]:
    """``n`` incidents over a city, at random classifications unless one is given."""
    rng = random.Random(seed)
    incidents = []
    for _ in range(n):
        lat, lng, cell = point(rng)
        incidents.append(
            IncidentFactory.create(
                agency=agency,
                offence=offence,
                latitude=lat,
                longitude=lng,
                h3_cell=cell,
                classification=classification or rng.choice(Classification.values),
            )
        )
    return incidents


def share(incident: Incident, agency: Agency, by: User, user: User | None = None) -> None:
    Dissemination.objects.create(
        content_type=ContentType.objects.get_for_model(Incident),
        object_id=incident.pk,
        recipient_agency=agency,
        recipient_user=user,
        purpose="Joint operation",
        handling_code=incident.handling_code,
        shared_by=by,
        record_repr=str(incident)[:300],
    )


@pytest.fixture
def world(
    *,
    agency: Agency,
    other_agency: Agency,
    burglary: OffenceType,
    intel_unit: Unit,
    analyst: User,
    supervisor: User,
    commander: User,
    officer: User,
    partner: User,
    away_analyst: User,
) -> None:
    """Both agencies' incidents at every classification, some unlocated, restricted to a person,
    to a unit or to nobody else, and disseminated to an agency or to one person."""
    home = scatter(agency, burglary, 60, seed=1)
    away = scatter(other_agency, burglary, 30, seed=2)
    IncidentFactory.create(
        agency=agency, offence=burglary, latitude=None, longitude=None, h3_cell=""
    )
    # Within everyone's clearance, so that whoever they are opened to does see them.
    opened = [i.pk for i in (*home[:6], *away[:3])]
    Incident.objects.filter(pk__in=opened).update(classification=Classification.OFFICIAL)
    record_restrict(actor=supervisor, record=home[0], users=[analyst])
    record_restrict(actor=commander, record=home[1], units=[intel_unit])
    record_restrict(actor=supervisor, record=home[2])
    record_restrict(actor=commander, record=home[3], users=[commander])
    share(home[4], other_agency, by=supervisor)
    share(home[5], other_agency, by=supervisor, user=partner)
    share(home[1], other_agency, by=commander)  # restricted at home, shared away
    share(away[0], agency, by=away_analyst)
    share(away[1], agency, by=away_analyst, user=analyst)
    share(away[2], agency, by=away_analyst, user=officer)
    officer.clearance = Classification.OFFICIAL
    officer.save(update_fields=["clearance"])


def both_ways(actor: Actor, resolution: int) -> tuple[dict, dict, bool]:
    located = incident_list(actor=actor)
    live = feature_collection(located, INCIDENT_LAYER, resolution=resolution, limit=0)
    counter = incident_cell_counter(actor=actor, located=located)
    from_counts = feature_collection(
        located, INCIDENT_LAYER, resolution=resolution, limit=0, count_cells=counter
    )
    return live, from_counts, counter is not None


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resolution", [4, 7, 9])
def test_map_from_kept_counts_is_what_each_persona_may_see(
    persona: str, resolution: int, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    live, from_counts, used = both_ways(actor, resolution)
    assert from_counts == live
    assert used == actor.has_perm("collection.view_incident")


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("persona", ["analyst", "partner"])
def test_granted_and_shared_incidents_are_counted_beyond_the_kept_counts(
    persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    live, from_counts, used = both_ways(actor, 7)
    wholesale = sum(
        n
        for (agency_id, classification, _), n in kept().items()
        if agency_id == actor.agency_id and classification <= actor.clearance
    )
    assert used
    assert from_counts == live
    assert live["total"] == incident_list(actor=actor).exclude(h3_cell="").count() > wholesale


@pytest.mark.usefixtures("world")
def test_no_kept_counts_for_a_filtered_map_or_for_whom_the_rule_grants_nothing_wholesale(
    analyst: User, auditor: User
) -> None:
    located = incident_list(actor=analyst)
    assert incident_cell_counter(actor=analyst, located=located.filter(status="open")) is None
    assert incident_cell_counter(actor=auditor, located=incident_list(actor=auditor)) is None
    anonymous = AnonymousUser()
    assert incident_cell_counter(actor=anonymous, located=incident_list(actor=anonymous)) is None
    analyst.is_active = False
    assert incident_cell_counter(actor=analyst, located=located) is None


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("persona", ["analyst", "partner", "officer"])
def test_the_api_map_above_the_point_limit_matches_the_live_count(
    persona: str, request: pytest.FixtureRequest, settings: Settings
) -> None:
    settings.ILP_MAP_MAX_POINTS = 1
    actor = request.getfixturevalue(persona)
    client = APIClient()
    client.force_authenticate(actor)
    for query in ("", "?resolution=6", "?status=open"):
        response = client.get(f"/api/v1/collection/incidents/geojson/{query}")
        assert response.status_code == 200
        located = incident_list(actor=actor)
        if query == "?status=open":
            located = located.filter(status="open")
        resolution = 6 if "resolution" in query else 7
        live = feature_collection(located, INCIDENT_LAYER, resolution=resolution, limit=1)
        assert response.json() == live


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("query", ["offence=0", "h3_cell=000000000000000"])
def test_a_map_filtered_to_nothing_is_empty(query: str, analyst: User, settings: Settings) -> None:
    settings.ILP_MAP_MAX_POINTS = 1
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.get(f"/api/v1/collection/incidents/geojson/?{query}")
    assert response.status_code == 200
    assert (response.json()["total"], response.json()["features"]) == (0, [])


def test_every_write_path_keeps_the_counts(
    agency: Agency, other_agency: Agency, burglary: OffenceType, analyst: User, supervisor: User
) -> None:
    assert kept() == recount() == Counter()
    created = services.incident_create(
        actor=analyst, reference="BY-HAND-1", offence=burglary, occurred_from=T0,
        latitude=51.5, longitude=-0.12,
    )  # fmt: skip
    assert kept() == recount() == Counter({(agency.pk, created.classification, CELL): 1})
    services.incident_update(
        actor=analyst, incident=created, version=created.version, latitude=51.6, longitude=-0.2
    )
    moved = Incident.objects.get(pk=created.pk)
    services.incident_update(
        actor=analyst, incident=moved, version=moved.version,
        classification=Classification.OFFICIAL_SENSITIVE,
    )  # fmt: skip
    assert kept() == recount()
    many = scatter(agency, burglary, 20, seed=3, classification=Classification.OFFICIAL)
    Incident.objects.bulk_create(
        [IncidentFactory.build(agency=other_agency, offence=burglary) for _ in range(5)]
    )
    assert kept() == recount()
    record_restrict(actor=supervisor, record=many[0])
    Incident.objects.filter(pk__in=[i.pk for i in many[1:6]]).update(
        classification=Classification.TOP_SECRET
    )
    Incident.objects.filter(pk=many[6].pk).update(h3_cell="", latitude=None, longitude=None)
    Incident.objects.filter(pk=many[7].pk).update(restricted=False)  # no change at all
    Incident.objects.filter(pk__in=[i.pk for i in many[8:12]]).delete()
    Incident.objects.filter(pk=many[0].pk).update(restricted=False)
    assert kept() == recount()
    assert sum(kept().values()) == Incident.objects.exclude(h3_cell="").count()


def test_the_import_copy_path_keeps_the_counts_on_create_and_on_update(analyst: User) -> None:
    rows = [
        {"reference": f"IMP-{n}", "offence": "Robbery", "occurred_at": "2024-05-01 14:30",
         "latitude": 51.5 + n / 1000, "longitude": -0.12}
        for n in range(30)
    ]  # fmt: skip
    assert import_rows(actor=analyst, records=rows).created == 30
    assert kept() == recount()
    assert sum(kept().values()) == 30
    moved = [{**row, "latitude": row["latitude"] + 0.05} for row in rows[:10]]
    unlocated = [{**row, "latitude": None, "longitude": None} for row in rows[10:15]]
    result = import_rows(actor=analyst, records=moved + unlocated)
    assert result.updated == 15
    assert kept() == recount()
    assert sum(kept().values()) == 25


def test_the_rebuild_the_migration_runs_counts_rows_already_there(
    agency: Agency, burglary: OffenceType
) -> None:
    scatter(agency, burglary, 25, seed=4)
    expected = recount()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {KEPT_COUNTS}")  # noqa: S608
        cursor.execute(f"SELECT {KEPT_COUNTS}_rebuild()")
    assert kept() == expected
    assert sum(expected.values()) == 25


@pytest.mark.django_db(transaction=True)
def test_two_writers_in_the_same_cell_never_wait_for_each_other(
    agency: Agency, burglary: OffenceType
) -> None:
    IncidentFactory.create(agency=agency, offence=burglary, h3_cell=CELL)
    IncidentFactory.create(agency=agency, offence=burglary, h3_cell=CELL)
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            IncidentFactory.create(
                agency=agency, offence=burglary, h3_cell=CELL, occurred_from=T0 - timedelta(days=1)
            )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        # Folds the committed counts of the cell and holds them until this transaction ends.
        IncidentFactory.create(agency=agency, offence=burglary, h3_cell=CELL)
        writer = threading.Thread(target=second_writer)
        writer.start()
        writer.join(timeout=30)
        assert not writer.is_alive()
    assert errors == []
    assert kept() == recount() == Counter({(agency.pk, Classification.OFFICIAL, CELL): 4})


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_rule_in_two_parts_is_the_rule(persona: str, request: pytest.FixtureRequest) -> None:
    # incident_list_parts splits incident_list into the wholesale part (indexed columns) and the
    # records granted or shared one by one; the dashboard and the map count each on its own.
    actor = request.getfixturevalue(persona)
    parts = incident_list_parts(actor=actor)
    wholesale = set(parts.wholesale.values_list("pk", flat=True))
    one_by_one = set(parts.one_by_one.values_list("pk", flat=True))
    assert wholesale | one_by_one == set(incident_list(actor=actor).values_list("pk", flat=True))
    assert not wholesale & one_by_one
    if persona in {"analyst", "partner", "officer", "away_analyst"}:
        assert one_by_one, "the world grants or shares something to this persona"


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("limit", [0, 10_000])
def test_the_map_read_part_by_part_is_the_map(
    persona: str, limit: int, request: pytest.FixtureRequest
) -> None:
    # With the kept counts, the API reads points and decides points or cells part by part.
    actor = request.getfixturevalue(persona)
    located = incident_list(actor=actor)
    counter = incident_cell_counter(actor=actor, located=located)
    live = feature_collection(located, INCIDENT_LAYER, resolution=7, limit=limit)
    by_parts = feature_collection(
        located,
        INCIDENT_LAYER,
        resolution=7,
        limit=limit,
        count_cells=counter,
        parts=incident_list_parts(actor=actor) if counter is not None else None,
    )
    assert by_parts["mode"] == live["mode"]
    key = lambda feature: str(feature["id"])  # noqa: E731
    assert sorted(by_parts["features"], key=key) == sorted(live["features"], key=key)
    assert by_parts["total"] == live["total"]
