"""Working days: weekends and public holidays excluded.

Public holidays come from the `holidays` package for settings.HOLIDAY_COUNTRY (Vietnam by
default). Administrators add or remove single days in the app (`deadlines.CalendarDay`);
those overrides win over the package.
"""

import calendar
import datetime as dt
import functools

import holidays
from django.conf import settings


@functools.lru_cache(maxsize=64)
def _country_holidays(country, year):
    return frozenset(holidays.country_holidays(country, years=year).keys())


@functools.lru_cache(maxsize=64)
def _weekend_workdays(country, year):
    """Saturdays and Sundays the government made working days to bridge a holiday.

    Vietnam moves days around holidays (e.g. Saturday 26 April 2025 was worked for Friday
    2 May); the package lists the moved working days beside the days off.
    """
    calendar_ = holidays.country_holidays(country, years=year)
    return frozenset(d for d in getattr(calendar_, "weekend_workdays", ()) if d.year == year)


def _overrides():
    """{date: is_working_day} set by administrators; empty before the table exists."""
    from django.db import DatabaseError

    try:
        from grassroots.deadlines.models import CalendarDay

        return dict(CalendarDay.objects.values_list("day", "is_working_day"))
    except (DatabaseError, LookupError, ImportError):
        return {}


def is_working_day(day, overrides=None):
    overrides = _overrides() if overrides is None else overrides
    if day in overrides:
        return overrides[day]
    country = settings.HOLIDAY_COUNTRY
    if day.weekday() >= 5:
        return day in _weekend_workdays(country, day.year)
    return day not in _country_holidays(country, day.year)


def add_working_days(start, count, overrides=None):
    """The date `count` working days after `start` (start itself not counted).

    A negative `count` goes back: the date `-count` working days before `start`.
    """
    overrides = _overrides() if overrides is None else overrides
    step = dt.timedelta(days=1 if count >= 0 else -1)
    day = start
    remaining = abs(count)
    while remaining > 0:
        day += step
        if is_working_day(day, overrides):
            remaining -= 1
    return day


def working_days_between(start, end, overrides=None):
    """Working days after `start` up to and including `end` (negative if end < start)."""
    overrides = _overrides() if overrides is None else overrides
    if end < start:
        return -working_days_between(end, start, overrides)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, overrides):
            count += 1
    return count


def add_months(day, months):
    """Same day `months` later; the 31st becomes the month's last day when needed."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def months_between(earlier, later):
    """Whole months from `earlier` to `later`: the largest n with add_months(earlier, n) <= later.

    Consistent with `add_months`, so ages and validity periods agree with due dates.
    """
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if months > 0 and add_months(earlier, months) > later:
        months -= 1
    elif months < 0 and add_months(earlier, months) < later:
        months += 1
    return months
