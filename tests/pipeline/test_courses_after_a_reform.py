"""A cell's secretary sees the courses of the committees its cell stood under, then or
now: in the demo, after the 2025 reform merged the town committee into the city, the
Phạm Phú Thứ cell's secretary saw "No courses yet" although 24 of the cell's people had
attended the town's courses, and each of those courses answered 404."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.org import restructure
from grassroots.pipeline import selectors
from grassroots.pipeline.models import Course

E = dt.date(2025, 7, 1)


def _course(code, organizer):
    return Course.objects.create(
        code=code,
        organizer=organizer,
        title="Awareness course",
        start_date=dt.date(2024, 3, 4),
        end_date=dt.date(2024, 3, 8),
    )


@pytest.fixture
def cell_secretary(town):
    """The secretary of W2C1 after W2 was merged into W1 (W2C1 now stands under W1)."""
    restructure.unit_merge(trace=town.trace, units=[town.unit("W2")], into="W1", day=E)
    user = get_user_model().objects.create_user("w2c1_secretary")
    RoleAssignment.objects.create(user=user, unit=town.unit("W2C1"), role=Role.SECRETARY)
    return user


def test_the_courses_of_a_committee_merged_away_stay_visible(town, cell_secretary):
    course = _course("W2-2024-03", town.unit("W2"))
    assert course in selectors.courses_for(cell_secretary)
    assert selectors.course_for(cell_secretary, "W2-2024-03") == course


def test_the_courses_of_a_unit_never_above_stay_hidden(town, cell_secretary):
    _course("HS-2024-03", town.unit("HS"))
    assert not selectors.courses_for(cell_secretary).filter(code="HS-2024-03").exists()
    with pytest.raises(Http404):
        selectors.course_for(cell_secretary, "HS-2024-03")
