"""GeoJSON of many points: points up to the limit, H3 cells counted in SQL beyond it."""

from __future__ import annotations

import random
from collections import Counter

import h3
import pytest

from collection.incidents.geojson import (
    PointLayer,
    cell_counts,
    feature_collection,
    prefix_length,
)
from collection.incidents.viewsets import INCIDENT_LAYER
from collection.models import Incident
from ilp.models import Agency, Location
from tests.collection.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resolution", range(10))
def test_children_of_one_parent_share_the_prefix_and_no_prefix_spans_two_parents(
    resolution: int,
) -> None:
    rng = random.Random(resolution)
    cells = [h3.latlng_to_cell(51 + rng.random(), -1 + rng.random() * 2, 9) for _ in range(3000)]
    length = prefix_length(resolution)
    parents_by_prefix: dict[str, set[str]] = {}
    for cell in cells:
        parents_by_prefix.setdefault(cell[:length], set()).add(h3.cell_to_parent(cell, resolution))
    assert all(len(parents) == 1 for parents in parents_by_prefix.values())
    by_parent: dict[str, set[str]] = {}
    for cell in cells:
        by_parent.setdefault(h3.cell_to_parent(cell, resolution), set()).add(cell[:length])
    # A parent may span several prefixes (they are re-grouped in Python), never the reverse.
    assert len(parents_by_prefix) >= len(by_parent)


def scatter(agency: Agency, n: int, seed: int = 7) -> list[Incident]:
    rng = random.Random(seed)
    incidents = []
    for i in range(n):
        lat, lng = 51.45 + rng.random() * 0.1, -0.2 + rng.random() * 0.15
        incidents.append(
            IncidentFactory.build(
                agency=agency,
                reference=f"GEO-{seed}-{i}",
                latitude=lat,
                longitude=lng,
                h3_cell=h3.latlng_to_cell(lat, lng, 9),
            )
        )
    offence = IncidentFactory.create(agency=agency).offence
    for incident in incidents:
        incident.offence = offence
    return Incident.objects.bulk_create(incidents)


def test_cell_counts_match_counting_each_point_in_python(agency: Agency) -> None:
    incidents = scatter(agency, 300)
    expected = Counter(h3.cell_to_parent(i.h3_cell, 7) for i in incidents)
    located = Incident.objects.filter(reference__startswith="GEO-")
    assert cell_counts(located, 7) == dict(expected)


def test_few_rows_come_back_as_points(agency: Agency) -> None:
    scatter(agency, 5)
    collection = feature_collection(
        Incident.objects.filter(reference__startswith="GEO-"), INCIDENT_LAYER, limit=5
    )
    assert collection["mode"] == "points"
    assert collection["total"] == 5
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert set(feature["properties"]) == {"id", "reference", "offence", "occurred_from", "status"}
    west, south, east, north = collection["bbox"]
    assert west <= east
    assert south <= north


def test_many_rows_come_back_as_hexagons_with_counts(agency: Agency) -> None:
    scatter(agency, 40)
    collection = feature_collection(
        Incident.objects.filter(reference__startswith="GEO-"),
        INCIDENT_LAYER,
        limit=39,
        resolution=8,
    )
    assert collection["mode"] == "cells"
    assert collection["resolution"] == 8
    assert collection["total"] == 40
    for feature in collection["features"]:
        ring = feature["geometry"]["coordinates"][0]
        assert feature["geometry"]["type"] == "Polygon"
        assert ring[0] == ring[-1]
        assert h3.get_resolution(feature["properties"]["cell"]) == 8


def test_rows_without_a_cell_are_left_out(agency: Agency) -> None:
    IncidentFactory.create(agency=agency, latitude=None, longitude=None, h3_cell="")
    collection = feature_collection(Incident.objects.all(), INCIDENT_LAYER, limit=10)
    assert collection == {
        "type": "FeatureCollection",
        "mode": "points",
        "resolution": None,
        "total": 0,
        "features": [],
    }


def test_locations_use_the_same_builder(agency: Agency) -> None:
    location = LocationFactory.create(agency=agency, name="Red Lion")
    layer = PointLayer(columns=("name",), properties=lambda row: {"label": row[0]})
    collection = feature_collection(Location.objects.all(), layer)
    assert collection["features"][0]["properties"] == {"id": location.pk, "label": "Red Lion"}
