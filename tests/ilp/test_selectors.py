"""record_scope: the one rule every stage's selectors start from."""

from __future__ import annotations

import pytest

from ilp.choices import Classification
from ilp.models import Person, User
from ilp.selectors import person_list
from tests.collection.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_user_sees_their_agencys_records(analyst: User) -> None:
    person = PersonFactory.create(agency=analyst.agency)
    assert list(person_list(actor=analyst)) == [person]


def test_another_agencys_records_are_invisible(analyst: User, partner: User) -> None:
    PersonFactory.create(agency=partner.agency)
    assert not person_list(actor=analyst).exists()


def test_records_above_the_users_clearance_are_invisible(officer: User) -> None:
    officer.clearance = Classification.OFFICIAL_SENSITIVE
    officer.save()
    visible = PersonFactory.create(
        agency=officer.agency, classification=Classification.OFFICIAL_SENSITIVE
    )
    PersonFactory.create(agency=officer.agency, classification=Classification.SECRET)
    assert list(person_list(actor=officer)) == [visible]


def test_anonymous_and_deactivated_users_see_nothing(analyst: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    PersonFactory.create(agency=analyst.agency)
    assert not person_list(actor=AnonymousUser()).exists()
    User.objects.filter(pk=analyst.pk).update(is_active=False)
    analyst.refresh_from_db()
    assert not person_list(actor=analyst).exists()
    assert Person.objects.count() == 1
