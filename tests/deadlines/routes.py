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
    # The notification centre is the user's own: tests/deadlines/test_notifications.py
    # proves that it lists only the user's units and marks only their own items.
    Route("deadlines:notifications"),
    Route("deadlines:notification_badge"),
    # A key of no item in the user's list: 404, as any record out of sight.
    Route(
        "deadlines:notification_seen",
        method="post",
        data=lambda town: {"key": "0" * 64},
        allowed_user=None,
    ),
    Route("deadlines:digest", method="post", data=lambda town: {"daily": "1"}),
]
