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

Counting is not done day by day: each year's working days are a sorted table of ordinals
(`_Year`), built once per process for each (country, year, that year's marks), so "N
working days after D" and its inverse (`latest_start`) are index lookups.
"""

import calendar
import datetime as dt
import functools
import threading

from django.apps import apps as django_apps
from django.conf import settings

from .swaps import official_swaps


@functools.lru_cache(maxsize=64)
def _country_holidays(country, year):
    import holidays  # here, not at the top: 15-30 ms of every process's start otherwise

    return frozenset(holidays.country_holidays(country, years=year).keys())


@functools.lru_cache(maxsize=64)
def _weekend_workdays(country, year):
    """Saturdays and Sundays the package lists as worked to bridge a holiday."""
    import holidays

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


def _read_overrides():
    """{date: is_working_day} set by administrators; empty before the table exists."""
    from django.db import DatabaseError

    try:
        calendar_day = django_apps.get_model("workdays", "CalendarDay")
        return dict(calendar_day.objects.values_list("day", "is_working_day"))
    except (DatabaseError, LookupError):
        return {}


# The administrators' marks, read at most once per request: the work list asks for them
# from several selectors. Kept only between Django's request_started and request_finished
# signals (commands and tests outside a request read the table every time) and dropped
# when a CalendarDay is saved or deleted (see apps.py).
_request = threading.local()


def request_started(**kwargs):
    _request.active, _request.overrides = True, None


def request_finished(**kwargs):
    _request.active, _request.overrides = False, None


def forget_overrides(**kwargs):
    _request.overrides = None


def _overrides():
    if not getattr(_request, "active", False):
        return _read_overrides()
    if _request.overrides is None:
        _request.overrides = _read_overrides()
    return dict(_request.overrides)


def calendar_overrides():
    """The administrators' marks, read once (pass them to the functions below in loops)."""
    return _overrides()


def _plain_is_working_day(day, overrides):
    if day in overrides:
        return overrides[day]
    country = settings.HOLIDAY_COUNTRY
    swapped = _swapped(country)
    if day in swapped:
        return swapped[day]
    if day.weekday() >= 5:
        return day in _weekend_workdays(country, day.year)
    return day not in _country_holidays(country, day.year)


def is_working_day(day, overrides=None):
    overrides = _overrides() if overrides is None else overrides
    return _plain_is_working_day(day, overrides)


class _Year:
    """One year's working days: `days`, their ordinals in order, and `upto[i]`, how many
    of them fall on or before the year's day i (0 = 1 January)."""

    __slots__ = ("first", "days", "upto")

    def __init__(self, year, overrides):
        self.first = dt.date(year, 1, 1).toordinal()
        last = dt.date(year, 12, 31).toordinal()
        self.days = []
        self.upto = []
        for ordinal in range(self.first, last + 1):
            if _plain_is_working_day(dt.date.fromordinal(ordinal), overrides):
                self.days.append(ordinal)
            self.upto.append(len(self.days))

    def rank(self, day):
        """Working days of the year on or before `day`."""
        return self.upto[day.toordinal() - self.first]


@functools.lru_cache(maxsize=256)
def _year_table(country, year, marks):
    # `marks` (the year's administrators' marks, sorted) and `country` are the cache key:
    # a changed mark or setting builds a new table; the holiday tables are fixed per process.
    return _Year(year, dict(marks))


def _year(year, overrides):
    if overrides:
        marks = tuple(sorted(item for item in overrides.items() if item[0].year == year))
    else:
        marks = ()
    return _year_table(settings.HOLIDAY_COUNTRY, year, marks)


def add_working_days(start, count, overrides=None):
    """The date `count` working days after `start` (start itself not counted).

    A negative `count` goes back: the date `-count` working days before `start`.
    """
    overrides = _overrides() if overrides is None else overrides
    if count == 0:
        return start
    year = start.year
    table = _year(year, overrides)
    rank = table.rank(start)
    if count > 0:
        # the count-th working day after the `rank` ones up to `start`
        wanted = rank + count
        while wanted > len(table.days):
            wanted -= len(table.days)
            year += 1
            table = _year(year, overrides)
        return dt.date.fromordinal(table.days[wanted - 1])
    # Going back: the working days strictly before `start` in its year.
    before = rank - (1 if rank and table.days[rank - 1] == start.toordinal() else 0)
    wanted = before + count  # index of the answer in `table.days`, from 0
    while wanted < 0:
        year -= 1
        table = _year(year, overrides)
        wanted += len(table.days)
    return dt.date.fromordinal(table.days[wanted])


def _rank(day, since_year, overrides):
    """Working days from 1 January of `since_year` up to and including `day`."""
    total = 0
    for year in range(since_year, day.year):
        total += len(_year(year, overrides).days)
    return total + _year(day.year, overrides).rank(day)


def working_days_between(start, end, overrides=None):
    """Working days after `start` up to and including `end` (negative if end < start)."""
    overrides = _overrides() if overrides is None else overrides
    if end < start:
        return -working_days_between(end, start, overrides)
    return _rank(end, start.year, overrides) - _rank(start, start.year, overrides)


def latest_start(due_by, count, overrides=None):
    """The latest day `d` with add_working_days(d, count) <= due_by (count >= 0).

    The inverse of `add_working_days`, which never decreases as its start moves later:
    the day before the count-th working day counted back from `due_by` (inclusive).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    overrides = _overrides() if overrides is None else overrides
    following = due_by + dt.timedelta(days=1)
    return add_working_days(following, -count, overrides) - dt.timedelta(days=1)


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
