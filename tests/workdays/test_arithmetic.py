"""Working days: weekends, Vietnam's public holidays, moved days and administrators' marks."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.workdays import (
    add_months,
    add_working_days,
    is_working_day,
    months_between,
    working_days_between,
)
from grassroots.workdays.models import CalendarDay

NO_OVERRIDES = {}


def test_weekend_is_not_a_working_day():
    assert not is_working_day(dt.date(2026, 3, 7), NO_OVERRIDES)  # Saturday
    assert not is_working_day(dt.date(2026, 3, 8), NO_OVERRIDES)  # Sunday
    assert is_working_day(dt.date(2026, 3, 9), NO_OVERRIDES)  # Monday


def test_tet_holidays_are_skipped():
    # Tết 2026: Monday 16 to Friday 20 February are days off.
    for day in range(16, 21):
        assert not is_working_day(dt.date(2026, 2, day), NO_OVERRIDES)
    assert add_working_days(dt.date(2026, 2, 13), 1, NO_OVERRIDES) == dt.date(2026, 2, 23)


def test_reunification_and_labour_day_are_skipped():
    assert not is_working_day(dt.date(2026, 4, 30), NO_OVERRIDES)
    assert not is_working_day(dt.date(2026, 5, 1), NO_OVERRIDES)
    assert add_working_days(dt.date(2026, 4, 29), 1, NO_OVERRIDES) == dt.date(2026, 5, 4)


def test_national_day_is_skipped():
    assert not is_working_day(dt.date(2026, 9, 2), NO_OVERRIDES)
    assert not is_working_day(dt.date(2026, 9, 1), NO_OVERRIDES)
    assert add_working_days(dt.date(2026, 8, 28), 1, NO_OVERRIDES) == dt.date(2026, 9, 3)


def test_a_saturday_worked_in_exchange_for_a_bridge_day_counts():
    # 2 May 2025 (Friday) was off in exchange for Saturday 26 April 2025.
    assert is_working_day(dt.date(2025, 4, 26), NO_OVERRIDES)
    assert not is_working_day(dt.date(2025, 5, 2), NO_OVERRIDES)
    assert not is_working_day(dt.date(2025, 4, 19), NO_OVERRIDES)


def test_thirty_working_days_from_a_letter_skip_the_april_holidays():
    # 27 April (Hùng Kings, observed), 30 April and 1 May fall inside.
    assert add_working_days(dt.date(2026, 4, 1), 30, NO_OVERRIDES) == dt.date(2026, 5, 18)


def test_working_days_between_counts_the_end_not_the_start():
    assert working_days_between(dt.date(2026, 3, 9), dt.date(2026, 3, 13), NO_OVERRIDES) == 4
    assert working_days_between(dt.date(2026, 3, 13), dt.date(2026, 3, 9), NO_OVERRIDES) == -4
    assert working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 23), NO_OVERRIDES) == 1


@pytest.mark.django_db
def test_an_administrators_day_off_overrides_the_package():
    CalendarDay.objects.create(day=dt.date(2026, 3, 10), is_working_day=False, note="storm")
    assert not is_working_day(dt.date(2026, 3, 10))
    assert add_working_days(dt.date(2026, 3, 9), 1) == dt.date(2026, 3, 11)


@pytest.mark.django_db
def test_an_administrators_working_saturday_counts():
    CalendarDay.objects.create(day=dt.date(2026, 3, 14), is_working_day=True)
    assert is_working_day(dt.date(2026, 3, 14))
    assert add_working_days(dt.date(2026, 3, 13), 1) == dt.date(2026, 3, 14)


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 3, 15), 60) == dt.date(2031, 3, 15)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 5), 1) == dt.date(2027, 1, 5)


def test_months_between_counts_whole_months():
    assert months_between(dt.date(2008, 5, 20), dt.date(2026, 5, 20)) == 216
    assert months_between(dt.date(2008, 5, 20), dt.date(2026, 5, 19)) == 215


@settings(max_examples=50, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    count=st.integers(min_value=0, max_value=80),
)
def test_adding_working_days_lands_on_a_working_day_that_far_away(start, count):
    end = add_working_days(start, count, NO_OVERRIDES)
    assert working_days_between(start, end, NO_OVERRIDES) == count
    if count:
        assert is_working_day(end, NO_OVERRIDES)


@settings(max_examples=50, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    months=st.integers(min_value=-120, max_value=120),
)
def test_add_months_moves_by_whole_months(day, months):
    later = add_months(day, months)
    if months >= 0:
        assert months_between(day, later) == months or later.day < day.day
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months


def test_negative_working_days_go_back_over_holidays():
    assert add_working_days(dt.date(2026, 2, 23), -1, NO_OVERRIDES) == dt.date(2026, 2, 13)
    assert add_working_days(dt.date(2026, 5, 18), -30, NO_OVERRIDES) == dt.date(2026, 4, 1)


@settings(max_examples=50, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    count=st.integers(min_value=1, max_value=80),
)
def test_going_back_undoes_going_forward(start, count):
    back = add_working_days(add_working_days(start, count, NO_OVERRIDES), -count, NO_OVERRIDES)
    if is_working_day(start, NO_OVERRIDES):
        assert back == start
    else:  # the last working day before a weekend or holiday
        assert back < start and working_days_between(back, start, NO_OVERRIDES) == 0
        assert is_working_day(back, NO_OVERRIDES)
