"""Sources, courses and enrolments through their services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.pipeline import selectors, services
from grassroots.pipeline.models import Enrollment, Source

from .walk import COURSE_END, COURSE_START, NOMINATED, mentor, trace_for, trained_person

pytestmark = pytest.mark.django_db


def test_secretary_nominates_a_pupil_of_her_school(town):
    source = services.source_nominate(
        trace=trace_for(town, "secretary"),
        person=town.people["001090000002"],
        unit=town.unit("HS"),
        nominated_on=NOMINATED,
        category="student",
    )
    assert source.status == Source.Status.NOMINATED
    assert list(selectors.sources_for(town.user("secretary"))) == [source]
    assert list(selectors.sources_for(town.user("outsider"))) == []


def test_secretary_cannot_nominate_in_another_unit(town):
    with pytest.raises(Http404):
        services.source_nominate(
            trace=trace_for(town, "secretary"),
            person=town.people["001090000004"],
            unit=town.unit("W1C1"),
            nominated_on=NOMINATED,
        )


def test_viewer_cannot_nominate(town):
    with pytest.raises(PermissionDenied):
        services.source_nominate(
            trace=trace_for(town, "w1_viewer"),
            person=town.people["001090000004"],
            unit=town.unit("W1C1"),
            nominated_on=NOMINATED,
        )


def test_same_person_once_per_unit(town):
    kwargs = {
        "person": town.people["001090000002"],
        "unit": town.unit("HS"),
        "nominated_on": NOMINATED,
    }
    services.source_nominate(trace=trace_for(town, "org"), **kwargs)
    with pytest.raises(ValidationError) as refused:
        services.source_nominate(trace=trace_for(town, "org"), **kwargs)
    assert "person" in refused.value.message_dict


def test_source_filters(town):
    trace = trace_for(town, "org")
    services.source_nominate(
        trace=trace,
        person=town.people["001090000002"],
        unit=town.unit("HS"),
        nominated_on=NOMINATED,
        category="student",
    )
    services.source_nominate(
        trace=trace,
        person=town.people["001090000004"],
        unit=town.unit("W1C1"),
        nominated_on=NOMINATED,
        category="official",
    )
    org = town.user("org")
    today = dt.date(2026, 1, 1)
    by_category = selectors.sources_for(org, category="student", today=today)
    assert [s.person.national_id for s in by_category] == ["001090000002"]
    young = selectors.sources_for(org, max_age=25, today=today)
    assert [s.person.national_id for s in young] == ["001090000002"]
    old = selectors.sources_for(org, min_age=30, today=today)
    assert [s.person.national_id for s in old] == ["001090000004"]
    assert [s.person.national_id for s in selectors.sources_for(org, education="college")] == [
        "001090000004"
    ]


def test_source_update_records_history(town):
    source = services.source_nominate(
        trace=trace_for(town, "org"),
        person=town.people["001090000002"],
        unit=town.unit("HS"),
        nominated_on=NOMINATED,
    )
    services.source_update(
        trace=trace_for(town, "secretary"),
        source=source,
        mentor=mentor(town, "001090000003"),
        note="strong in debate",
    )
    source.refresh_from_db()
    assert source.mentor == town.people["001090000003"]


def test_course_completion_needs_a_certificate(town):
    trace = trace_for(town, "org")
    course = services.course_create(
        trace=trace,
        code="aw-9",
        organizer=town.unit("TOWN"),
        title="Course",
        start_date=COURSE_START,
        end_date=COURSE_END,
    )
    assert course.code == "AW-9"
    enrollment = services.enrollment_add(
        trace=trace, course=course, person=town.people["001090000002"]
    )
    with pytest.raises(ValidationError) as refused:
        services.enrollment_record_result(trace=trace, enrollment=enrollment, result="completed")
    assert set(refused.value.message_dict) == {"certificate_no", "certificate_date"}
    assert Enrollment.objects.get(pk=enrollment.pk).result == "enrolled"


def test_course_ends_after_it_starts(town):
    with pytest.raises(ValidationError) as refused:
        services.course_create(
            trace=trace_for(town, "org"),
            code="X",
            organizer=town.unit("TOWN"),
            title="Course",
            start_date=COURSE_END,
            end_date=COURSE_START,
        )
    assert "end_date" in refused.value.message_dict


def test_secretary_registers_her_source_for_a_town_course_she_can_see(town):
    course = services.course_create(
        trace=trace_for(town, "org"),
        code="AW-2",
        organizer=town.unit("TOWN"),
        title="Course",
        start_date=COURSE_START,
        end_date=COURSE_END,
    )
    source = services.source_nominate(
        trace=trace_for(town, "secretary"),
        person=town.people["001090000002"],
        unit=town.unit("HS"),
        nominated_on=NOMINATED,
    )
    secretary = town.user("secretary")
    assert selectors.course_for(secretary, "AW-2") == course
    assert list(selectors.registration_candidates(secretary, course)) == [source]
    services.enrollment_add(trace=trace_for(town, "secretary"), course=course, person=source.person)
    source.refresh_from_db()
    assert source.status == Source.Status.REGISTERED
    with pytest.raises(Http404):
        selectors.course_for(town.user("outsider"), "W9")
    with pytest.raises(Http404):
        services.enrollment_add(
            trace=trace_for(town, "secretary"), course=course, person=town.people["001090000004"]
        )


def test_completed_course_trains_the_source(town):
    person, source = trained_person(town)
    source.refresh_from_db()
    assert source.status == Source.Status.TRAINED
