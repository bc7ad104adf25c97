"""The generated authorization matrix (governance issue #4): every URL pattern and API endpoint,
every method it answers, times every persona, against the table in ``tests/governance/matrix.py``.

- ``test_every_route_has_a_matrix_entry`` walks the URL resolver: a new route, or a new method
  on one, without a row fails here (and a row for a route that is gone fails too).
- ``test_authorization_matrix`` runs each (row, persona) cell; a 404 cell is asked again with an
  id never used and must be answered the same way ("as if it did not exist").
- The last tests send bodies and filters naming records the user may not see: they must be
  refused exactly as a never-used id is.

The world of records is built once per module (inside a transaction rolled back at the end);
each cell runs in its own savepoint, so the writes a cell makes never reach the next one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import ProcessFormView
from rest_framework.test import APIClient

from analysis.models import AnalysisJob
from collection.models import Import, Report, ReportLink
from ilp import services as core_services
from ilp.choices import Classification
from ilp.governance.dissemination import record_disseminate
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, Area, User
from ilp.roles import Role
from tests.collection.factories import (
    IncidentFactory,
    LocationFactory,
    OffenceTypeFactory,
    OrganisationFactory,
    PersonFactory,
    ReportFactory,
    RequirementFactory,
    SourceFactory,
    VehicleFactory,
)
from tests.factories import AgencyFactory, UnitFactory, UserFactory
from tests.governance.matrix import BODIES, CASES, MISSING_PK, PERSONAS, Case, World, url_kwargs

LOGIN_PATH = "/accounts/login/"
PURPOSE = {"HTTP_X_ILP_PURPOSE": "Authorization matrix: checking the access rules."}

# -- Routes -------------------------------------------------------------------------------------

# What the matrix leaves out, and why. Everything else the resolver knows must have a row.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin site: Django's own permission checks (is_staff), not the platform's",
    settings.STATIC_URL.lstrip("/"): "static files",
    settings.MEDIA_URL.lstrip("/"): "uploaded media",
}
# DRF's format-suffix routes (``reports.json``, ``reports/1.json``) repeat the route before them
# with the same view and name.
FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>")
# Methods not tested: HEAD and OPTIONS (answered from GET and by the framework), TRACE, and PUT on
# Django's form views (ProcessFormView.put only calls post).
IGNORED_METHODS = {"HEAD", "OPTIONS", "TRACE"}


@dataclass(frozen=True)
class Route:
    """A route the resolver answers: its matrix key, full pattern and the methods it serves."""

    key: str
    pattern: str
    methods: frozenset[str]


def _methods(pattern: URLPattern) -> frozenset[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: the methods mapped to actions (HEAD added on first GET)
        return frozenset(m.upper() for m in actions) - IGNORED_METHODS
    view_class = getattr(callback, "view_class", None)
    if view_class is None:  # a function view (healthz): it answers GET
        return frozenset({"GET"})
    methods = set()
    for name in view_class.http_method_names:
        handler = getattr(view_class, name, None)
        if handler is None or name.upper() in IGNORED_METHODS:
            continue
        if name == "put" and handler is ProcessFormView.put:
            continue
        methods.add(name.upper())
    return frozenset(methods)


def _walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name or full, full, _methods(entry))


def platform_routes() -> list[Route]:
    """Every route of the platform, less the skip list above."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if any(route.pattern.startswith(p) for p in SKIPPED_PREFIXES if p):
            continue
        if FORMAT_SUFFIX.search(route.pattern):
            continue
        routes.append(route)
    return routes


def test_every_route_has_a_matrix_entry() -> None:
    routes = platform_routes()
    served = {(route.key, method) for route in routes for method in route.methods}
    covered = {(case.route, case.method) for case in CASES}
    missing = sorted(served - covered)
    patterns = {route.key: route.pattern for route in routes}
    assert not missing, (
        "Routes without a row in the authorization matrix:\n"
        + "\n".join(f"  {key} {method}  (/{patterns[key]})" for key, method in missing)
        + "\nAdd a row to tests/governance/matrix.py saying what each persona gets "
        "(docs/permissions.md has the rules), with a record of the world as its target."
    )
    stale = sorted(covered - served)
    assert not stale, f"Matrix rows for routes or methods that no longer exist: {stale}"


