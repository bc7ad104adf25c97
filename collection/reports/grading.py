"""Grades given in any scheme, converted to the 3x5x2 equivalent the platform works in.

A report keeps the grade as it was given (``original_scheme`` + ``original_grade``) beside its
3x5x2 equivalent, so nothing is lost in translation and a reader can see both.

How a grade is entered
======================

=============  ========================================  ====================================
scheme         the grade                                 handling
=============  ========================================  ====================================
``3x5x2``      ``source_evaluation`` 1–3 and             ``handling_code`` P or C (C needs
               ``intelligence_assessment`` A–E           ``handling_conditions``)
``5x5x5``      ``original_grade`` of three characters:   derived from the third character;
               source A–E, intelligence 1–5, handling    extra conditions may be added
               1–5, e.g. ``B24``
``admiralty``  ``original_grade`` of two characters:     ``handling_code`` P or C given
               reliability A–F, credibility 1–6,         separately (Admiralty has none)
               e.g. ``B2``
=============  ========================================  ====================================

Legacy 5x5x5 → 3x5x2
--------------------

===== ========================================= ===== ======================================
5x5x5 meaning                                   3x5x2 why
===== ========================================= ===== ======================================
A     source always reliable                    1     a proven record: reliable
B     source mostly reliable                    1     still a proven, good record: reliable
C     source sometimes reliable                 3     not shown reliable; it *has* a record,
                                                      so "untested" would flatter it
D     source unreliable                         3     not reliable
E     source untested                           2     untested
1     known to be true without reservation      A     known directly
2     known personally to source, not officer   A     known directly to the source
3     not known personally, but corroborated    B     known indirectly but corroborated
4     cannot be judged                          D     not known
5     suspected to be false                     E     suspected false or malicious
h1    may go to law enforcement / prosecutors   P     lawful sharing permitted
h2–h5 any dissemination restriction             C     the legacy code's meaning is written
                                                      into ``handling_conditions``
===== ========================================= ===== ======================================

NATO Admiralty → 3x5x2
----------------------

========= ============================== ===== ==========================================
Admiralty meaning                        3x5x2 why
========= ============================== ===== ==========================================
A         completely reliable            1     reliable
B         usually reliable               1     reliable
C         fairly reliable                2     not enough of a record either way: untested
D         not usually reliable           3     not reliable
E         unreliable                     3     not reliable
F         reliability cannot be judged   2     untested
1         confirmed by other sources     B     corroborated; Admiralty does not say the
                                               source knew it directly, so not A
2         probably true                  C     known indirectly
3         possibly true                  C     known indirectly
4         doubtful                       D     not known
5         improbable                     E     suspected false
6         truth cannot be judged         D     not known
========= ============================== ===== ==========================================

Admiralty has no handling code, so one (P or C) must be given with the grade.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ilp.grading import GradingScheme, HandlingCode, IntelligenceAssessment, SourceEvaluation

LEGACY_PREFIX = "Legacy 5x5x5 handling code"
FIVE_SOURCE = {"A": "1", "B": "1", "C": "3", "D": "3", "E": "2"}
FIVE_INTELLIGENCE = {"1": "A", "2": "A", "3": "B", "4": "D", "5": "E"}
FIVE_HANDLING = {
    "1": "May be disseminated to other law enforcement and prosecuting agencies.",
    "2": "May be disseminated to UK non-prosecuting parties (authorisation and records needed).",
    "3": "May be disseminated to non-EEA law enforcement agencies (special conditions apply).",
    "4": "May be disseminated within the originating agency only.",
    "5": "No further dissemination: refer to the originator (special handling requirements).",
}
# What each part of the older scales means, for the form's choices.
MEANINGS = {
    "5x5x5 source": {
        "A": "always reliable",
        "B": "mostly reliable",
        "C": "sometimes reliable",
        "D": "unreliable",
        "E": "untested",
    },
    "5x5x5 intelligence": {
        "1": "known to be true",
        "2": "known to source, not officer",
        "3": "not known personally, corroborated",
        "4": "cannot be judged",
        "5": "suspected false",
    },
    "5x5x5 handling": {
        "1": "law enforcement and prosecutors",
        "2": "UK non-prosecuting parties",
        "3": "non-EEA law enforcement",
        "4": "originating agency only",
        "5": "no further dissemination",
    },
    "admiralty reliability": {
        "A": "completely reliable",
        "B": "usually reliable",
        "C": "fairly reliable",
        "D": "not usually reliable",
        "E": "unreliable",
        "F": "cannot be judged",
    },
    "admiralty credibility": {
        "1": "confirmed",
        "2": "probably true",
        "3": "possibly true",
        "4": "doubtful",
        "5": "improbable",
        "6": "cannot be judged",
    },
}
ADMIRALTY_RELIABILITY = {"A": "1", "B": "1", "C": "2", "D": "3", "E": "3", "F": "2"}
ADMIRALTY_CREDIBILITY = {"1": "B", "2": "C", "3": "C", "4": "D", "5": "E", "6": "D"}


@dataclass(frozen=True)
class GradeInput:
    """A grade as a user or partner system gave it (see the module docstring for the layout)."""

    scheme: str = GradingScheme.G3X5X2
    source_evaluation: str = ""
    intelligence_assessment: str = ""
    original_grade: str = ""
    handling_code: str = ""
    handling_conditions: str = ""


@dataclass(frozen=True)
class Grade:
    """A grade in 3x5x2, with the grade as originally given."""

    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str
    original_scheme: str
    original_grade: str

    @property
    def label(self) -> str:
        """The 3x5x2 grade as written, e.g. '2B P'."""
        return f"{self.source_evaluation}{self.intelligence_assessment} {self.handling_code}"


def _handling(code: str, conditions: str, errors: dict[str, str]) -> tuple[str, str]:
    code = code.strip().upper()
    conditions = conditions.strip()
    if code not in HandlingCode.values:
        errors["handling_code"] = "Choose handling code P or C."
    elif code == HandlingCode.C and not conditions:
        errors["handling_conditions"] = "Handling code C needs its conditions written down."
    return code, conditions


def _from_3x5x2(given: GradeInput, errors: dict[str, str]) -> Grade:
    source = given.source_evaluation.strip()
    intelligence = given.intelligence_assessment.strip().upper()
    if source not in SourceEvaluation.values:
        errors["source_evaluation"] = "Source evaluation must be 1, 2 or 3."
    if intelligence not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = "Intelligence assessment must be A, B, C, D or E."
    code, conditions = _handling(given.handling_code, given.handling_conditions, errors)
    return Grade(source, intelligence, code, conditions, GradingScheme.G3X5X2, "")


def _from_5x5x5(given: GradeInput, errors: dict[str, str]) -> Grade:
    grade = given.original_grade.strip().upper().replace(" ", "")
    if (
        len(grade) != 3
        or grade[0] not in FIVE_SOURCE
        or grade[1] not in FIVE_INTELLIGENCE
        or grade[2] not in FIVE_HANDLING
    ):
        errors["original_grade"] = (
            "A 5x5x5 grade is source A–E, intelligence 1–5 and handling 1–5, e.g. B24."
        )
        return Grade("", "", "", "", GradingScheme.G5X5X5, grade)
    extra = given.handling_conditions.strip()
    if grade[2] == "1":
        code, conditions = HandlingCode.P, extra
    else:
        legacy = f"{LEGACY_PREFIX} {grade[2]}: {FIVE_HANDLING[grade[2]]}"
        code, conditions = HandlingCode.C, f"{legacy}\n{extra}".strip()
    return Grade(
        FIVE_SOURCE[grade[0]],
        FIVE_INTELLIGENCE[grade[1]],
        code,
        conditions,
        GradingScheme.G5X5X5,
        grade,
    )


def _from_admiralty(given: GradeInput, errors: dict[str, str]) -> Grade:
    grade = given.original_grade.strip().upper().replace(" ", "")
    code, conditions = _handling(given.handling_code, given.handling_conditions, errors)
    if (
        len(grade) != 2
        or grade[0] not in ADMIRALTY_RELIABILITY
        or grade[1] not in ADMIRALTY_CREDIBILITY
    ):
        errors["original_grade"] = (
            "An Admiralty grade is reliability A–F and credibility 1–6, e.g. B2."
        )
        return Grade("", "", code, conditions, GradingScheme.ADMIRALTY, grade)
    return Grade(
        ADMIRALTY_RELIABILITY[grade[0]],
        ADMIRALTY_CREDIBILITY[grade[1]],
        code,
        conditions,
        GradingScheme.ADMIRALTY,
        grade,
    )


def convert(given: GradeInput) -> Grade:
    """The 3x5x2 equivalent of a grade in any scheme; a ValidationError names each bad part."""
    errors: dict[str, str] = {}
    if given.scheme == GradingScheme.G3X5X2:
        grade = _from_3x5x2(given, errors)
    elif given.scheme == GradingScheme.G5X5X5:
        grade = _from_5x5x5(given, errors)
    elif given.scheme == GradingScheme.ADMIRALTY:
        grade = _from_admiralty(given, errors)
    else:
        raise ValidationError({"original_scheme": "Choose 3x5x2, 5x5x5 or admiralty."})
    if errors:
        raise ValidationError(errors)
    return grade


def original_label(scheme: str, original_grade: str) -> str:
    """How the original grade reads on a page, e.g. '5x5x5 B24' (empty for 3x5x2)."""
    if scheme == GradingScheme.G3X5X2 or not original_grade:
        return ""
    return f"{GradingScheme(scheme).label}: {original_grade}"


def added_conditions(scheme: str, conditions: str) -> str:
    """The handling conditions a user wrote, without the legacy 5x5x5 meaning (which is derived
    again from the grade whenever it is saved)."""
    if scheme != GradingScheme.G5X5X5:
        return conditions
    lines = conditions.splitlines()
    return "\n".join(x for x in lines if not x.startswith(LEGACY_PREFIX)).strip()
