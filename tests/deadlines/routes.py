"""Every deadlines URL (tests/urlcheck.py contract)."""

import datetime as dt

from grassroots.workdays.models import CalendarDay
from tests.urlcheck import Route


def _calendar_day(town):
    return {"pk": CalendarDay.objects.create(day=dt.date(2026, 12, 31), is_working_day=False).pk}


ROUTES = [
    Route("deadlines:worklist", data=lambda town: {"unit": "W1"}, record_unit="W1"),
    Route(
        "deadlines:calendar",
        method="post",
        data=lambda town: {"day": "2026-12-31", "is_working_day": "0", "note": "year end"},
        weak_user="w1_clerk",
    ),
    Route("deadlines:calendar_delete", kwargs=_calendar_day, method="post", weak_user="w1_clerk"),
]