def test_the_skip_list_leaves_out_only_what_is_not_the_platforms() -> None:
    kept = {route.key for route in platform_routes()}
    assert "collection:report_detail" in kept
    assert "api:collection:report-detail" in kept
    assert not any(key.startswith("admin:") for key in kept)
    duplicates = [r.pattern for r in platform_routes() if FORMAT_SUFFIX.search(r.pattern)]
    assert duplicates == []


# -- The world ----------------------------------------------------------------------------------

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.13, 51.49], [-0.11, 51.49], [-0.11, 51.51], [-0.13, 51.51], [-0.13, 51.49]]
    ],
}
KDE_RESULT = {
    "grid": "h3",
    "cells": [{"h3": "89194ad3353ffff", "lon": -0.12, "lat": 51.5, "density": 1.0}],
    "cells_total": 1,
    "max_density": 1.0,
    "unit": "incidents per km²",
    "events": 1,
}


def _personas() -> tuple[dict[str, User], dict[str, Agency], dict[str, Any]]:
    """The personas of tests/conftest.py, made the same way."""
    home = AgencyFactory.create(code="HOME", name="Home Constabulary")
    away = AgencyFactory.create(code="AWAY", name="Away County Police", kind=Agency.Kind.PARTNER)
    intel = UnitFactory.create(agency=home, code="INTEL", name="Intelligence Unit")
    response = UnitFactory.create(agency=home, code="RESP", name="Response Team")
    neighbourhood = UnitFactory.create(agency=home, code="NHT", name="Neighbourhood Team")
    standards = UnitFactory.create(agency=home, code="PSD", name="Professional Standards")
    partners = UnitFactory.create(agency=away, code="PINTEL", name="Partner Intelligence")
    users = {
        "analyst": UserFactory.create(username="analyst", unit=intel, role=Role.ANALYST),
        "supervisor": UserFactory.create(username="supervisor", unit=intel, role=Role.SUPERVISOR),
        "commander": UserFactory.create(username="commander", unit=intel, role=Role.COMMANDER),
        "officer": UserFactory.create(username="officer", unit=response, role=Role.OFFICER),
        "outsider": UserFactory.create(username="outsider", unit=neighbourhood, role=Role.ANALYST),
        "partner": UserFactory.create(username="partner", unit=partners, role=Role.PARTNER),
        "auditor": UserFactory.create(username="auditor", unit=standards, role=Role.AUDITOR),
    }
    return users, {"home": home, "away": away}, {"unit": intel, "unit.away": partners}


