"""Temporal patterns: the runner (hour × weekday in the agency's time zone, aoristic spreading,
weekly trend and spikes), form, page, export, API and command line, and that only incidents the
analyst may see are counted."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient
from scipy import stats

from analysis import services
from analysis.models import AnalysisJob
from analysis.runners.temporal import (
    HOUR_WEEKDAY_COLUMNS,
    clean_temporal,
    local_times,
    temporal_summary,
    trend_sentence,
)
from collection.models import Incident
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, User
from tests.analysis.test_views import detail, form_data, run, signed_in
from tests.collection.factories import IncidentFactory

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # London keeps GMT (UTC) in winter
EIGHT_WEEKS = {
    "occurred_from": MONDAY.isoformat(),
    "occurred_to": (MONDAY + timedelta(weeks=8)).isoformat(),
}
MON, TUE, FRI = 0, 1, 4


def incident(agency: Agency | None, start: datetime, end: datetime | None = None) -> Incident:
    assert agency is not None
    return IncidentFactory.create(
        agency=agency, occurred_from=start, occurred_to=end or start, latitude=51.5, longitude=-0.12
    )


def clock_incidents(agency: Agency | None) -> None:
    """Three at Friday 3 July 2026 21:15 UTC (22:15 in London, summer time), one known only to
    be between 10:00 and 12:00 on Monday 5 January (GMT), one between 10:30 and 12:30 on
    Tuesday 6 January."""
    for _ in range(3):
        incident(agency, datetime(2026, 7, 3, 21, 15, tzinfo=UTC))
    incident(agency, datetime(2026, 1, 5, 10, tzinfo=UTC), datetime(2026, 1, 5, 12, tzinfo=UTC))
    incident(
        agency, datetime(2026, 1, 6, 10, 30, tzinfo=UTC), datetime(2026, 1, 6, 12, 30, tzinfo=UTC)
    )


def spike_incidents(agency: Agency | None) -> None:
    """Two incidents a week for seven weeks from Monday 5 January 2026, then twelve."""
    for week, count in enumerate([2, 2, 2, 2, 2, 2, 2, 12]):
        for i in range(count):
            incident(agency, MONDAY + timedelta(weeks=week, days=1, hours=10 + i))


def table_of(job: AnalysisJob) -> list[list[float]]:
    assert job.result is not None
    return list(job.result["hour_weekday"]["counts"])


# -- The runner --------------------------------------------------------------------------------


def test_clock_times_are_read_in_the_agencys_zone_with_summer_time() -> None:
    utc = np.array(
        ["2026-03-29T00:30", "2026-03-29T01:30", "2026-07-03T21:15", "2026-10-25T01:30"],
        dtype="datetime64[s]",
    )
    assert local_times(utc, "Europe/London").astype(str).tolist() == [
        "2026-03-29T00:30:00",  # before the clocks go forward at 01:00 UTC
        "2026-03-29T02:30:00",
        "2026-07-03T22:15:00",
        "2026-10-25T01:30:00",  # the clocks went back at 01:00 UTC
    ]
    assert local_times(utc[2:3], "America/Chicago").astype(str).tolist() == ["2026-07-03T16:15:00"]


def test_the_hour_weekday_table_is_aoristic_in_local_time(analyst: User) -> None:
    clock_incidents(analyst.agency)
    job = run(analyst, "temporal", parameters={"aoristic": "equal"})
    table = table_of(job)
    assert job.parameters["time_zone"] == "Europe/London"
    assert table[FRI][22] == 3  # 21:15 UTC is 22:15 in London in July
    assert table[FRI][21] == 0
    assert table[MON][10] == table[MON][11] == 0.5  # 10:00-12:00 touches two hour blocks
    assert table[TUE][10] == table[TUE][11] == table[TUE][12] == pytest.approx(1 / 3, abs=1e-4)
    assert sum(map(sum, table)) == pytest.approx(5)
    assert job.result["hour_weekday"]["peak"] == {"weekday": "Friday", "hour": 22, "count": 3.0}


def test_proportional_and_start_time_tables(analyst: User) -> None:
    clock_incidents(analyst.agency)
    proportional = table_of(run(analyst, "temporal", parameters={"aoristic": "proportional"}))
    assert [proportional[TUE][h] for h in (10, 11, 12)] == [0.25, 0.5, 0.25]
    starts = table_of(run(analyst, "temporal", parameters={"aoristic": "none"}))
    assert (starts[MON][10], starts[MON][11], starts[TUE][10], starts[TUE][11]) == (1, 0, 1, 0)


def test_the_time_zone_is_the_requesting_agencys(analyst: User) -> None:
    assert analyst.agency is not None
    analyst.agency.time_zone = "America/Chicago"
    analyst.agency.save()
    clock_incidents(analyst.agency)
    job = run(analyst, "temporal", parameters={"time_zone": "Asia/Tokyo"})
    assert job.parameters["time_zone"] == "America/Chicago"
    assert table_of(job)[FRI][16] == 3  # 21:15 UTC is 16:15 in Chicago in July
    assert job.result["time_zone"] == "America/Chicago"


def test_long_windows_can_be_left_out_of_the_table(analyst: User) -> None:
    incident(
        analyst.agency, datetime(2026, 1, 5, 9, tzinfo=UTC), datetime(2026, 1, 7, 9, tzinfo=UTC)
    )
    incident(analyst.agency, datetime(2026, 1, 5, 9, tzinfo=UTC))
    job = run(analyst, "temporal", parameters={"max_window_hours": 24})
    table = job.result["hour_weekday"]
    assert (table["left_out"], table["events"]) == (1, 1)
    assert table_of(job)[MON][9] == 1
    assert job.result["events"] == 2


def test_weekly_counts_trend_and_a_spike_on_whole_weeks(analyst: User) -> None:
    spike_incidents(analyst.agency)
    job = run(analyst, "temporal", inputs=EIGHT_WEEKS)
    result = job.result
    assert [w["count"] for w in result["weeks"]] == [2, 2, 2, 2, 2, 2, 2, 12]
    assert all(w["whole"] for w in result["weeks"])  # the period starts and ends on Mondays
    trend = result["trend"]
    # Least squares by hand: Sxx = 42, Sxy = 35 over weeks 0..7.
    assert trend["slope"] == pytest.approx(35 / 42)
    fit = stats.linregress(np.arange(8), [2, 2, 2, 2, 2, 2, 2, 12])
    assert trend["p"] == pytest.approx(fit.pvalue)
    assert trend["weeks"] == 8
    spikes = result["spikes"]
    assert (spikes["baseline"], spikes["tested"], spikes["flagged"]) == (4, 4, 1)
    assert spikes["latest_flagged"] is True
    (flagged,) = spikes["flagged_weeks"]
    assert flagged["week_start"] == "2026-02-23"
    assert flagged["iso_week"] == "2026-W09"
    assert flagged["expected"] == 2
    assert flagged["p"] == pytest.approx(stats.poisson.sf(11, 2))
    ordinary = result["weeks"][4]
    assert ordinary["p"] == pytest.approx(1 - 3 * np.exp(-2))  # P(X >= 2 | mean 2)
    assert not ordinary["flag"]
    assert [w["expected"] for w in result["weeks"][:4]] == [None] * 4


def test_without_a_period_the_first_and_last_weeks_are_left_out_of_the_tests(
    analyst: User,
) -> None:
    spike_incidents(analyst.agency)
    result = run(analyst, "temporal").result
    assert [w["whole"] for w in result["weeks"]] == [False] + [True] * 6 + [False]
    assert result["trend"] is None  # six whole weeks of two incidents each: nothing to fit
    assert "every period has the same count (2)" in result["trend_note"]
    assert result["spikes"]["tested"] == 2
    assert result["spikes"]["flagged"] == 0


def test_too_few_weeks_gives_notes_not_a_failure(analyst: User) -> None:
    incident(analyst.agency, MONDAY + timedelta(hours=10))
    incident(analyst.agency, MONDAY + timedelta(days=8))
    job = run(analyst, "temporal")
    assert (job.result["trend"], job.result["spikes"]) == (None, None)
    assert job.result["trend_note"].startswith("No week is wholly covered")
    assert job.result["spikes_note"].startswith("No week is wholly covered")
    page = signed_in(analyst).get(detail(job)).content.decode()
    assert "No week is wholly covered by the data, so no week was tested." in page


def test_a_job_without_incidents_fails_with_a_clear_message(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="temporal")
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.FAILED
    assert "at least 1 incident" in finished.error


def test_the_trend_sentence_says_which_way_and_how_sure() -> None:
    starts = np.array(
        [f"2026-01-{5 + 7 * w:02d}T10:00" for w in range(4) for _ in range(w + 1)],
        dtype="datetime64[s]",
    )
    summary = temporal_summary(
        starts,
        None,
        aoristic="none",
        max_window_hours=None,
        baseline=1,
        alpha=0.01,
        correction="none",
        period_start=np.datetime64("2026-01-05T00:00", "s"),
        period_end=np.datetime64("2026-02-02T00:00", "s"),
    )
    sentence = trend_sentence(summary["trend"])
    assert sentence.startswith("Rising by 1 incident per week over 4 whole weeks from 2026-01-05")
    assert "p = < 1e-300" in sentence or "p = 0.000" in sentence or "e-" in sentence
    falling = dict(summary["trend"], slope=-2.5, p=0.01)
    assert trend_sentence(falling).startswith("Falling by 2.5 incidents per week")
    flat = dict(summary["trend"], slope=0.1, p=0.4, dispersion=3.0)
    assert trend_sentence(flat).startswith("No clear trend")
    assert "read the least-squares one" in trend_sentence(flat)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"aoristic": "sometimes"}, "aoristic", "Choose one of"),
        ({"baseline_weeks": 0}, "baseline_weeks", "Must be between 1 and 52."),
        ({"baseline_weeks": 2.5}, "baseline_weeks", "Give a whole number."),
        ({"alpha": 1}, "alpha", "Must be between 0.0001 and 0.2."),
        ({"max_window_hours": 0}, "max_window_hours", "Must be between 1 and 8784."),
        ({"correction": "holm"}, "correction", "Choose one of"),
    ],
)
def test_bad_parameters_are_refused(params: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_temporal(params)
    assert message in caught.value.message_dict[field][0]


# -- Who is counted ----------------------------------------------------------------------------


def test_only_incidents_the_analyst_may_see_are_counted(
    analyst: User, supervisor: User, partner: User
) -> None:
    clock_incidents(analyst.agency)
    clock_incidents(partner.agency)
    hidden = incident(analyst.agency, datetime(2026, 7, 3, 21, 15, tzinfo=UTC))
    record_restrict(actor=supervisor, record=hidden)
    mine = run(analyst, "temporal")
    assert mine.result["events"] == 5
    assert table_of(mine)[FRI][22] == 3
    assert table_of(run(supervisor, "temporal"))[FRI][22] == 4
    response = signed_in(partner).get(detail(mine))
    assert response.status_code == 404


# -- The page, the form and the export ---------------------------------------------------------


def test_the_page_shows_the_heat_table_chart_trend_and_spikes(analyst: User) -> None:
    spike_incidents(analyst.agency)
    incident(analyst.agency, datetime(2026, 2, 27, 22, 15, tzinfo=UTC))  # a Friday night
    job = run(analyst, "temporal", inputs=EIGHT_WEEKS)
    response = signed_in(analyst).get(detail(job))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="temporal"' in page
    assert 'data-testid="hour-weekday"' in page
    assert "Incidents by weekday (rows) and hour of the day (columns, Europe/London)" in page
    assert '<th scope="row">Tuesday</th>' in page
    assert 'title="Friday 22:00–22:59: 1.0 incidents"' in page  # aoristic: one decimal
    assert 'data-testid="weekly-chart"' in page
    assert page.count('class="t-bar-spike"') == 1
    assert "No clear trend over 8 whole weeks from 2026-01-05" in page
    assert 'data-testid="latest-spike"' in page
    assert '<td>2026-02-23</td><td>2026-W09</td><td class="text-end">13</td>' in page
    assert "Time zone" in page  # the zone the job used is among its parameters


def test_the_form_queues_a_job_and_refuses_bad_parameters(analyst: User) -> None:
    client = signed_in(analyst)
    fields = {
        "temporal-aoristic": "proportional",
        "temporal-max_window_hours": "48",
        "temporal-baseline_weeks": "8",
        "temporal-alpha": "0.05",
        "temporal-correction": "bh",
    }
    response = client.post(reverse("analysis:job_create"), form_data("temporal", **fields))
    assert response.status_code == 302
    assert AnalysisJob.objects.get().parameters == {
        "aoristic": "proportional",
        "max_window_hours": 48,
        "baseline_weeks": 8,
        "alpha": 0.05,
        "correction": "bh",
        "time_zone": "Europe/London",
    }
    refused = client.post(
        reverse("analysis:job_create"),
        form_data("temporal", **{**fields, "temporal-baseline_weeks": "0"}),
    )
    assert refused.status_code == 400
    assert 'data-error-for="temporal-baseline_weeks">Must be between 1 and 52.' in (
        refused.content.decode()
    )
    assert AnalysisJob.objects.count() == 1


def test_the_csv_export_is_the_hour_weekday_table(analyst: User) -> None:
    clock_incidents(analyst.agency)
    job = run(analyst, "temporal")
    response = signed_in(analyst).get(reverse("analysis:job_export_csv", args=[job.pk]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == HOUR_WEEKDAY_COLUMNS
    assert [r["weekday"] for r in rows][:2] == ["Monday", "Tuesday"]
    assert len(rows) == 7
    assert (rows[FRI]["22"], rows[FRI]["total"]) == ("3.0", "3.0")
    assert (rows[MON]["10"], rows[MON]["11"]) == ("0.5", "0.5")


def test_the_api_runs_temporal_patterns_in_the_agencys_zone(analyst: User) -> None:
    clock_incidents(analyst.agency)
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "temporal", "parameters": {"aoristic": "none", "time_zone": "Mars/Olympus"}},
        format="json",
    )
    assert response.status_code == 202, response.content
    services.job_run(job_id=response.json()["id"])
    body = client.get(f"/api/v1/analysis/jobs/{response.json()['id']}/").json()
    assert body["status"] == "succeeded"
    assert body["parameters"]["time_zone"] == "Europe/London"
    assert body["result"]["hour_weekday"]["counts"][FRI][22] == 3
    refused = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "temporal", "parameters": {"alpha": 0.5}},
        format="json",
    )
    assert refused.status_code == 400
    assert "alpha" in refused.json()["error"]["details"]


# -- The command line --------------------------------------------------------------------------


def analyse(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("analyse", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


def test_the_command_line_prints_the_table_weeks_and_trend(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    rows = ["x,y,when"]
    for week, count in enumerate([1, 2, 3, 4, 5, 6]):
        day = (MONDAY + timedelta(weeks=week)).date()
        rows += [f"0,0,{day} 10:{i:02d}" for i in range(count)]
    rows.append(",0,2026-01-06 10:00")
    path.write_text("\n".join(rows) + "\n")
    result = analyse(
        "temporal", "--csv", str(path), "--x", "x", "--y", "y", "--time", "when",
        "--time-format", "%Y-%m-%d %H:%M", "--spike-baseline", "2",
    )  # fmt: skip
    assert (result["method"], result["events"], result["skipped_rows"]) == ("temporal", 21, 1)
    assert result["hour_weekday"]["counts"][MON][10] == 21
    assert [w["count"] for w in result["weeks"]] == [1, 2, 3, 4, 5, 6]
    assert result["trend"]["weeks"] == 4  # a file has no period: first and last weeks left out
    assert result["trend"]["slope"] == pytest.approx(1)
    assert result["spikes"]["baseline"] == 2


def test_the_command_line_refuses_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("x,y,when\n0,0,2026-01-05\n")
    with pytest.raises(CommandError, match="temporal needs --time"):
        analyse("temporal", "--csv", str(path), "--x", "x", "--y", "y")
    with pytest.raises(CommandError, match="Must be between 1 and 52"):
        analyse(
            "temporal", "--csv", str(path), "--x", "x", "--y", "y", "--time", "when",
            "--spike-baseline", "60",
        )  # fmt: skip


@pytest.mark.skipif(
    not (SHARED / "nearrepeat_chicago_be_2016.csv").exists(), reason="shared data not present"
)
def test_the_command_line_on_chicago_burglary_2016() -> None:
    result = analyse(
        "temporal", "--csv", str(SHARED / "nearrepeat_chicago_be_2016.csv"),
        "--x", "X", "--y", "Y", "--time", "date",
    )  # fmt: skip
    assert result["events"] + result["skipped_rows"] == 11701
    assert sum(w["count"] for w in result["weeks"]) == result["events"]
    assert sum(result["hour_weekday"]["weekday_totals"]) == result["events"]
    # Dates without a time of day all fall in the midnight hour.
    assert sum(result["hour_weekday"]["hour_totals"][1:]) == 0
    assert result["weeks"][0]["week_start"] == "2015-12-28"
    assert result["trend"]["weeks"] == result["weeks_total"] - 2
