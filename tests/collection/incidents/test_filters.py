"""The incident FilterSet shared by the list page, the map and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import h3
import pytest
from django.test import RequestFactory

from collection.incidents.filters import IncidentFilterSet, descendant_range
from collection.models import Import, Incident, OffenceType
from collection.selectors import incident_list
from ilp.models import Agency, User
from tests.collection.factories import IncidentFactory
from tests.collection.incidents.conftest import CELL, T0

pytestmark = pytest.mark.django_db


def filtered(actor: User, **params: Any) -> tuple[list[Incident], dict[str, Any]]:
    request = RequestFactory().get("/", params)
    request.user = actor
    filterset = IncidentFilterSet(
        request.GET, queryset=incident_list(actor=actor).order_by("id"), request=request
    )
    return list(filterset.qs), dict(filterset.errors)


def test_no_filters_lists_the_agencys_incidents(
    analyst: User, incident: Incident, away_incident: Incident
) -> None:
    assert filtered(analyst) == ([incident], {})


def test_by_offence_category_and_status(
    analyst: User, agency: Agency, incident: Incident, unweighted: OffenceType
) -> None:
    other = IncidentFactory.create(agency=agency, offence=unweighted, status="closed")
    assert filtered(analyst, offence=incident.offence_id)[0] == [incident]
    assert filtered(analyst, offence_category="Other")[0] == [other]
    assert filtered(analyst, status="closed")[0] == [other]


def test_by_the_day_it_started_inclusive(analyst: User, agency: Agency) -> None:
    first = IncidentFactory.create(agency=agency, occurred_from=T0, occurred_to=T0)
    later = T0 + timedelta(days=2)
    second = IncidentFactory.create(agency=agency, occurred_from=later, occurred_to=later)
    assert filtered(analyst, occurred_after="2026-03-02")[0] == [second]
    assert filtered(analyst, occurred_before="2026-03-01")[0] == [first]
    assert filtered(analyst, occurred_after="2026-03-01", occurred_before="2026-03-03")[0] == [
        first,
        second,
    ]


def test_a_day_beyond_the_platforms_years_is_clamped_not_refused(
    analyst: User, incident: Incident
) -> None:
    assert filtered(analyst, occurred_after="0001-01-01") == ([incident], {})
    assert filtered(analyst, occurred_before="9999-12-31") == ([incident], {})


def test_by_h3_cell_at_resolution_9_or_coarser(
    analyst: User, agency: Agency, incident: Incident
) -> None:
    neighbour = next(cell for cell in h3.grid_disk(CELL, 1) if cell != CELL)
    near = IncidentFactory.create(agency=agency, h3_cell=neighbour)
    far = IncidentFactory.create(agency=agency, h3_cell=h3.latlng_to_cell(53.48, -2.24, 9))
    assert filtered(analyst, h3_cell=CELL)[0] == [incident]
    for resolution in range(10):
        parent = h3.cell_to_parent(CELL, resolution)
        found = filtered(analyst, h3_cell=parent)[0]
        assert incident in found
        assert (near in found) == (h3.cell_to_parent(neighbour, resolution) == parent)
        assert (far in found) == (h3.cell_to_parent(far.h3_cell, resolution) == parent)


@pytest.mark.parametrize("resolution", range(10))
def test_the_descendant_range_holds_exactly_the_children(resolution: int) -> None:
    parent = h3.cell_to_parent(CELL, resolution)
    first, last = descendant_range(parent)
    children = set(h3.cell_to_children(parent, 9)) if resolution >= 5 else set()
    if children:
        assert (min(children), max(children)) == (first, last)
    around = h3.grid_disk(h3.cell_to_parent(CELL, max(resolution, 5)), 2)
    for cell in {c for near in around for c in h3.cell_to_children(near, 9)}:
        inside = first <= cell <= last
        assert inside == (h3.cell_to_parent(cell, resolution) == parent)


def test_a_finer_cell_stands_for_its_resolution_9_parent(analyst: User, incident: Incident) -> None:
    finer = h3.cell_to_center_child(CELL, 11)
    assert filtered(analyst, h3_cell=finer)[0] == [incident]


def test_a_cell_that_does_not_exist_matches_nothing(analyst: User, incident: Incident) -> None:
    assert filtered(analyst, h3_cell="8f2830828052d25") == ([], {})


def test_a_cell_that_is_not_hexadecimal_is_an_error(analyst: User, incident: Incident) -> None:
    assert "h3_cell" in filtered(analyst, h3_cell="nonsense")[1]


def test_by_having_a_location(analyst: User, agency: Agency, incident: Incident) -> None:
    nowhere = IncidentFactory.create(agency=agency, latitude=None, longitude=None, h3_cell="")
    assert filtered(analyst, has_location="true")[0] == [incident]
    assert filtered(analyst, has_location="false")[0] == [nowhere]


def test_by_reference_text(analyst: User, agency: Agency, incident: Incident) -> None:
    IncidentFactory.create(agency=agency, reference="XY-2")
    assert filtered(analyst, q="home")[0] == [incident]


def test_by_the_import_it_came_from(analyst: User, agency: Agency, incident: Incident) -> None:
    load = Import.objects.create(agency=agency, file_name="crimes.csv")
    imported = IncidentFactory.create(agency=agency, source_import=load)
    assert filtered(analyst, source_import=load.pk)[0] == [imported]


def test_by_box(analyst: User, agency: Agency, incident: Incident) -> None:
    IncidentFactory.create(agency=agency, latitude=53.48, longitude=-2.24)
    assert filtered(analyst, bbox="-0.2,51.4,0,51.6")[0] == [incident]


def test_a_box_is_put_in_order_and_clipped_to_the_world(analyst: User, incident: Incident) -> None:
    assert filtered(analyst, bbox="0,51.6,-0.2,51.4")[0] == [incident]
    assert filtered(analyst, bbox="-500,-100,500,100")[0] == [incident]


@pytest.mark.parametrize("box", ["1,2,3", "a,b,c,d", "nan,0,1,1", "1e3,0,1,1"])
def test_a_malformed_box_is_an_error(analyst: User, incident: Incident, box: str) -> None:
    assert "bbox" in filtered(analyst, bbox=box)[1]