def build_world() -> World:
    """Records of every kind: normal, restricted to the analyst, the partner agency's own, and
    disseminated to the partner agency (see the docstring of matrix.py)."""
    users, agencies, records = _personas()
    home, away = agencies["home"], agencies["away"]
    analyst, supervisor = users["analyst"], users["supervisor"]
    away_analyst = UserFactory.create(
        username="away-analyst", unit=records["unit.away"], role=Role.ANALYST
    )

    def variants(key: str, factory: Any, restrict: bool = True, share: bool = False) -> None:
        records[key] = factory(agency=home)
        records[f"{key}.away"] = factory(agency=away)
        if restrict:
            records[f"{key}.restricted"] = record_restrict(
                actor=analyst, record=factory(agency=home)
            )
        if share:
            shared = factory(agency=home)
            record_disseminate(
                actor=supervisor, record=shared, recipient_agency=away, purpose="Joint operation"
            )
            records[f"{key}.shared"] = shared

    records["offence"] = OffenceTypeFactory.create(name="Burglary dwelling", harm_weight=10)
    variants("source", lambda agency: SourceFactory.create(agency=agency))
    variants("requirement", lambda agency: RequirementFactory.create(agency=agency))

    def report(agency: Agency, **fields: Any) -> Report:
        source = records["source"] if agency == home else records["source.away"]
        author = analyst if agency == home else away_analyst
        return ReportFactory.create(agency=agency, source=source, author=author, **fields)

    variants("report", report, share=True)
    records["report.secret"] = report(home, classification=Classification.TOP_SECRET)
    records["report.draft"] = report(home, status=Report.Status.DRAFT)
    records["report.submitted"] = report(home, status=Report.Status.SUBMITTED)
    variants(
        "incident",
        lambda agency: IncidentFactory.create(agency=agency, offence=records["offence"]),
        share=True,
    )
    for key, factory in (
        ("person", PersonFactory),
        ("location", LocationFactory),
        ("vehicle", VehicleFactory),
        ("organisation", OrganisationFactory),
    ):
        variants(key, lambda agency, f=factory: f.create(agency=agency), share=True)
    records["person.restricted.other"] = record_restrict(
        actor=supervisor, record=PersonFactory.create(agency=home)
    )
    records["link"] = ReportLink.objects.create(
        report=records["report.draft"], person=records["person"], role=ReportLink.Role.SUBJECT
    )
    # The approved report mentions a person and answers a requirement that only the analyst
    # may see: nobody else may learn of either through the report (filters included).
    ReportLink.objects.create(
        report=records["report"],
        person=records["person.restricted"],
        role=ReportLink.Role.ASSOCIATE,
    )
    records["report"].requirements.add(records["requirement.restricted"])
    records["area"] = Area.objects.create(agency=home, name="Beat 7", geometry=SQUARE)
    records["area.away"] = Area.objects.create(agency=away, name="Away beat", geometry=SQUARE)
    finished = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    for key, agency, by in (("import", home, analyst), ("import.away", away, away_analyst)):
        records[key] = Import.objects.create(
            agency=agency,
            created_by=by,
            file_name="incidents.csv",
            status=Import.Status.SUCCEEDED,
            finished_at=finished,
        )

    def job(agency: Agency) -> AnalysisJob:
        return AnalysisJob.objects.create(
            agency=agency,
            created_by=analyst if agency == home else away_analyst,
            kind="kde",
            seed=1,
            status=AnalysisJob.Status.SUCCEEDED,
            result=KDE_RESULT,
            finished_at=finished,
        )

    variants("job", job)
    records["token"] = core_services.token_create(actor=analyst, name="Analyst laptop").token
    return World(users=users, records=records, agencies=agencies)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module; each test's own transaction is a savepoint inside this one.
    Each persona signs in once here too: the cells reuse the session."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        for persona, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


# -- The cells ----------------------------------------------------------------------------------


def _client(world: World, persona: str, api: bool) -> Client:
    client: Client = APIClient() if api else Client()
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    return client


def send(world: World, case: Case, persona: str, *, missing: bool = False) -> HttpResponseBase:
    """Make the row's request as the persona (``missing``: with an id never used)."""
    api = case.route.startswith("api:") or case.route.startswith("api/")
    url = reverse(case.route, kwargs=url_kwargs(world, case, missing=missing))
    client = _client(world, persona, api)
    body = BODIES[case.body](world)
    method = case.method.lower()
    if method == "get":
        return client.get(url, dict(case.query), **(PURPOSE if api else {}))
    if not api:
        return client.post(url, body)
    fmt = "multipart" if case.fmt == "multipart" else "json"
    return getattr(client, method)(url, body, format=fmt, **PURPOSE)


def describe(response: HttpResponseBase) -> str:
    location = response.get("Location", "")
    content = b"" if getattr(response, "streaming", False) else response.content[:300]
    return f"{response.status_code} {location} {content!r}"


def matches(response: HttpResponseBase, outcome: str) -> bool:
    status = response.status_code
    to_login = status == 302 and response.get("Location", "").startswith(LOGIN_PATH)
    if outcome == "ok":
        return 200 <= status < 400 and not to_login
    if outcome == "login":
        return to_login
    return status == int(outcome)


