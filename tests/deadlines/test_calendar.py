import datetime as dt

import pytest
from django.urls import reverse

from grassroots.history.models import Change
from grassroots.workdays import is_working_day
from grassroots.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_administrator_marks_a_day_off_and_deadlines_move(client_for, town):
    response = client_for("admin").post(
        reverse("deadlines:calendar"),
        {"day": "2026-03-10", "is_working_day": "0", "note": "typhoon"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.day, day.is_working_day, day.note) == (dt.date(2026, 3, 10), False, "typhoon")
    assert not is_working_day(dt.date(2026, 3, 10))
    change = Change.objects.get(model="workdays.calendarday")
    assert change.actor == town.user("admin")


def test_organisation_committee_may_mark_a_working_saturday(client_for, town):
    client_for("org").post(
        reverse("deadlines:calendar"), {"day": "2026-03-14", "is_working_day": "1"}
    )
    assert is_working_day(dt.date(2026, 3, 14))


def test_marking_a_day_again_changes_the_mark_and_keeps_history(client_for, town):
    client = client_for("admin")
    client.post(reverse("deadlines:calendar"), {"day": "2026-03-10", "is_working_day": "0"})
    client.post(reverse("deadlines:calendar"), {"day": "2026-03-10", "is_working_day": "1"})
    assert CalendarDay.objects.get().is_working_day
    assert Change.objects.filter(model="workdays.calendarday").count() == 2


def test_clerk_sees_the_calendar_but_cannot_change_it(client_for, town):
    client = client_for("w1_clerk")
    page = client.get(reverse("deadlines:calendar"), {"year": "2026"})
    assert page.status_code == 200
    assert "Lunar New Year" in page.content.decode()
    response = client.post(
        reverse("deadlines:calendar"), {"day": "2026-03-10", "is_working_day": "0"}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_removing_a_mark_restores_the_public_calendar(client_for, town):
    day = CalendarDay.objects.create(day=dt.date(2026, 3, 10), is_working_day=False)
    assert (
        client_for("w1_clerk")
        .post(reverse("deadlines:calendar_delete", kwargs={"pk": day.pk}))
        .status_code
        == 403
    )
    response = client_for("admin").post(reverse("deadlines:calendar_delete", kwargs={"pk": day.pk}))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert is_working_day(dt.date(2026, 3, 10))
    assert Change.objects.get(model="workdays.calendarday").action == "delete"
