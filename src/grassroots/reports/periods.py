"""Which dates a report may cover: one rule for the pages, the exports and the command.

A report reads months, years and terms around its dates; a year far outside the life
of the organisation (9999, 0001) means a typing mistake, and computing with it overflows
the calendar. Such a date is refused with a message saying which years are allowed.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR = 1900
# Plans and targets run a term ahead: a report may reach a few years into the future.
YEARS_AHEAD = 5


def last_year(today=None):
    return (today or timezone.localdate()).year + YEARS_AHEAD


def report_date(text, today=None):
    """The date in `text` (YYYY-MM-DD) if a report may cover it; ValueError with a
    message for the user otherwise."""
    try:
        date = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("%(value)s is not a date (use YYYY-MM-DD).") % {"value": text}) from exc
    if not FIRST_YEAR <= date.year <= last_year(today):
        raise ValueError(
            _("Reports cover the years %(first)s to %(last)s: %(value)s lies outside them.")
            % {"first": FIRST_YEAR, "last": last_year(today), "value": text}
        )
    return date


def check_period(date_from, date_to, restate_on=None, today=None):
    """Refuse (ValueError, for the user) a reversed period or a date outside the years a
    report covers; `restate_on` is checked alike."""
    if date_to < date_from:
        raise ValueError(_("The end of the period lies before its start."))
    for day in (date_from, date_to, restate_on):
        if day is not None and not FIRST_YEAR <= day.year <= last_year(today):
            raise ValueError(
                _("Reports cover the years %(first)s to %(last)s: %(value)s lies outside them.")
                % {"first": FIRST_YEAR, "last": last_year(today), "value": day.isoformat()}
            )
