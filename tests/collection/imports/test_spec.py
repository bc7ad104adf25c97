"""The import spec: FIELD=COLUMN assignments, impossible combinations, columns of the file."""

from __future__ import annotations

import pytest

from collection.imports.spec import ImportSpec, SpecError, parse_assignments, resolve

HEADER = ["INCIDENT_KEY", "OCCUR_DATE", "OCCUR_TIME", "Latitude", "Longitude", "a+b"]


def spec(**mapping: str) -> ImportSpec:
    return ImportSpec(mapping=mapping, fixed={"offence": "Shooting"})


def test_parse_assignments_reads_field_equals_column() -> None:
    assert parse_assignments(["reference=uid", "offence = offense_type"], option="--map") == {
        "reference": "uid",
        "offence": "offense_type",
    }


@pytest.mark.parametrize("item", ["reference", "=uid"])
def test_parse_assignments_refuses_a_malformed_item(item: str) -> None:
    with pytest.raises(SpecError, match="FIELD=VALUE"):
        parse_assignments([item], option="--map")


def test_parse_assignments_refuses_a_field_given_twice() -> None:
    with pytest.raises(SpecError, match="given twice"):
        parse_assignments(["reference=a", "reference=b"], option="--map")


def test_resolve_joins_a_date_and_a_time_column() -> None:
    sources = resolve(spec(reference="INCIDENT_KEY", occurred_at="OCCUR_DATE+OCCUR_TIME"), HEADER)
    assert sources["occurred_at"].indexes == (1, 2)
    assert sources["offence"].fixed == "Shooting"


def test_resolve_prefers_a_column_whose_name_holds_a_plus() -> None:
    sources = resolve(spec(reference="a+b", occurred_at="OCCUR_DATE"), HEADER)
    assert sources["reference"].indexes == (5,)


def test_resolve_matches_column_names_case_insensitively() -> None:
    sources = resolve(spec(reference="incident_key", occurred_at="occur_date"), HEADER)
    assert sources["reference"].indexes == (0,)


def test_resolve_names_the_missing_column_and_lists_the_file_columns() -> None:
    with pytest.raises(SpecError) as caught:
        resolve(spec(reference="uid", occurred_at="OCCUR_DATE"), HEADER)
    message = str(caught.value)
    assert "reference: column 'uid' is not in the file" in message
    assert "'INCIDENT_KEY'" in message


def test_resolve_refuses_a_mapped_column_that_appears_twice() -> None:
    with pytest.raises(SpecError, match="appears 2 times"):
        resolve(spec(reference="k", occurred_at="d"), ["k", "d", "k"])


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (ImportSpec(mapping={"occurred_at": "d"}, fixed={"offence": "x"}), "Map the reference"),
        (ImportSpec(mapping={"reference": "k", "occurred_at": "d"}), "offence"),
        (ImportSpec(mapping={"reference": "k"}, fixed={"offence": "x"}), "occurred_at"),
        (
            ImportSpec(mapping={"reference": "k", "occurred_at": "d", "occurred_from": "d"}),
            "not both",
        ),
        (ImportSpec(mapping={"reference": "k", "occurred_at": "d", "x": "x", "y": "y"}), "EPSG"),
        (ImportSpec(mapping={"reference": "k", "occurred_at": "d", "latitude": "y"}), "both"),
        (ImportSpec(mapping={"reference": "k", "occurred_at": "d"}, crs="EPSG:26971"), "map x"),
        (ImportSpec(mapping={"reference": "k", "when": "d"}), "Unknown field 'when'"),
        (ImportSpec(mapping={"reference": "k", "occurred_at": "#row"}), "#row can only"),
        (ImportSpec(mapping={"occurred_at": "d"}, fixed={"reference": "x"}), "from a column"),
        (
            ImportSpec(
                mapping={"reference": "k", "occurred_at": "d", "x": "x", "y": "y"},
                crs="EPSG:999999",
            ),
            "Unknown coordinate system",
        ),
        (ImportSpec(mapping={"reference": "k", "occurred_at": "d"}, time_format="dd/mm"), "%"),
    ],
)
def test_spec_check_refuses_impossible_combinations(given: ImportSpec, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        given.check()