CELLS = [
    pytest.param(case, persona, id=f"{case.id} | {persona}")
    for case in CASES
    for persona in PERSONAS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona"), CELLS)
def test_authorization_matrix(world: World, case: Case, persona: str) -> None:
    expected = case.outcome(persona)
    response = send(world, case, persona)
    note = f" ({case.note})" if case.note else ""
    assert matches(response, expected), (
        f"{case.id} as {persona}: expected {expected}{note}, got {describe(response)}"
    )


HIDDEN = [
    pytest.param(case, next(p for p in PERSONAS if case.outcome(p) == "404"), id=case.id)
    for case in CASES
    if "404" in case.expect and case.target != "-"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona"), HIDDEN)
def test_a_record_out_of_scope_is_answered_as_if_it_did_not_exist(
    world: World, case: Case, persona: str
) -> None:
    """The first persona of each row who gets a 404 gets the same answer for an id never used
    (one persona per row keeps the matrix fast; every 404 cell is checked above)."""
    hidden = send(world, case, persona)
    never = send(world, case, persona, missing=True)
    assert (hidden.status_code, never.status_code) == (404, 404), describe(never)
    if case.route.startswith("api:"):
        assert hidden.json() == never.json()


# -- Bodies and filters naming what the user may not see ------------------------------------------

REPORTS_API = "/api/v1/collection/reports/"


def _without(response: HttpResponseBase, pk: int) -> tuple[int, str]:
    """A refusal with the id it names taken out, to compare refusals of different ids."""
    text = (
        json.dumps(response.json())
        if response.get("Content-Type", "").startswith("application/json")
        else response.content.decode()
    )
    return response.status_code, re.sub(rf"\b{pk}\b", "<id>", text)


def _post_both(
    world: World, persona: str, url: str, body: Any, invisible: int
) -> tuple[HttpResponseBase, HttpResponseBase]:
    """POST the body naming the invisible id, then naming an id never used."""
    client = _client(world, persona, api=True)
    as_string = json.dumps(body)
    seen = client.post(
        url, json.loads(as_string.replace("INVISIBLE", str(invisible))), format="json"
    )
    never = client.post(
        url, json.loads(as_string.replace("INVISIBLE", str(MISSING_PK))), format="json"
    )
    assert _without(seen, invisible) == _without(never, MISSING_PK), (
        f"{describe(seen)}\nvs an unused id: {describe(never)}"
    )
    return seen, never


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "key", "field"),
    [
        ("analyst", "source.away", "source"),
        ("supervisor", "source.restricted", "source"),
        ("analyst", "requirement.away", "requirements"),
        ("supervisor", "requirement.restricted", "requirements"),
    ],
)
def test_a_new_report_naming_what_the_user_cannot_see_is_refused_as_if_it_did_not_exist(
    world: World, persona: str, key: str, field: str
) -> None:
    body = BODIES["new.report"](world)
    body[field] = "INVISIBLE" if field == "source" else ["INVISIBLE"]
    seen, _ = _post_both(world, persona, REPORTS_API, body, world.pk(key))
    assert seen.status_code == 400
    assert field in seen.json()["error"]["details"]
    assert Report.objects.filter(title=body["title"]).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "key"), [("analyst", "person.away"), ("supervisor", "person.restricted")]
)
def test_a_new_incident_naming_a_person_the_user_cannot_see_is_refused_as_if_missing(
    world: World, persona: str, key: str
) -> None:
    body = BODIES["new.incident"](world) | {"people": [{"person": "INVISIBLE", "role": "suspect"}]}
    seen, _ = _post_both(world, persona, "/api/v1/collection/incidents/", body, world.pk(key))
    assert seen.status_code == 400
    assert "people" in seen.json()["error"]["details"]


