"""The per-year tables of working days give the same answers as counting day by day.

The old algorithm (one day at a time over `is_working_day`) is kept here as the oracle.
"""

import datetime as dt

import pytest
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots import workdays
from grassroots.workdays import (
    add_working_days,
    is_working_day,
    latest_start,
    working_days_between,
)

DATES = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2031, 12, 31))
# Administrators' marks: a few days, each worked or not, anywhere in the range.
OVERRIDES = st.dictionaries(DATES, st.booleans(), max_size=12)
COUNTS = st.integers(min_value=-400, max_value=400)


def oracle_add(start, count, overrides):
    step = dt.timedelta(days=1 if count >= 0 else -1)
    day = start
    remaining = abs(count)
    while remaining > 0:
        day += step
        if is_working_day(day, overrides):
            remaining -= 1
    return day


def oracle_between(start, end, overrides):
    if end < start:
        return -oracle_between(end, start, overrides)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            count += 1
    return count


def oracle_latest_start(due_by, count, overrides):
    # What pipeline.selectors._ConfirmationDue.last_end did: step back from due_by.
    day = due_by
    while oracle_add(day, count, overrides) > due_by:
        day -= dt.timedelta(days=1)
    return day


@settings(max_examples=300, deadline=None)
@given(start=DATES, count=COUNTS, overrides=OVERRIDES)
def test_adding_working_days_matches_counting_one_by_one(start, count, overrides):
    assert add_working_days(start, count, overrides) == oracle_add(start, count, overrides)


@settings(max_examples=300, deadline=None)
@given(start=DATES, end=DATES, overrides=OVERRIDES)
def test_working_days_between_matches_counting_one_by_one(start, end, overrides):
    assert working_days_between(start, end, overrides) == oracle_between(start, end, overrides)


@settings(max_examples=200, deadline=None)
@given(due_by=DATES, count=st.integers(min_value=0, max_value=90), overrides=OVERRIDES)
def test_latest_start_matches_stepping_back(due_by, count, overrides):
    assert latest_start(due_by, count, overrides) == oracle_latest_start(due_by, count, overrides)


@settings(max_examples=100, deadline=None)
@given(start=DATES, count=st.integers(min_value=1, max_value=60), overrides=OVERRIDES)
def test_a_marked_day_changes_the_table(start, count, overrides):
    # The same dict changed between calls: the answer follows the marks, not a stale table.
    before = add_working_days(start, count, overrides)
    overrides = {**overrides, before: not is_working_day(before, overrides)}
    assert add_working_days(start, count, overrides) == oracle_add(start, count, overrides)


def test_the_year_boundary_and_zero():
    assert add_working_days(dt.date(2025, 12, 31), 1, {}) == dt.date(2026, 1, 5)  # 1–2 Jan off
    assert add_working_days(dt.date(2026, 1, 5), -1, {}) == dt.date(2025, 12, 31)
    saturday = dt.date(2026, 3, 7)
    assert add_working_days(saturday, 0, {}) == saturday
    assert latest_start(dt.date(2026, 3, 9), 1, {}) == dt.date(2026, 3, 8)


def test_latest_start_refuses_a_negative_count():
    with pytest.raises(ValueError):
        latest_start(dt.date(2026, 3, 9), -1, {})


@pytest.mark.django_db
def test_the_marks_are_read_once_per_request_and_again_after_a_change():
    from django.db import connection

    from grassroots.workdays.models import CalendarDay

    workdays.request_started()
    try:
        with CaptureQueriesContext(connection) as captured:
            workdays.calendar_overrides()
            workdays.calendar_overrides()
            assert add_working_days(dt.date(2026, 3, 9), 1) == dt.date(2026, 3, 10)
        assert len(captured) == 1
        CalendarDay.objects.create(day=dt.date(2026, 3, 10), is_working_day=False)
        assert add_working_days(dt.date(2026, 3, 9), 1) == dt.date(2026, 3, 11)
    finally:
        workdays.request_finished()
    with CaptureQueriesContext(connection) as captured:
        workdays.calendar_overrides()
        workdays.calendar_overrides()
    assert len(captured) == 2  # outside a request: read every time
