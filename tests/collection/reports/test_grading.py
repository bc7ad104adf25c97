"""Grades in 5x5x5 and Admiralty are converted to 3x5x2 by the documented mapping."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from collection.reports.grading import GradeInput, added_conditions, convert, original_label

# 5x5x5 source → 3x5x2 source evaluation, and intelligence → 3x5x2 assessment.
FIVE_SOURCE = [("A", "1"), ("B", "1"), ("C", "3"), ("D", "3"), ("E", "2")]
FIVE_INTELLIGENCE = [("1", "A"), ("2", "A"), ("3", "B"), ("4", "D"), ("5", "E")]
ADMIRALTY_RELIABILITY = [("A", "1"), ("B", "1"), ("C", "2"), ("D", "3"), ("E", "3"), ("F", "2")]
ADMIRALTY_CREDIBILITY = [("1", "B"), ("2", "C"), ("3", "C"), ("4", "D"), ("5", "E"), ("6", "D")]


@pytest.mark.parametrize(("legacy", "expected"), FIVE_SOURCE)
def test_5x5x5_source_maps_to_source_evaluation(legacy: str, expected: str) -> None:
    grade = convert(GradeInput(scheme="5x5x5", original_grade=f"{legacy}11"))
    assert grade.source_evaluation == expected


@pytest.mark.parametrize(("legacy", "expected"), FIVE_INTELLIGENCE)
def test_5x5x5_intelligence_maps_to_assessment(legacy: str, expected: str) -> None:
    grade = convert(GradeInput(scheme="5x5x5", original_grade=f"A{legacy}1"))
    assert grade.intelligence_assessment == expected


def test_5x5x5_handling_1_is_p_without_conditions() -> None:
    grade = convert(GradeInput(scheme="5x5x5", original_grade="B21"))
    assert (grade.handling_code, grade.handling_conditions) == ("P", "")
    assert grade.label == "1A P"
    assert (grade.original_scheme, grade.original_grade) == ("5x5x5", "B21")


@pytest.mark.parametrize("handling", ["2", "3", "4", "5"])
def test_5x5x5_handling_2_to_5_is_c_with_the_legacy_meaning(handling: str) -> None:
    grade = convert(GradeInput(scheme="5x5x5", original_grade=f"B2{handling}"))
    assert grade.handling_code == "C"
    assert grade.handling_conditions.startswith(f"Legacy 5x5x5 handling code {handling}: ")


def test_5x5x5_handling_4_means_originating_agency_only() -> None:
    grade = convert(
        GradeInput(scheme="5x5x5", original_grade="b 2 4", handling_conditions="Not to NCP.")
    )
    assert grade.original_grade == "B24"
    assert "within the originating agency only" in grade.handling_conditions
    assert grade.handling_conditions.endswith("Not to NCP.")
    assert added_conditions("5x5x5", grade.handling_conditions) == "Not to NCP."


@pytest.mark.parametrize(("reliability", "expected"), ADMIRALTY_RELIABILITY)
def test_admiralty_reliability_maps_to_source_evaluation(reliability: str, expected: str) -> None:
    grade = convert(
        GradeInput(scheme="admiralty", original_grade=f"{reliability}1", handling_code="P")
    )
    assert grade.source_evaluation == expected


@pytest.mark.parametrize(("credibility", "expected"), ADMIRALTY_CREDIBILITY)
def test_admiralty_credibility_maps_to_assessment(credibility: str, expected: str) -> None:
    grade = convert(
        GradeInput(scheme="admiralty", original_grade=f"A{credibility}", handling_code="P")
    )
    assert grade.intelligence_assessment == expected


def test_admiralty_needs_its_handling_code_given_separately() -> None:
    with pytest.raises(ValidationError) as caught:
        convert(GradeInput(scheme="admiralty", original_grade="B2"))
    assert "handling_code" in caught.value.message_dict


def test_admiralty_grade_keeps_the_handling_given() -> None:
    grade = convert(
        GradeInput(
            scheme="admiralty",
            original_grade="F6",
            handling_code="C",
            handling_conditions="UK only",
        )
    )
    assert grade.label == "2D C"
    assert grade.handling_conditions == "UK only"
    assert original_label("admiralty", "F6") == "NATO Admiralty (A–F / 1–6): F6"


def test_3x5x2_is_kept_as_given() -> None:
    grade = convert(
        GradeInput(source_evaluation="3", intelligence_assessment="e", handling_code="p")
    )
    assert grade.label == "3E P"
    assert (grade.original_scheme, grade.original_grade) == ("3x5x2", "")
    assert original_label("3x5x2", "") == ""


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (
            GradeInput(source_evaluation="4", intelligence_assessment="B", handling_code="P"),
            "source_evaluation",
        ),
        (
            GradeInput(source_evaluation="1", intelligence_assessment="F", handling_code="P"),
            "intelligence_assessment",
        ),
        (
            GradeInput(source_evaluation="1", intelligence_assessment="A", handling_code="X"),
            "handling_code",
        ),
        (
            GradeInput(source_evaluation="1", intelligence_assessment="A", handling_code="C"),
            "handling_conditions",
        ),
        (GradeInput(scheme="5x5x5", original_grade="F11"), "original_grade"),
        (GradeInput(scheme="5x5x5", original_grade="A16"), "original_grade"),
        (GradeInput(scheme="5x5x5", original_grade="A1"), "original_grade"),
        (GradeInput(scheme="admiralty", original_grade="G1", handling_code="P"), "original_grade"),
        (GradeInput(scheme="admiralty", original_grade="A7", handling_code="P"), "original_grade"),
        (GradeInput(scheme="4x4", original_grade="A1"), "original_scheme"),
    ],
)
def test_grades_outside_the_scheme_are_refused_by_field(given: GradeInput, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        convert(given)
    assert field in caught.value.message_dict


def test_c_without_conditions_says_so() -> None:
    with pytest.raises(ValidationError) as caught:
        convert(GradeInput(source_evaluation="1", intelligence_assessment="A", handling_code="C"))
    assert caught.value.message_dict["handling_conditions"] == [
        "Handling code C needs its conditions written down."
    ]