@pytest.mark.django_db
def test_an_analysis_of_another_agencys_area_is_refused_as_if_it_did_not_exist(
    world: World,
) -> None:
    body = {"kind": "kde", "inputs": {"area": "INVISIBLE"}}
    seen, _ = _post_both(world, "analyst", "/api/v1/analysis/jobs/", body, world.pk("area.away"))
    assert seen.status_code == 400
    assert "area" in seen.json()["error"]["details"]
    assert not AnalysisJob.objects.filter(
        created_by=world.users["analyst"], status="queued"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "key"), [("analyst", "person.away"), ("analyst", "person.restricted.other")]
)
def test_linking_a_person_the_user_cannot_see_is_refused_as_if_it_did_not_exist(
    world: World, persona: str, key: str
) -> None:
    # The API answers a body naming an entity the user cannot see with a 404, as for an
    # entity that does not exist (the id is in the body, not the URL: a 400 would read better).
    draft = world.records["report.draft"]
    body = {"kind": "person", "entity": "INVISIBLE", "role": "mentioned"}
    url = f"{REPORTS_API}{draft.pk}/links/"
    seen, _ = _post_both(world, persona, url, body, world.pk(key))
    assert seen.status_code == 404
    assert draft.links.count() == 1


@pytest.mark.django_db
def test_the_link_form_refuses_a_person_the_user_cannot_see_as_if_it_did_not_exist(
    world: World,
) -> None:
    draft = world.records["report.draft"]
    url = reverse("collection:report_link_add", args=[draft.pk])
    answers = []
    for pk in (world.pk("person.away"), MISSING_PK):
        client = _client(world, "analyst", api=False)
        response = client.post(url, {"kind": "person", "entity": pk, "role": "mentioned"})
        said = [str(m) for m in get_messages(response.wsgi_request)]
        answers.append((response.status_code, said))
    assert answers[0] == answers[1]
    assert answers[0][1], "the form should say why nothing was linked"
    assert draft.links.count() == 1


@pytest.mark.django_db
def test_the_report_form_refuses_a_source_the_user_cannot_see_as_if_it_did_not_exist(
    world: World,
) -> None:
    url = reverse("collection:report_create")
    errors = []
    for pk in (world.pk("source.away"), MISSING_PK):
        client = _client(world, "analyst", api=False)
        body = BODIES["new.report"](world) | {"source": pk, "received_at": "2026-03-02 10:00"}
        response = client.post(url, body)
        assert response.status_code == 400
        errors.append(response.context["form"].errors.get("source"))
    assert errors[0]
    assert errors[0] == errors[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "url", "param", "key"),
    [
        # The approved report mentions a person and answers a requirement only the analyst
        # may see: to the supervisor, who sees the report, a filter by either is a filter by
        # nothing (the report page hides both, so the filter must not tell).
        ("supervisor", REPORTS_API, "person", "person.restricted"),
        ("supervisor", REPORTS_API, "requirement", "requirement.restricted"),
        ("analyst", REPORTS_API, "source", "source.away"),
        ("analyst", "/api/v1/collection/incidents/", "source_import", "import.away"),
        ("analyst", "/api/v1/collection/people/", "q", "person.away"),
    ],
)
def test_a_list_filtered_by_what_the_user_cannot_see_is_empty_as_for_a_missing_id(
    world: World, persona: str, url: str, param: str, key: str
) -> None:
    client = _client(world, persona, api=True)
    value = world.pk(key) if param != "q" else str(world.records[key])
    seen = client.get(url, {param: value})
    never = client.get(url, {param: MISSING_PK if param != "q" else "no such name"})
    assert seen.status_code == never.status_code == 200, describe(seen)
    assert seen.json()["results"] == never.json()["results"] == []


@pytest.mark.django_db
def test_the_report_list_page_filtered_by_a_hidden_person_is_empty(world: World) -> None:
    client = _client(world, "supervisor", api=False)
    url = reverse("collection:report_list")
    seen = client.get(url, {"person": world.pk("person.restricted")})
    never = client.get(url, {"person": MISSING_PK})
    assert seen.status_code == never.status_code == 200
    assert list(seen.context["reports"]) == list(never.context["reports"]) == []
