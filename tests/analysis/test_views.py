"""The analysis pages: list, new-analysis form, job page with live progress and results, and
the cancel / run-again buttons, for each persona."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse

from analysis import services
from analysis.models import AnalysisJob
from collection.models import OffenceType
from ilp.models import Area, AuditEvent, User
from tests.analysis.test_jobs import scatter

pytestmark = pytest.mark.django_db

LIST = reverse("analysis:job_list")
NEW = reverse("analysis:job_create")
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.3, 51.3], [0.1, 51.3], [0.1, 51.7], [-0.3, 51.7], [-0.3, 51.3]]],
}


def may_read_areas(user: User) -> None:
    """Areas are read through record_scope, which needs the model's view permission; no role
    carries it yet, so the tests that choose an area give it to the user directly."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="ilp", codename="view_area")
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(job: AnalysisJob) -> str:
    return reverse("analysis:job_detail", args=[job.pk])


def run(actor: User, kind: str, **kwargs: Any) -> AnalysisJob:
    job = services.job_create(actor=actor, kind=kind, **kwargs)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.SUCCEEDED, finished.error
    return finished


def form_data(kind: str = "kde", **extra: Any) -> dict[str, Any]:
    """What the browser sends for the new-analysis form with every default filled in."""
    data: dict[str, Any] = {
        "kind": kind,
        "title": "Burglary hotspots",
        "time_zone": "Europe/London",
        "kde-cell_size": "100",
        "kde-bandwidth": "400",
        "kde-kernel": "quartic",
        "gistar-grid": "h3",
        "gistar-resolution": "9",
        "gistar-cell_size": "200",
        "gistar-neighbours": "queen",
        "near_repeat-spatial_bands": "0,100,200,300",
        "near_repeat-temporal_bands": "0,7,14",
        "near_repeat-metric": "manhattan",
        "near_repeat-permutations": "99",
    }
    data.update(extra)
    return data


