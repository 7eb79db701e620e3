"""A committee records its cluster's conference, what it concluded and the tasks; the
units complete them; praise and criticism are kept; every change leaves history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.conferences import selectors, services
from grassroots.conferences.models import Participation, Recognition
from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.org import restructure
from grassroots.org.models import Sector, Unit
from grassroots.plans import services as plan_services
from tests.conferences.data import DAY, conclusion, conference


def test_participants_default_to_the_clusters_outermost_units(town):
    conf = conference(town)
    codes = [p.unit.code for p in Participation.objects.filter(conference=conf)]
    assert sorted(codes) == ["HS", "W1", "W2"]
    assert Change.objects.filter(model="conferences.conference", object_id=str(conf.pk)).exists()
    assert Change.objects.filter(model="conferences.participation").count() == 3


def test_a_sectors_conference_takes_the_units_of_that_sector(town):
    conf = conference(town, cluster=None, sector=Sector.objects.get(name="Education"))
    assert [p.unit.code for p in conf.participations.all()] == ["HS"]


def test_explicit_units_must_stand_below_the_committee(town):
    with pytest.raises(ValidationError) as exc:
        conference(town, committee=town.unit("W1"), cluster=None, units=[town.unit("W2C1")])
    assert "units" in exc.value.message_dict


def test_only_deciding_roles_hold_a_conference(town):
    with pytest.raises(PermissionDenied):
        conference(town, user="secretary", committee=town.unit("HS"), cluster=None, units=[])
    with pytest.raises(Http404):
        conference(town, user="outsider")


def test_the_period_must_be_in_order(town):
    with pytest.raises(ValidationError) as exc:
        conference(town, period_to=dt.date(2023, 1, 1))
    assert "period_to" in exc.value.message_dict


def test_attendance_is_recorded_with_history(town):
    conf = conference(town)
    p = conf.participations.get(unit__code="W1")
    services.participation_record(
        trace=Trace(user=town.user("org")), participation=p, attendees=12, invited=15
    )
    p.refresh_from_db()
    assert (p.present, p.attendees, p.invited) == (True, 12, 15)
    with pytest.raises(ValidationError):
        services.participation_record(
            trace=Trace(user=town.user("org")), participation=p, attendees=20, invited=15
        )
    assert Change.objects.filter(
        model="conferences.participation", object_id=str(p.pk), action="update"
    ).exists()


def test_a_conclusion_with_tasks_and_its_completion_by_the_unit(town):
    conf = conference(town)
    concl = conclusion(town, conf)
    task = concl.tasks.get()
    # A clerk of W1 (its unit) completes it; the viewer may not; the outsider sees nothing.
    with pytest.raises(PermissionDenied):
        services.task_complete(
            trace=Trace(user=town.user("w1_viewer")), task=task, completed_on=dt.date(2024, 9, 1)
        )
    with pytest.raises(Http404):
        services.task_complete(
            trace=Trace(user=town.user("outsider")), task=task, completed_on=dt.date(2024, 9, 1)
        )
    done = services.task_complete(
        trace=Trace(user=town.user("w1_clerk")),
        task=task,
        completed_on=dt.date(2024, 9, 1),
        note="Five sources nominated.",
    )
    assert done.completed_by == town.user("w1_clerk")
    assert Change.objects.filter(
        model="conferences.task", object_id=str(task.pk), action="update"
    ).exists()
    with pytest.raises(ValidationError):
        services.task_complete(
            trace=Trace(user=town.user("w1_clerk")), task=task, completed_on=dt.date(2024, 9, 2)
        )


def test_a_task_cannot_be_due_before_the_conference(town):
    conf = conference(town)
    with pytest.raises(ValidationError) as exc:
        conclusion(
            town,
            conf,
            tasks=[
                {
                    "unit": town.unit("W1"),
                    "role": "secretary",
                    "action": "x",
                    "due_on": DAY - dt.timedelta(days=1),
                }
            ],
        )
    assert "due_on" in exc.value.message_dict


def test_the_next_conference_shows_what_became_of_the_previous_tasks(town):
    first = conference(town)
    conclusion(town, first)
    second = conference(
        town,
        date=dt.date(2025, 1, 20),
        period_from=dt.date(2024, 7, 1),
        period_to=dt.date(2024, 12, 31),
    )
    previous, tasks = selectors.previous_tasks(second)
    assert previous == first
    assert [t.action for t in tasks] == ["Nominate five sources in the two enterprises"]
    assert selectors.previous_tasks(first) == (None, [])


def test_open_tasks_enter_the_work_list_of_the_units_users(town):
    from grassroots.deadlines.selectors import work_list

    conf = conference(town)
    conclusion(town, conf)
    today = dt.date(2024, 10, 5)
    items = [i for i in work_list(town.user("w1_clerk"), today) if i["kind"] == "conference_task"]
    assert len(items) == 1
    assert items[0]["urgency"] == "overdue" and items[0]["days_late"] == 5
    assert not [
        i for i in work_list(town.user("outsider"), today) if i["kind"] == "conference_task"
    ]


def test_recognitions_by_a_conference_and_by_a_finding(town):
    conf = conference(town)
    praise = services.recognition_record(
        trace=Trace(user=town.user("org")),
        conference=conf,
        kind="commend",
        unit=town.unit("W1"),
        date=DAY,
        text="Twelve sources nominated in six months.",
        decision="Certificate of merit",
        document_ref="QĐ 12/2024",
    )
    finding = plan_services.finding_record(
        trace=Trace(user=town.user("org")),
        unit=town.unit("W1C1"),
        date=DAY,
        kind="shortcoming",
        findings="No source reviewed.",
    )
    with pytest.raises(PermissionDenied):
        services.recognition_record(
            trace=Trace(user=town.user("w1_clerk")),
            finding=finding,
            kind="shortcoming",
            unit=town.unit("W1C1"),
            date=DAY,
            text="x",
        )
    criticism = services.recognition_record(
        trace=Trace(user=town.user("org")),
        finding=finding,
        kind="shortcoming",
        unit=town.unit("W1C1"),
        date=DAY,
        text="The sources list was not reviewed.",
        decision="Reminded in writing",
    )
    found = list(selectors.recognitions_under(town.user("w1_viewer"), town.unit("W1")))
    assert set(found) == {praise, criticism}
    assert Recognition.objects.count() == 2
    with pytest.raises(Http404):
        selectors.recognitions_under(town.user("outsider"), town.unit("W1"))
    with pytest.raises(ValidationError):
        services.recognition_record(
            trace=Trace(user=town.user("org")),
            kind="commend",
            unit=town.unit("W1"),
            date=DAY,
            text="neither conference nor finding",
        )


def test_a_conference_counts_on_the_structure_of_its_day(town):
    # W1C2 stood below W1 until it moved to W2 on 1 January 2025.
    restructure.unit_move(
        trace=Trace.system("reform"),
        unit=town.unit("W1C2"),
        new_parent=town.unit("W2"),
        day=dt.date(2025, 1, 1),
        reference="NQ 3",
    )
    w1c2 = Unit.objects.get(code="W1C2")
    before = conference(town, committee=town.unit("W1"), cluster=None, units=[w1c2])
    assert [p.unit.code for p in before.participations.all()] == ["W1C2"]
    conclusion(
        town,
        before,
        tasks=[{"unit": w1c2, "role": "secretary", "action": "List the hamlets",
                "due_on": dt.date(2025, 3, 1)}],
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        conference(town, committee=town.unit("W1"), cluster=None, units=[w1c2],
                   date=dt.date(2025, 2, 1))  # fmt: skip
    assert "units" in exc.value.message_dict
    # A unit standing below the committee today is accepted too (a committee entering an
    # earlier conference after a reorganisation), though it stood elsewhere on the day.
    assert conference(town, committee=town.unit("W2"), cluster=None, units=[w1c2])
