"""The scope is checked by the services themselves, not only by the pages and the API
that call them: whatever door a request comes through (a page, the API, an import, a
command run for a user), a user of ward 1 does not register, change, nominate or open
a dossier for someone they do not see, nor put anyone in ward 2 (404, as the pages)."""

import datetime as dt

import pytest
from django.http import Http404

from grassroots.history.services import Trace
from grassroots.people import services as people_services
from grassroots.people.models import Person
from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import Dossier, Source

W2_PERSON = "001090000005"  # lives in W2C1
W1_PERSON = "001090000004"  # lives in W1C1


def _as(town, username):
    return Trace(user=town.user(username))


def test_a_person_is_registered_only_where_the_user_may_change_people(town):
    fields = dict(
        national_id="079999000001",
        full_name="Lê Văn Tám",
        gender="male",
        birth_date=dt.date(1995, 5, 5),
    )
    with pytest.raises(Http404):
        people_services.person_create(trace=_as(town, "w1_clerk"), unit=town.unit("W2C1"), **fields)
    assert not Person.objects.filter(national_id="079999000001").exists()
    person = people_services.person_create(
        trace=_as(town, "w1_clerk"), unit=town.unit("W1C1"), **fields
    )
    assert person.unit.code == "W1C1"


def test_a_person_is_changed_or_moved_only_within_the_users_units(town):
    with pytest.raises(Http404):
        people_services.person_update(
            trace=_as(town, "w1_clerk"), person=town.people[W2_PERSON], job_title="x"
        )
    with pytest.raises(Http404):
        people_services.person_update(
            trace=_as(town, "w1_clerk"), person=town.people[W1_PERSON], unit=town.unit("W2C1")
        )
    assert Person.objects.get(national_id=W1_PERSON).unit.code == "W1C1"
    # A command runs for nobody in particular.
    people_services.person_update(
        trace=Trace.system("test"), person=town.people[W1_PERSON], job_title="teacher"
    )


def test_no_source_nor_dossier_for_someone_the_user_does_not_see(town):
    with pytest.raises(Http404):
        pipeline_services.source_nominate(
            trace=_as(town, "w1_clerk"),
            person=town.people[W2_PERSON],
            unit=town.unit("W1C1"),
            nominated_on=dt.date(2024, 9, 2),
        )
    assert not Source.objects.exists()
    with pytest.raises(Http404):
        pipeline_services.dossier_open(
            trace=_as(town, "w1_clerk"),
            person=town.people[W2_PERSON],
            unit=town.unit("W1C1"),
            opened_on=dt.date(2024, 9, 16),
        )
    assert not Dossier.objects.exists()
