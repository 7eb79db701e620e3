"""Changing the working-day calendar. Each function is one transaction and writes history.

Only administrators of a root unit (MANAGE_ACCOUNTS) or its deciding committee (DECIDE)
may mark days: the calendar moves every deadline in the system (the dossiers' stored time
limits are worked out again in the same transaction).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot
from grassroots.inputs import field_errors
from grassroots.pipeline import dues
from grassroots.workdays import calendar_overrides
from grassroots.workdays.models import CalendarDay


def can_edit_calendar(user):
    return scope.holds_root(user, Action.MANAGE_ACCOUNTS) or scope.holds_root(user, Action.DECIDE)


def _require(trace):
    if trace.user is not None and not can_edit_calendar(trace.user):
        raise PermissionDenied


@transaction.atomic
def calendar_day_set(*, trace, day, is_working_day, note=""):
    """Mark `day` as a working day or a day off, over the public holiday calendar.

    Setting a day already marked changes that mark (history keeps the earlier one).
    """
    _require(trace)
    if not isinstance(day, dt.date):
        raise ValidationError({"day": _("The day is required.")})
    note = (note or "").strip()
    errors = field_errors(CalendarDay(note=note), ("note",))
    if errors:
        raise ValidationError(errors)
    existing = CalendarDay.objects.select_for_update().filter(day=day).first()
    before_marks = dict(calendar_overrides())
    if existing is None:
        calendar_day = CalendarDay.objects.create(
            day=day, is_working_day=bool(is_working_day), note=note
        )
        record_change(trace, calendar_day, action=Change.Action.CREATE)
        dues.calendar_changed(before_marks)
        return calendar_day
    before = snapshot(existing)
    existing.is_working_day = bool(is_working_day)
    existing.note = note
    existing.save(update_fields=["is_working_day", "note"])
    record_change(trace, existing, action=Change.Action.UPDATE, before=before)
    dues.calendar_changed(before_marks)
    return existing


@transaction.atomic
def calendar_day_delete(*, trace, calendar_day):
    """Remove a mark: the day follows the public holiday calendar again."""
    _require(trace)
    calendar_day = CalendarDay.objects.select_for_update().get(pk=calendar_day.pk)
    before_marks = dict(calendar_overrides())
    before = snapshot(calendar_day)
    record_change(trace, calendar_day, action=Change.Action.DELETE, before=before)
    calendar_day.delete()
    # Every working-day time limit of every dossier may move (pipeline.dues).
    dues.calendar_changed(before_marks)