def map_data(response: Any) -> dict[str, Any]:
    match = re.search(
        r'<script id="result-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries no map data"
    return dict(json.loads(match.group(1)))


# -- Who may see what --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, NEW, "/analysis/jobs/1/", "/analysis/jobs/1/export.csv"])
def test_anonymous_users_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_job_list_shows_visible_jobs_newest_first_with_who_ran_them(analyst: User) -> None:
    first = services.job_create(actor=analyst, kind="kde", title="Older one")
    second = services.job_create(actor=analyst, kind="near_repeat", title="Newer one")
    response = signed_in(analyst).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Newer one") < page.index("Older one")
    assert "Near repeat (Knox test)" in page
    assert analyst.get_full_name() in page
    assert 'data-testid="job-status"' in page
    assert detail(first) in page
    assert detail(second) in page
    assert 'data-testid="new-analysis"' in page


def test_the_list_polls_while_a_job_on_it_is_unfinished(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    assert 'hx-trigger="every 2s"' in signed_in(analyst).get(LIST).content.decode()
    services.job_cancel(actor=analyst, job=job)
    assert (
        "hx-trigger"
        not in signed_in(analyst).get(LIST, headers={"HX-Request": "true"}).content.decode()
    )


def test_the_list_filters_by_kind_and_answers_htmx_with_the_table_alone(analyst: User) -> None:
    services.job_create(actor=analyst, kind="kde", title="Density run")
    services.job_create(actor=analyst, kind="gistar", title="Hotspot run")
    response = signed_in(analyst).get(LIST, {"kind": "gistar"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Hotspot run" in page
    assert "Density run" not in page
    assert "<html" not in page
    assert response["Vary"].count("HX-Request") == 1


def test_the_list_reads_empty_filters_as_any(analyst: User) -> None:
    services.job_create(actor=analyst, kind="kde", title="Any kind will do")
    response = signed_in(analyst).get(LIST, {"kind": "", "status": ""})
    assert response.status_code == 200
    assert "Any kind will do" in response.content.decode()


def test_an_officer_sees_the_list_but_no_new_button(analyst: User, officer: User) -> None:
    services.job_create(actor=analyst, kind="kde", title="Shared with response")
    response = signed_in(officer).get(LIST)
    assert response.status_code == 200
    assert "Shared with response" in response.content.decode()
    assert 'data-testid="new-analysis"' not in response.content.decode()


def test_a_partner_of_another_agency_sees_none_of_the_jobs(analyst: User, partner: User) -> None:
    job = services.job_create(actor=analyst, kind="kde", title="Home agency only")
    response = signed_in(partner).get(LIST)
    assert response.status_code == 200
    assert "Home agency only" not in response.content.decode()
    client = signed_in(partner)
    assert client.get(detail(job)).status_code == 404
    assert client.get(reverse("analysis:job_progress", args=[job.pk])).status_code == 404
    assert client.get(reverse("analysis:job_export_csv", args=[job.pk])).status_code == 404
    assert client.post(reverse("analysis:job_cancel", args=[job.pk])).status_code == 404
    assert client.post(reverse("analysis:job_rerun", args=[job.pk])).status_code == 404
    assert client.get(NEW, {"from": job.pk}).status_code == 403  # partners run nothing


def test_a_job_page_view_is_audited(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    signed_in(analyst).get(detail(job))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_id=str(job.pk))
    assert event.actor == analyst
    assert event.object_type == "analysis.analysisjob"


def test_the_list_stays_within_its_query_budget(
    analyst: User, supervisor: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        services.job_create(actor=analyst if i % 2 else supervisor, kind="kde", title=f"Run {i}")
    client = signed_in(analyst)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="job-status"') == 25


# -- The new-analysis form ---------------------------------------------------------------------


def test_the_form_offers_every_runnable_kind_with_defaults(analyst: User) -> None:
    theft = OffenceType.objects.create(name="Theft from vehicle")
    page = signed_in(analyst).get(NEW).content.decode()
    for kind in ("kde", "gistar", "near_repeat"):
        assert f'data-kind-params="{kind}"' in page
    assert 'name="kde-bandwidth"' in page
    assert 'value="400"' in page
    assert 'name="near_repeat-permutations"' in page
    assert 'value="999"' in page
    assert theft.name in page
    assert 'id="draw-map"' in page
    assert 'name="polygon"' in page


def test_an_analyst_runs_a_kde_with_a_period_offences_and_a_drawn_polygon(analyst: User) -> None:
    burglary = OffenceType.objects.create(name="Burglary")
    data = form_data(
        "kde",
        occurred_from="2026-01-10T08:00",
        occurred_to="2026-03-01T00:00",
        time_zone="America/New_York",
        offences=[str(burglary.pk)],
        polygon=json.dumps(SQUARE),
        seed="42",
        **{"kde-bandwidth": "250", "kde-kernel": "gaussian"},
    )
    response = signed_in(analyst).post(NEW, data)
    job = AnalysisJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(job)
    assert job.kind == "kde"
    assert job.title == "Burglary hotspots"
    assert job.parameters == {"cell_size": 100.0, "bandwidth": 250.0, "kernel": "gaussian"}
    # Times typed in the browser's zone arrive as aware ISO strings.
    assert job.inputs["occurred_from"] == "2026-01-10T08:00:00-05:00"
    assert job.inputs["occurred_to"] == "2026-03-01T00:00:00-05:00"
    assert job.inputs["offences"] == [burglary.pk]
    assert job.inputs["polygon"] == SQUARE
    assert job.seed == 42
    assert job.created_by == analyst


def test_gistar_sends_only_the_parameters_of_its_grid(analyst: User) -> None:
    signed_in(analyst).post(NEW, form_data("gistar", **{"gistar-grid": "square"}))
    assert AnalysisJob.objects.get().parameters == {
        "grid": "square",
        "cell_size": 200.0,
        "neighbours": "queen",
    }


def test_an_analyst_can_choose_an_area_instead_of_drawing(analyst: User) -> None:
    may_read_areas(analyst)
    area = Area.objects.create(agency=analyst.agency, name="Beat 7", geometry=SQUARE)
    signed_in(analyst).post(NEW, form_data("near_repeat", area=str(area.pk)))
    job = AnalysisJob.objects.get()
    assert job.inputs == {"area": area.pk}
    assert job.parameters["spatial_bands"] == [0, 100, 200, 300]


def test_an_officer_is_refused_the_form_and_nothing_is_created(officer: User) -> None:
    client = signed_in(officer)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert not AnalysisJob.objects.exists()


@pytest.mark.parametrize(
    ("kind", "extra", "field", "message"),
    [
        ("kde", {"kde-bandwidth": "-5"}, "kde-bandwidth", "Must be between 10 and 50000."),
        ("kde", {"kde-cell_size": "wide"}, "kde-cell_size", "Enter a number."),
        (
            "near_repeat",
            {"near_repeat-spatial_bands": "0,200,100"},
            "near_repeat-spatial_bands",
            "strictly increasing",
        ),
        (
            "near_repeat",
            {"near_repeat-temporal_bands": "0,inf,14"},
            "near_repeat-temporal_bands",
            "strictly increasing",
        ),
        ("gistar", {"gistar-resolution": "14"}, "gistar-resolution", "Must be between 5 and 11."),
        (
            "kde",
            {"polygon": json.dumps({"type": "Point", "coordinates": [-0.1, 51.5]})},
            "polygon",
            "Draw a valid polygon.",
        ),
        ("kde", {"polygon": "{not json"}, "polygon", "could not be read"),
        (
            "kde",
            {"occurred_from": "2026-02-01T00:00", "occurred_to": "2026-01-01T00:00"},
            "occurred_to",
            "ends before it starts",
        ),
    ],
)
def test_refused_values_are_shown_next_to_their_field_and_kept(
    analyst: User, kind: str, extra: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(analyst).post(NEW, form_data(kind, **extra))
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(rf'data-error-for="{field}">([^<]*)<', page)
    assert error, f"no error shown for {field}"
    assert message in error.group(1)
    assert 'data-testid="form-errors"' in page
    for value in extra.values():
        if not value.startswith("{"):
            assert f'value="{value}"' in page  # what was typed is kept
    assert not AnalysisJob.objects.exists()


def test_choosing_an_area_and_drawing_a_polygon_is_refused(analyst: User) -> None:
    may_read_areas(analyst)
    area = Area.objects.create(agency=analyst.agency, name="Beat 7", geometry=SQUARE)
    response = signed_in(analyst).post(
        NEW, form_data(area=str(area.pk), polygon=json.dumps(SQUARE))
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert not AnalysisJob.objects.exists()


def test_an_area_of_another_agency_cannot_be_chosen(analyst: User, partner: User) -> None:
    may_read_areas(analyst)
    theirs = Area.objects.create(agency=partner.agency, name="Away beat", geometry=SQUARE)
    response = signed_in(analyst).post(NEW, form_data(area=str(theirs.pk)))
    assert response.status_code == 400
    assert "Away beat" not in response.content.decode()
    assert not AnalysisJob.objects.exists()


def test_change_settings_and_run_again_starts_from_the_jobs_values(analyst: User) -> None:
    job = services.job_create(
        actor=analyst,
        kind="near_repeat",
        parameters={"spatial_bands": [0, 150, 300], "permutations": 49},
        inputs={"polygon": SQUARE},
        seed=7,
        title="Series",
    )
    page = signed_in(analyst).get(NEW, {"from": job.pk}).content.decode()
    assert 'value="0,150,300"' in page
    assert 'value="49"' in page
    assert 'value="7"' in page
    assert '<option value="near_repeat" selected>' in page
    assert "&quot;Polygon&quot;" in page


# -- The job page ------------------------------------------------------------------------------


def test_the_progress_fragment_polls_every_second_until_the_job_finishes(analyst: User) -> None:
    scatter(analyst.agency, 30)
    job = services.job_create(actor=analyst, kind="kde")
    client = signed_in(analyst)
    progress = reverse("analysis:job_progress", args=[job.pk])
    page = client.get(detail(job)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="{progress}"' in page
    running = client.get(progress, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Refresh" not in running
    services.job_run(job_id=job.pk)
    finished = client.get(progress, headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.content.decode()
    assert finished["HX-Refresh"] == "true"
    assert "hx-trigger" not in client.get(detail(job)).content.decode()


def test_a_kde_result_is_a_map_of_cells_with_its_settings(analyst: User) -> None:
    scatter(analyst.agency, 60)
    job = run(analyst, "kde", parameters={"cell_size": 100, "bandwidth": 300}, seed=5)
    response = signed_in(analyst).get(detail(job))
    page = response.content.decode()
    data = map_data(response)
    assert data["kind"] == "kde"
    assert data["max"] == job.result["max_density"]
    assert len(data["cells"]) == min(len(job.result["cells"]), 5000)
    assert len(data["cells"][0]["ring"]) == 4  # a square, ring left open for Leaflet
    assert data["cells"][0]["density"] == job.result["cells"][0]["density"]
    assert 'id="result-map"' in page
    assert 'data-testid="export-csv"' in page
    assert 'data-testid="export-geojson"' in page
    assert 'data-testid="rerun-job"' in page
    assert 'data-testid="cancel-job"' not in page
    assert '<code data-testid="job-seed">5</code>' in page
    assert '<dd class="col-7" data-testid="input-count">60</dd>' in page
    assert "Bandwidth (m)" in page


def test_a_gistar_result_on_h3_draws_hexagons_coloured_by_significance(analyst: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "h3", "resolution": 9})
    data = map_data(signed_in(analyst).get(detail(job)))
    assert all(len(cell["ring"]) == 6 for cell in data["cells"])
    top = data["cells"][0]
    assert top["class"] == "hot"
    assert top["q"] < 0.05
    assert data["alpha"] == 0.05


def test_a_gistar_result_on_a_square_grid_draws_squares(analyst: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "square", "cell_size": 250})
    response = signed_in(analyst).get(detail(job))
    assert all(len(cell["ring"]) == 4 for cell in map_data(response)["cells"])
    assert 'data-testid="hot-spots"' in response.content.decode()


def test_a_near_repeat_result_is_the_band_table(analyst: User) -> None:
    scatter(analyst.agency, 80)
    job = run(
        analyst,
        "near_repeat",
        parameters={
            "spatial_bands": [0, 200, 400],
            "temporal_bands": [0, 7, 14],
            "permutations": 19,
        },
    )
    response = signed_in(analyst).get(detail(job))
    page = response.content.decode()
    assert 'data-testid="knox-table"' in page
    assert "0–200 m" in page
    assert "200–400 m" in page
    assert "0–7 days" in page
    assert "7–14 days" in page
    assert page.count('class="nr-cell') == 4
    assert 'id="result-data"' not in page  # no map for near repeat
    assert 'data-testid="export-geojson"' not in page
    assert 'data-testid="export-csv"' in page


def test_near_repeat_cells_are_highlighted_when_significant_and_shaded_above_one(
    analyst: User,
) -> None:
    job = services.job_create(actor=analyst, kind="near_repeat")
    AnalysisJob.objects.filter(pk=job.pk).update(
        status=AnalysisJob.Status.SUCCEEDED,
        result={
            "spatial_bands": [0, 100, 200],
            "temporal_bands": [0, 7, 14],
            "observed": [[30, 8], [10, 9]],
            "expected": [[12.5, 8.0], [10.0, 10.0]],
            "knox_ratio": [[2.4, 1.0], [1.0, 0.9]],
            "p_value": [[0.001, 0.5], [0.45, 0.7]],
            "events": 120,
            "permutations": 999,
            "metric": "manhattan",
            "seed": job.seed,
        },
    )
    page = signed_in(analyst).get(detail(job)).content.decode()
    cells = re.findall(r'<td class="(nr-cell[^"]*)"', page)
    assert cells == [
        "nr-cell nr-shade-3 nr-significant",
        "nr-cell nr-shade-0",
        "nr-cell nr-shade-0",
        "nr-cell nr-shade-0",
    ]
    assert "30 / 12.5" in page
    assert "p 0.001" in page


def test_a_failed_job_shows_its_error(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    services.job_run(job_id=job.pk)  # no incidents
    page = signed_in(analyst).get(detail(job)).content.decode()
    assert 'data-testid="job-error"' in page
    assert "at least 1 incident" in page
    assert 'data-testid="export-csv"' not in page


def test_cancel_stops_a_queued_job_and_the_page_says_so(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    client = signed_in(analyst)
    assert 'data-testid="cancel-job"' in client.get(detail(job)).content.decode()
    response = client.post(reverse("analysis:job_cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == AnalysisJob.Status.CANCELLED
    page = response.content.decode()
    assert 'data-testid="job-cancelled"' in page
    assert 'data-testid="cancel-job"' not in page


def test_cancelling_a_finished_job_is_explained_not_an_error_page(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    services.job_cancel(actor=analyst, job=job)
    response = signed_in(analyst).post(reverse("analysis:job_cancel", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert "already cancelled" in response.content.decode()


def test_an_officer_may_not_cancel_an_analysts_job(analyst: User, officer: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    assert 'data-testid="cancel-job"' not in signed_in(officer).get(detail(job)).content.decode()
    assert signed_in(officer).post(reverse("analysis:job_cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == AnalysisJob.Status.QUEUED


def test_run_again_queues_a_job_with_the_same_parameters_inputs_and_seed(analyst: User) -> None:
    job = services.job_create(
        actor=analyst,
        kind="gistar",
        parameters={"grid": "square", "cell_size": 300},
        inputs={"polygon": SQUARE},
        title="Weekly",
    )
    response = signed_in(analyst).post(reverse("analysis:job_rerun", args=[job.pk]))
    again = AnalysisJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == detail(again)
    assert (again.kind, again.parameters, again.inputs, again.seed, again.title) == (
        job.kind,
        job.parameters,
        job.inputs,
        job.seed,
        job.title,
    )


def test_an_officer_cannot_run_a_job_again(analyst: User, officer: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    assert signed_in(officer).post(reverse("analysis:job_rerun", args=[job.pk])).status_code == 403
    assert AnalysisJob.objects.count() == 1


def test_maps_use_a_plain_background_without_a_tile_server(analyst: User) -> None:
    scatter(analyst.agency, 30)
    job = run(analyst, "kde")
    page = signed_in(analyst).get(detail(job)).content.decode()
    assert 'data-tile-url=""' in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page.split("<main")[1])


@override_settings(
    ILP_TILE_URL="https://tiles.example.police/{z}/{x}/{y}.png",
    ILP_TILE_ATTRIBUTION="Force mapping",
)
def test_maps_use_the_configured_tile_server(analyst: User) -> None:
    page = signed_in(analyst).get(NEW).content.decode()
    assert 'data-tile-url="https://tiles.example.police/{z}/{x}/{y}.png"' in page
    assert 'data-tile-attribution="Force mapping"' in page


# -- Navigation and dashboard ------------------------------------------------------------------


def test_the_dashboard_shows_recent_analyses_and_the_nav_links_them(
    analyst: User, officer: User, partner: User
) -> None:
    job = services.job_create(actor=analyst, kind="kde", title="Dashboard run")
    page = signed_in(officer).get(reverse("home")).content.decode()
    assert 'data-panel="recent-analyses"' in page
    assert detail(job) in page
    assert f'href="{LIST}"' in page
    partner_page = signed_in(partner).get(reverse("home")).content.decode()
    assert 'data-panel="recent-analyses"' not in partner_page
    assert f'href="{LIST}"' not in partner_page


def test_numbers_are_shown_for_people() -> None:
    from analysis.templatetags.analysis_tags import duration, p_value, stat

    assert [duration(None), duration(0.42), duration(42.4), duration(200), duration(3900)] == [
        "—",
        "0.4 s",
        "42 s",
        "3 min 20 s",
        "1 h 5 min",
    ]
    assert [stat(None), stat(1.23456), stat(1110.4), stat(0.000012345)] == [
        "—",
        "1.23",
        "1,110",
        "1.23e-05",
    ]
    assert [p_value(0.0123), p_value(0.0000456), p_value(0.0)] == ["0.012", "4.6e-05", "< 1e-300"]
