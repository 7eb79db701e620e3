"""The work list page reads confirmations page by page and counts them in the database."""

import datetime as dt

import pytest
from django.urls import reverse

from grassroots.deadlines.selectors import WorkList, count_by_urgency, work_list
from grassroots.people.models import Membership
from grassroots.pipeline.models import Admission
from grassroots.workdays import add_months
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)


def _on_probation(town, person, unit_code, ends, *, stored=True):
    """A probationary member whose probation ends on `ends` (stored, or derived)."""
    ceremony = add_months(ends, -12)
    membership = Membership.objects.create(
        person=person,
        unit=town.unit(unit_code),
        status=Membership.Status.PROBATIONARY,
        admitted_on=ceremony - dt.timedelta(days=20),
        ceremony_date=ceremony,
        probation_ends_on=ends if stored else None,
    )
    return Admission.objects.create(
        person=person,
        unit=town.unit(unit_code),
        decision_date=ceremony - dt.timedelta(days=20),
        ceremony_date=ceremony,
        membership=membership,
    )


@pytest.fixture
def probations(town):
    """Twelve members on probation, ends from 70 days ago to 25 days ahead, names shuffled;
    three share an end (same due date) to test the order by name; one has no stored end."""
    ends = [
        TODAY + dt.timedelta(days=d) for d in (-70, -40, -40, -40, -39, -38, -10, -3, 0, 5, 25, 60)
    ]
    for i, day in enumerate(ends):
        person = PersonFactory(full_name=f"Người {chr(ord('Z') - i)}", unit=town.unit("W1C1"))
        _on_probation(town, person, "W1C1" if i % 2 else "W2C1", day, stored=i != 7)
    return ends


@pytest.mark.parametrize("username", ["admin", "w1_clerk", "outsider"])
def test_pages_equal_the_full_list_and_counts_equal_its_urgencies(town, probations, username):
    user = town.user(username)
    full = work_list(user, TODAY)
    paged = WorkList(user, TODAY)
    assert paged.count() == len(full)
    assert paged.counts == count_by_urgency(full)
    for start, stop in [(0, 1), (0, 3), (2, 5), (0, len(full)), (4, len(full) + 3)]:
        assert paged[start:stop] == full[start:stop]
    if username == "admin":
        assert any(item["kind"] == "confirmation" for item in full)


def test_the_unit_filter_narrows_the_counts(town, probations):
    user = town.user("admin")
    unit = town.unit("W1")
    assert WorkList(user, TODAY, unit).counts == count_by_urgency(work_list(user, TODAY, unit))


def test_the_page_shows_counts_from_the_database(client_for, town, probations):
    response = client_for("admin").get(reverse("deadlines:worklist"))
    full = work_list(town.user("admin"), response.context["today"])
    assert full
    assert response.context["counts"] == count_by_urgency(full)
    assert response.context["page_obj"].paginator.count == len(full)
    assert response.context["page_obj"].object_list == full[:50]


def test_confirmation_counts_stop_at_the_cap(client_for, town, probations, monkeypatch):
    from grassroots import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    response = client_for("admin").get(reverse("deadlines:worklist"))
    full = work_list(town.user("admin"), response.context["today"])
    assert count_by_urgency(full)["overdue"] > 2
    assert response.context["counts_capped"]["overdue"]
    assert response.context["counts"]["overdue"] == 2
    assert response.context["page_obj"].paginator.capped
    assert "more than 2 overdue" in response.content.decode()
