"""The authorization matrix (governance issue #4): every route of the platform, UI and API, and
what each persona gets from it.

A row names a route (its namespaced URL name; the route pattern for an unnamed one), the HTTP
method, the record the URL points at (a key of the world built in
``test_authorization_matrix.py``), optionally a body or query, and one outcome per persona, in
the order of ``PERSONAS``:

    ANL  analyst of the intelligence unit        PAR  partner: user of another agency
    SUP  supervisor of the intelligence unit     AUD  auditor of the home agency
    CMD  commander of the intelligence unit      ANON nobody signed in
    OFF  officer of the response unit
    OUT  outsider: an analyst of the neighbourhood unit

Outcomes:

    ok     2xx or 3xx (not a redirect to sign in): the persona got through
    login  302 to /accounts/login/ (browser pages, nobody signed in)
    401    API, nobody signed in
    403    the persona's role may not do this (never depends on whether the record exists)
    404    the record is outside the persona's scope: answered exactly as for an id never used
    400    the persona got through, and the request itself is refused (an empty form, a body
           naming something they cannot see)
    409    the persona got through, and the record's state refuses the action

The rules come from docs/permissions.md: ``record_scope`` (same agency, clearance, the role's
view permission, restrictions, disseminations) decides 404; the role's permissions decide 403.
Where the code answers differently from a first reading of the rules, the row says why.

Records (``build_world`` in test_authorization_matrix.py): ``report`` is an approved report of
the home agency written by the analyst; ``.restricted`` is restricted to the analyst alone;
``.away`` belongs to the partner's agency (its own records, which the partner's role may read
when it may read that kind); ``.shared`` is a home record disseminated to the partner's agency;
``.secret`` is above everyone's clearance; ``report.draft`` and ``report.submitted`` are the
analyst's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

PERSONAS = (
    "analyst",
    "supervisor",
    "commander",
    "officer",
    "outsider",
    "partner",
    "auditor",
    "anonymous",
)
OUTCOMES = frozenset({"ok", "login", "400", "401", "403", "404", "409"})

# An id no record has ever had: a 404 cell is also requested with it, and must look the same.
MISSING_PK = 2_000_000_000


@dataclass
class World:
    """The fixture world: the personas and the records the rows point at, by key."""

    users: dict[str, Any]
    records: dict[str, Model]
    agencies: dict[str, Model] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def pk(self, key: str) -> int:
        return int(self.records[key].pk)


@dataclass(frozen=True)
class Case:
    """One row of the matrix: a request, and the outcome for each persona."""

    route: str
    method: str
    target: str
    expect: tuple[str, ...]
    body: str = ""
    query: tuple[tuple[str, str], ...] = ()
    fmt: str = "json"
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.route} {self.method} {self.target}"

    def outcome(self, persona: str) -> str:
        return self.expect[PERSONAS.index(persona)]


def c(
    route: str,
    method: str,
    target: str,
    expect: str,
    *,
    body: str = "",
    query: dict[str, str] | None = None,
    fmt: str = "json",
    note: str = "",
) -> Case:
    """A row; ``expect`` is one outcome per persona, separated by spaces."""
    outcomes = tuple(expect.split())
    assert len(outcomes) == len(PERSONAS), f"{route} {method} {target}: {expect!r}"
    assert set(outcomes) <= OUTCOMES, f"{route} {method} {target}: {expect!r}"
    return Case(
        route,
        method,
        target,
        outcomes,
        body=body,
        query=tuple(sorted((query or {}).items())),
        fmt=fmt,
        note=note,
    )


# -- URL kwargs ---------------------------------------------------------------------------------


def url_kwargs(world: World, case: Case, *, missing: bool = False) -> dict[str, Any]:
    """The route's kwargs for the row's target; ``missing`` swaps the record for an unused id.

    ``-`` is no kwargs; ``ct:<key>`` is (content type, pk) for the governance pages; ``link``
    is the draft report and its link (``link_pk`` in the UI, ``link_id`` in the API); any other
    target is the record of that key as ``pk``.
    """
    target = case.target
    if target == "-":
        return {}
    if target.startswith("ct:"):
        record = world.records[target[3:]]
        pk = MISSING_PK if missing else record.pk
        return {"content_type_id": ContentType.objects.get_for_model(record).pk, "pk": pk}
    if target == "link":
        name = "link_id" if case.route.startswith("api:") else "link_pk"
        pk = MISSING_PK if missing else world.pk("report.draft")
        return {"pk": pk, name: world.pk("link")}
    return {"pk": MISSING_PK if missing else world.pk(target)}


# -- Bodies -------------------------------------------------------------------------------------

WHEN = "2026-03-02T10:00:00Z"
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "": lambda w: {},
    "reason": lambda w: {"reason": "Needs a second source before approval."},
    "new.token": lambda w: {"name": "Laptop"},
    "new.report": lambda w: {
        "title": "Blue hatchback again",
        "body": "Seen at the market.",
        "received_at": WHEN,
        "source": w.pk("source"),
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
    },
    "new.source": lambda w: {"kind": "public", "reference": "SRC-NEW-1"},
    "new.requirement": lambda w: {"title": "Who supplies?", "question": "Who supplies the town?"},
    "new.incident": lambda w: {
        "reference": "CR-NEW-1",
        "offence": w.pk("offence"),
        "occurred_from": WHEN,
    },
    "new.person": lambda w: {"surname": "Newman"},
    "new.location": lambda w: {"address": "2 New Road"},
    "new.vehicle": lambda w: {"registration": "NE26WAA"},
    "new.organisation": lambda w: {"name": "New Holdings"},
    "new.job": lambda w: {"kind": "kde"},
    "import.rows": lambda w: {"rows": [], "dry_run": True},
    "patch.report": lambda w: {"version": 1, "title": "Edited title"},
    "patch.source": lambda w: {"version": 1, "notes": "Edited notes"},
    "patch.requirement": lambda w: {"version": 1, "title": "Edited title"},
    "patch.incident": lambda w: {"version": 1, "address": "1 New Road"},
    "patch.person": lambda w: {"version": 1, "description": "Edited"},
    "patch.location": lambda w: {"version": 1, "name": "Edited"},
    "patch.vehicle": lambda w: {"version": 1, "colour": "Red"},
    "patch.organisation": lambda w: {"version": 1, "description": "Edited"},
    "link.person": lambda w: {"kind": "person", "entity": w.pk("person"), "role": "mentioned"},
    "link.new": lambda w: {"kind": "person", "role": "mentioned", "surname": "Linked"},
    "share": lambda w: {"recipient_agency": w.agencies["away"].pk, "purpose": "Joint operation"},
    "review": lambda w: {"decision": "validate", "rationale": "Still needed for Op Falcon."},
    "purpose": lambda w: {"purpose": "Authorization matrix: checking the access rules."},
}

# -- The table ----------------------------------------------------------------------------------
# Columns: ANL SUP CMD OFF OUT PAR AUD ANON (see the module docstring).

ACCOUNT = [
    c("home", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("login", "GET", "-", "ok ok ok ok ok ok ok ok"),
    c("login", "POST", "-", "ok ok ok ok ok ok ok ok", note="empty form: shown again"),
    c("logout", "POST", "-", "login login login login login login login login", note="to sign-in"),
    c("password_change", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("password_change", "POST", "-", "ok ok ok ok ok ok ok login", note="empty form"),
    c("password_change_done", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("two_factor_status", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("two_factor_status", "POST", "-", "ok ok ok ok ok ok ok login"),
    c("two_factor_verify", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("two_factor_verify", "POST", "-", "ok ok ok ok ok ok ok login"),
    c("two_factor_enrol", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("two_factor_enrol", "POST", "-", "ok ok ok ok ok ok ok login"),
    c("ilp:token_list", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("ilp:token_list", "POST", "-", "400 400 400 400 400 400 400 login", note="empty form"),
    # Own tokens only: the analyst's token is nobody else's to revoke (404, as if missing).
    c("ilp:token_revoke", "POST", "token", "ok 404 404 404 404 404 404 login"),
    # The audit trail is for auditors (and administrators); to anyone else it does not exist.
    c("ilp:audit_list", "GET", "-", "404 404 404 404 404 404 ok login"),
    c("ilp:audit_export", "GET", "-", "404 404 404 404 404 404 ok login"),
    c("healthz", "GET", "-", "ok ok ok ok ok ok ok ok"),
]

REPORTS = [
    c("collection:report_list", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("collection:report_create", "GET", "-", "ok ok 403 ok ok 403 403 login"),
    c("collection:report_create", "POST", "-", "400 400 403 400 400 403 403 login"),
    c("collection:report_detail", "GET", "report", "ok ok ok ok ok 404 404 login"),
    c("collection:report_detail", "GET", "report.restricted", "ok 404 404 404 404 404 404 login"),
    c("collection:report_detail", "GET", "report.secret", "404 404 404 404 404 404 404 login"),
    c("collection:report_detail", "GET", "report.away", "404 404 404 404 404 ok 404 login"),
    c("collection:report_detail", "GET", "report.shared", "ok ok ok ok ok ok 404 login"),
    # A draft is its author's until submitted.
    c("collection:report_detail", "GET", "report.draft", "ok 404 404 404 404 404 404 login"),
    # The purpose form of a restricted record posts to the record's page.
    c(
        "collection:report_detail",
        "POST",
        "report.restricted",
        "ok 404 404 404 404 404 404 login",
        body="purpose",
    ),
    # Editing needs collection.add_report (checked first: 403 whatever the id), then the draft.
    c("collection:report_update", "GET", "report.draft", "ok 404 403 404 404 403 403 login"),
    c("collection:report_update", "POST", "report.draft", "400 404 403 404 404 403 403 login"),
    c("collection:report_update", "GET", "report", "403 403 403 403 403 403 403 login"),
    c("collection:report_update", "GET", "report.away", "404 404 403 404 404 403 403 login"),
    c("collection:report_submit", "POST", "report.draft", "ok 404 404 404 404 404 404 login"),
    c("collection:report_submit", "POST", "report.away", "404 404 404 404 404 403 404 login"),
    c("collection:report_approve", "POST", "report.submitted", "403 ok 403 403 403 404 404 login"),
    c("collection:report_approve", "POST", "report.away", "404 404 404 404 404 403 404 login"),
    c(
        "collection:report_return",
        "POST",
        "report.submitted",
        "403 ok 403 403 403 404 404 login",
        body="reason",
    ),
    c(
        "collection:report_link_add",
        "POST",
        "report.draft",
        "ok 404 404 404 404 404 404 login",
        body="link.person",
    ),
    c(
        "collection:report_link_create",
        "POST",
        "report.draft",
        "ok 404 404 404 404 404 404 login",
        body="link.new",
    ),
    c("collection:report_link_remove", "POST", "link", "ok 404 404 404 404 404 404 login"),
    c(
        "collection:report_entity_search",
        "GET",
        "-",
        "ok ok ok ok ok ok ok login",
        query={"kind": "person", "q": "Sur"},
    ),
    c("collection:source_list", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("collection:source_create", "GET", "-", "ok ok 403 403 ok 403 403 login"),
    c("collection:source_create", "POST", "-", "400 400 403 403 400 403 403 login"),
    c("collection:source_detail", "GET", "source", "ok ok ok ok ok 404 404 login"),
    c("collection:source_detail", "GET", "source.restricted", "ok 404 404 404 404 404 404 login"),
    # The partner role may not read sources at all, its own agency's included.
    c("collection:source_detail", "GET", "source.away", "404 404 404 404 404 404 404 login"),
    c(
        "collection:source_detail",
        "POST",
        "source.restricted",
        "ok 404 404 404 404 404 404 login",
        body="purpose",
    ),
    c("collection:source_update", "GET", "source", "ok ok 403 403 ok 403 403 login"),
    c("collection:source_update", "POST", "source", "400 400 403 403 400 403 403 login"),
    c("collection:source_update", "GET", "source.away", "404 404 403 403 404 403 403 login"),
    c("collection:requirement_list", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("collection:requirement_create", "GET", "-", "ok ok 403 403 ok 403 403 login"),
    c("collection:requirement_create", "POST", "-", "400 400 403 403 400 403 403 login"),
    c("collection:requirement_detail", "GET", "requirement", "ok ok ok ok ok 404 404 login"),
    c(
        "collection:requirement_detail",
        "GET",
        "requirement.restricted",
        "ok 404 404 404 404 404 404 login",
    ),
    c(
        "collection:requirement_detail",
        "GET",
        "requirement.away",
        "404 404 404 404 404 404 404 login",
    ),
    c(
        "collection:requirement_detail",
        "POST",
        "requirement.restricted",
        "ok 404 404 404 404 404 404 login",
        body="purpose",
    ),
    c("collection:requirement_update", "GET", "requirement", "ok ok 403 403 ok 403 403 login"),
    c("collection:requirement_update", "POST", "requirement", "400 400 403 403 400 403 403 login"),
    c(
        "collection:requirement_update",
        "GET",
        "requirement.away",
        "404 404 403 403 404 403 403 login",
    ),
    # Closing looks the requirement up first (404), then the service checks the role (403).
    c("collection:requirement_close", "POST", "requirement", "ok ok 403 403 ok 404 404 login"),
    c(
        "collection:requirement_close",
        "POST",
        "requirement.away",
        "404 404 404 404 404 404 404 login",
    ),
]

INCIDENTS = [
    c("collection:incident_list", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("collection:incident_map", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("collection:incident_create", "GET", "-", "ok ok 403 403 ok 403 403 login"),
    c("collection:incident_create", "POST", "-", "400 400 403 403 400 403 403 login"),
    c("collection:incident_detail", "GET", "incident", "ok ok ok ok ok 404 404 login"),
    c(
        "collection:incident_detail",
        "GET",
        "incident.restricted",
        "ok 404 404 404 404 404 404 login",
    ),
    c("collection:incident_detail", "GET", "incident.away", "404 404 404 404 404 ok 404 login"),
    c("collection:incident_detail", "GET", "incident.shared", "ok ok ok ok ok ok 404 login"),
    c(
        "collection:incident_detail",
        "POST",
        "incident.restricted",
        "ok 404 404 404 404 404 404 login",
        body="purpose",
    ),
    # Correcting looks the incident up first (404), then checks the role (403).
    c("collection:incident_edit", "GET", "incident", "ok ok 403 403 ok 404 404 login"),
    c("collection:incident_edit", "POST", "incident", "400 400 403 403 400 404 404 login"),
    c("collection:incident_edit", "GET", "incident.away", "404 404 404 404 404 403 404 login"),
    c("collection:incident_edit", "GET", "incident.shared", "ok ok 403 403 ok 403 404 login"),
]

# Imports are not intelligence records: they belong to the agency, read with view_import.
# Finished imports: the mapping and preview steps only send the user back to the import.
IMPORTS = [
    c("collection:import_list", "GET", "-", "ok ok ok ok ok 403 403 login"),
    c("collection:import_upload", "GET", "-", "ok ok 403 403 ok 403 403 login"),
    c("collection:import_upload", "POST", "-", "400 400 403 403 400 403 403 login"),
    c("collection:import_detail", "GET", "import", "ok ok ok ok ok 403 403 login"),
    c("collection:import_detail", "GET", "import.away", "404 404 404 404 404 403 403 login"),
    c("collection:import_mapping", "GET", "import", "ok ok 403 403 ok 403 403 login"),
    c("collection:import_mapping", "POST", "import", "ok ok 403 403 ok 403 403 login"),
    c("collection:import_mapping", "GET", "import.away", "404 404 403 403 404 403 403 login"),
    c("collection:import_preview", "GET", "import", "ok ok 403 403 ok 403 403 login"),
    c("collection:import_preview", "POST", "import", "ok ok 403 403 ok 403 403 login"),
    c("collection:import_preview", "GET", "import.away", "404 404 403 403 404 403 403 login"),
    c("collection:import_discard", "POST", "import", "ok ok 403 403 ok 403 403 login"),
    c("collection:import_discard", "POST", "import.away", "404 404 403 403 404 403 403 login"),
]

ENTITY_KINDS = ("person", "location", "vehicle", "organisation")

ENTITIES = [
    c("collection:entity_index", "GET", "-", "ok ok ok ok ok ok ok login"),
    c(
        "collection:entity_search",
        "GET",
        "-",
        "ok ok ok ok ok ok ok login",
        query={"kind": "person", "q": "Sur"},
    ),
]
# The four kinds share one set of generic views: the person gets every variant of record, the
# others the home and the away one (and the restricted one through the purpose form).
for _kind in ENTITY_KINDS:
    _n = f"collection:{_kind}"
    ENTITIES += [
        c(f"{_n}_list", "GET", "-", "ok ok ok ok ok ok ok login"),
        c(f"{_n}_create", "GET", "-", "ok ok 403 403 ok 403 403 login"),
        c(f"{_n}_create", "POST", "-", "400 400 403 403 400 403 403 login"),
        c(f"{_n}_detail", "GET", _kind, "ok ok ok ok ok 404 404 login"),
        c(f"{_n}_detail", "GET", f"{_kind}.away", "404 404 404 404 404 ok 404 login"),
        c(
            f"{_n}_detail",
            "POST",
            f"{_kind}.restricted",
            "ok 404 404 404 404 404 404 login",
            body="purpose",
        ),
        # Editing looks the entity up first (404), then checks the role (403).
        c(f"{_n}_edit", "GET", _kind, "ok ok 403 403 ok 404 404 login"),
        c(f"{_n}_edit", "POST", _kind, "400 400 403 403 400 404 404 login"),
        c(f"{_n}_edit", "GET", f"{_kind}.away", "404 404 404 404 404 403 404 login"),
    ]
ENTITIES += [
    c("collection:person_detail", "GET", "person.restricted", "ok 404 404 404 404 404 404 login"),
    c("collection:person_detail", "GET", "person.shared", "ok ok ok ok ok ok 404 login"),
]

ANALYSIS = [
    c("analysis:job_list", "GET", "-", "ok ok ok ok ok ok ok login"),
    c("analysis:job_create", "GET", "-", "ok ok 403 403 ok 403 403 login"),
    c("analysis:job_create", "POST", "-", "400 400 403 403 400 403 403 login"),
    c("analysis:job_detail", "GET", "job", "ok ok ok ok ok 404 404 login"),
    c("analysis:job_detail", "GET", "job.restricted", "ok 404 404 404 404 404 404 login"),
    c(
        "analysis:job_detail",
        "POST",
        "job.restricted",
        "ok 404 404 404 404 404 404 login",
        body="purpose",
    ),
    c("analysis:job_detail", "GET", "job.away", "404 404 404 404 404 404 404 login"),
    c("analysis:job_progress", "GET", "job", "ok ok ok ok ok 404 404 login"),
    c("analysis:job_progress", "GET", "job.away", "404 404 404 404 404 404 404 login"),
    # Cancel: the analyst who ran it or a supervisor (the job has finished: a message, 302).
    c("analysis:job_cancel", "POST", "job", "ok ok 403 403 403 404 404 login"),
    c("analysis:job_cancel", "POST", "job.away", "404 404 404 404 404 404 404 login"),
    c("analysis:job_rerun", "POST", "job", "ok ok 403 403 ok 404 404 login"),
    c("analysis:job_rerun", "POST", "job.away", "404 404 404 404 404 404 404 login"),
    # Observed: a kde job has no link chart, and the chart of a job that is not a network is
    # answered 404 for everyone (as for a job that does not exist).
    c("analysis:job_network", "GET", "job", "404 404 404 404 404 404 404 login"),
    c("analysis:job_network", "GET", "job.away", "404 404 404 404 404 404 404 login"),
    c("analysis:job_export_csv", "GET", "job", "ok ok ok ok ok 404 404 login"),
    c("analysis:job_export_csv", "GET", "job.away", "404 404 404 404 404 404 404 login"),
    c("analysis:job_export_geojson", "GET", "job", "ok ok ok ok ok 404 404 login"),
    c("analysis:job_export_geojson", "GET", "job.away", "404 404 404 404 404 404 404 login"),
]

GOVERNANCE = [
    # The review queue is the supervisors'; to anyone else it does not exist.
    c("governance:review_queue", "GET", "-", "404 ok 404 404 404 404 404 login"),
    c(
        "governance:review_decide",
        "POST",
        "ct:report",
        "404 ok 404 404 404 404 404 login",
        body="review",
    ),
    # Another agency's record: "no longer exists" message and back to the queue, as for a
    # purged one (302): the supervisor learns nothing.
    c(
        "governance:review_decide",
        "POST",
        "ct:report.away",
        "404 ok 404 404 404 404 404 login",
        body="review",
    ),
    # Sharing is a supervisor's act (ilp.add_dissemination): a record the user cannot see is a
    # 404 first, then a role that may not share is a 403.
    c("governance:share", "GET", "ct:report", "403 ok 403 403 403 404 404 login"),
    c(
        "governance:share",
        "POST",
        "ct:report",
        "403 ok 403 403 403 404 404 login",
        body="share",
    ),
    c("governance:share", "GET", "ct:report.shared", "403 ok 403 403 403 403 404 login"),
    c("governance:share", "GET", "ct:report.away", "404 404 404 404 404 403 404 login"),
    # Restricting: only a user of the record's own agency who can see it. Which roles of that
    # agency may restrict is not written down anywhere; today any role that can see it can.
    c("governance:restrict", "GET", "ct:report", "ok ok ok ok ok 404 404 login"),
    c("governance:restrict", "POST", "ct:report", "ok ok ok ok ok 404 404 login"),
    c("governance:restrict", "GET", "ct:report.shared", "ok ok ok ok ok 403 404 login"),
    c("governance:restrict", "POST", "ct:report.shared", "ok ok ok ok ok 403 404 login"),
    c("governance:restrict", "GET", "ct:report.away", "404 404 404 404 404 ok 404 login"),
    c("governance:notifications", "GET", "-", "ok ok ok ok ok ok ok login"),
]

API_CORE = [
    c("api:schema", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:docs", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:me", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:core:unit-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:core:unit-detail", "GET", "unit", "ok ok ok ok ok 404 ok 401"),
    c("api:core:unit-detail", "GET", "unit.away", "404 404 404 404 404 ok 404 401"),
    c("api:core:token-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:core:token-list", "POST", "-", "ok ok ok ok ok ok ok 401", body="new.token"),
    c("api:core:token-detail", "GET", "token", "ok 404 404 404 404 404 404 401"),
    c("api:core:token-revoke", "POST", "token", "ok 404 404 404 404 404 404 401"),
]

API_REPORTS = [
    c("api:collection:report-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    # The body names the home agency's source: the partner and the auditor cannot see it, so
    # the body is refused (400, "invalid pk") before the service's role check is reached.
    c(
        "api:collection:report-list",
        "POST",
        "-",
        "ok ok 403 ok ok 400 400 401",
        body="new.report",
    ),
    c("api:collection:report-detail", "GET", "report", "ok ok ok ok ok 404 404 401"),
    c(
        "api:collection:report-detail",
        "GET",
        "report.restricted",
        "ok 404 404 404 404 404 404 401",
    ),
    c("api:collection:report-detail", "GET", "report.secret", "404 404 404 404 404 404 404 401"),
    c("api:collection:report-detail", "GET", "report.away", "404 404 404 404 404 ok 404 401"),
    c("api:collection:report-detail", "GET", "report.shared", "ok ok ok ok ok ok 404 401"),
    c("api:collection:report-detail", "GET", "report.draft", "ok 404 404 404 404 404 404 401"),
    c(
        "api:collection:report-detail",
        "PATCH",
        "report.draft",
        "ok 404 404 404 404 404 404 401",
        body="patch.report",
    ),
    # An approved report: its author is told it can no longer be edited (400), anyone else
    # that only the author may edit it (403).
    c(
        "api:collection:report-detail",
        "PATCH",
        "report",
        "400 403 403 403 403 404 404 401",
        body="patch.report",
    ),
    c("api:collection:report-submit", "POST", "report.draft", "ok 404 404 404 404 404 404 401"),
    c(
        "api:collection:report-approve",
        "POST",
        "report.submitted",
        "403 ok 403 403 403 404 404 401",
    ),
    c(
        "api:collection:report-return",
        "POST",
        "report.submitted",
        "403 ok 403 403 403 404 404 401",
        body="reason",
    ),
    c(
        "api:collection:report-links",
        "POST",
        "report.draft",
        "ok 404 404 404 404 404 404 401",
        body="link.person",
    ),
    c("api:collection:report-link-remove", "DELETE", "link", "ok 404 404 404 404 404 404 401"),
    c("api:collection:source-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c(
        "api:collection:source-list",
        "POST",
        "-",
        "ok ok 403 403 ok 403 403 401",
        body="new.source",
    ),
    c("api:collection:source-detail", "GET", "source", "ok ok ok ok ok 404 404 401"),
    c(
        "api:collection:source-detail",
        "GET",
        "source.restricted",
        "ok 404 404 404 404 404 404 401",
    ),
    c("api:collection:source-detail", "GET", "source.away", "404 404 404 404 404 404 404 401"),
    c(
        "api:collection:source-detail",
        "PATCH",
        "source",
        "ok ok 403 403 ok 404 404 401",
        body="patch.source",
    ),
    c("api:collection:requirement-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c(
        "api:collection:requirement-list",
        "POST",
        "-",
        "ok ok 403 403 ok 403 403 401",
        body="new.requirement",
    ),
    c("api:collection:requirement-detail", "GET", "requirement", "ok ok ok ok ok 404 404 401"),
    c(
        "api:collection:requirement-detail",
        "GET",
        "requirement.restricted",
        "ok 404 404 404 404 404 404 401",
    ),
    c(
        "api:collection:requirement-detail",
        "GET",
        "requirement.away",
        "404 404 404 404 404 404 404 401",
    ),
    c(
        "api:collection:requirement-detail",
        "PATCH",
        "requirement",
        "ok ok 403 403 ok 404 404 401",
        body="patch.requirement",
    ),
    c("api:collection:requirement-close", "POST", "requirement", "ok ok 403 403 ok 404 404 401"),
]

API_INCIDENTS = [
    c("api:collection:incident-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c(
        "api:collection:incident-list",
        "POST",
        "-",
        "ok ok 403 403 ok 403 403 401",
        body="new.incident",
    ),
    c("api:collection:incident-geojson", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:collection:incident-detail", "GET", "incident", "ok ok ok ok ok 404 404 401"),
    c(
        "api:collection:incident-detail",
        "GET",
        "incident.restricted",
        "ok 404 404 404 404 404 404 401",
    ),
    c("api:collection:incident-detail", "GET", "incident.away", "404 404 404 404 404 ok 404 401"),
    c("api:collection:incident-detail", "GET", "incident.shared", "ok ok ok ok ok ok 404 401"),
    c(
        "api:collection:incident-detail",
        "PATCH",
        "incident",
        "ok ok 403 403 ok 404 404 401",
        body="patch.incident",
    ),
    c(
        "api:collection:incident-detail",
        "PATCH",
        "incident.shared",
        "ok ok 403 403 ok 403 404 401",
        body="patch.incident",
    ),
    c("api:collection:import-list", "GET", "-", "ok ok ok ok ok 403 403 401"),
    # The role is checked before the body is read (ImportPermission).
    c(
        "api:collection:import-list",
        "POST",
        "-",
        "400 400 403 403 400 403 403 401",
        fmt="multipart",
    ),
    # No rows: refused (400) once the role has been checked.
    c(
        "api:collection:import-rows",
        "POST",
        "-",
        "400 400 403 403 400 403 403 401",
        body="import.rows",
    ),
    c("api:collection:import-detail", "GET", "import", "ok ok ok ok ok 403 403 401"),
    c("api:collection:import-detail", "GET", "import.away", "404 404 404 404 404 403 403 401"),
]

API_ENTITIES: list[Case] = []
for _kind in ENTITY_KINDS:
    _n = f"api:collection:{_kind}"
    API_ENTITIES += [
        c(f"{_n}-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
        c(f"{_n}-list", "POST", "-", "ok ok 403 403 ok 403 403 401", body=f"new.{_kind}"),
        c(f"{_n}-detail", "GET", _kind, "ok ok ok ok ok 404 404 401"),
        c(f"{_n}-detail", "GET", f"{_kind}.away", "404 404 404 404 404 ok 404 401"),
        c(f"{_n}-detail", "PATCH", _kind, "ok ok 403 403 ok 404 404 401", body=f"patch.{_kind}"),
    ]
API_ENTITIES += [
    c("api:collection:person-detail", "GET", "person.restricted", "ok 404 404 404 404 404 404 401"),
    c("api:collection:person-detail", "GET", "person.shared", "ok ok ok ok ok ok 404 401"),
]
API_ENTITIES.append(c("api:collection:location-geojson", "GET", "-", "ok ok ok ok ok ok ok 401"))

API_ANALYSIS = [
    c("api:analysis:job-list", "GET", "-", "ok ok ok ok ok ok ok 401"),
    c("api:analysis:job-list", "POST", "-", "ok ok 403 403 ok 403 403 401", body="new.job"),
    c("api:analysis:job-detail", "GET", "job", "ok ok ok ok ok 404 404 401"),
    c("api:analysis:job-detail", "GET", "job.restricted", "ok 404 404 404 404 404 404 401"),
    c("api:analysis:job-detail", "GET", "job.away", "404 404 404 404 404 404 404 401"),
    # The job has finished: whoever may cancel it is told so (409).
    c("api:analysis:job-cancel", "POST", "job", "409 409 403 403 403 404 404 401"),
    c("api:analysis:job-cancel", "POST", "job.away", "404 404 404 404 404 404 404 401"),
    c("api:analysis:job-export-csv", "GET", "job", "ok ok ok ok ok 404 404 401"),
    c("api:analysis:job-export-csv", "GET", "job.away", "404 404 404 404 404 404 404 401"),
    c("api:analysis:job-export-geojson", "GET", "job", "ok ok ok ok ok 404 404 401"),
    c("api:analysis:job-export-geojson", "GET", "job.away", "404 404 404 404 404 404 404 401"),
]

CASES: list[Case] = [
    *ACCOUNT,
    *REPORTS,
    *INCIDENTS,
    *IMPORTS,
    *ENTITIES,
    *ANALYSIS,
    *GOVERNANCE,
    *API_CORE,
    *API_REPORTS,
    *API_INCIDENTS,
    *API_ENTITIES,
    *API_ANALYSIS,
]
