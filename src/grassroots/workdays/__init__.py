"""Working days: weekends and public holidays excluded, official day swaps applied.

A bottom-level app (it imports no other app of the project). Four layers decide whether a
day is worked, the first that knows wins:

1. administrators' marks (`workdays.CalendarDay`), e.g. a typhoon day or a local swap;
2. the government's official day swaps (`swaps.OFFICIAL_SWAPS`): a weekday off in exchange
   for a weekend day worked, e.g. Friday 2 January 2026 off, Saturday 10 January worked;
3. the weekend days the `holidays` package knows were worked;
4. the public holidays of settings.HOLIDAY_COUNTRY from the `holidays` package (pinned in
   pyproject.toml to a release whose Vietnamese calendar is right for 2024–2026).

The public functions (`is_working_day`, `add_working_days`, `working_days_between`,
`add_months`, `months_between`) keep their signatures: `overrides` is a dict
{date: is_working_day} of administrators' marks; None reads them from the database.
"""

import calendar
import datetime as dt
import functools

import holidays
from django.apps import apps as django_apps
from django.conf import settings

from .swaps import official_swaps


@functools.lru_cache(maxsize=64)
def _country_holidays(country, year):
    return frozenset(holidays.country_holidays(country, years=year).keys())


@functools.lru_cache(maxsize=64)
def _weekend_workdays(country, year):
    """Saturdays and Sundays the package lists as worked to bridge a holiday."""
    calendar_ = holidays.country_holidays(country, years=year)
    return frozenset(d for d in getattr(calendar_, "weekend_workdays", ()) if d.year == year)


@functools.lru_cache(maxsize=8)
def _swapped(country):
    """{date: is_working_day} of the official swaps of `country`."""
    days = {}
    for swap in official_swaps(country):
        days[swap.day_off] = False
        days[swap.worked] = True
    return days


def _overrides():
    """{date: is_working_day} set by administrators; empty before the table exists."""
    from django.db import DatabaseError

    try:
        calendar_day = django_apps.get_model("workdays", "CalendarDay")
        return dict(calendar_day.objects.values_list("day", "is_working_day"))
    except (DatabaseError, LookupError):
        return {}


def calendar_overrides():
    """The administrators' marks, read once (pass them to the functions below in loops)."""
    return _overrides()


def is_working_day(day, overrides=None):
    overrides = _overrides() if overrides is None else overrides
    if day in overrides:
        return overrides[day]
    country = settings.HOLIDAY_COUNTRY
    swapped = _swapped(country)
    if day in swapped:
        return swapped[day]
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
