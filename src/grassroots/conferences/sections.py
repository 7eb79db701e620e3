"""The conferences app's section on a unit's page and its dashboard: praise and
criticism of the period beside the numbers, and the conferences held.

Registered with `org.sections` and `reports.panels` in apps.py (both sit below this app).
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.org import sections
from grassroots.reports import panels

from . import selectors

SHOWN = 10


def _context(user, unit, date_from, date_to):
    return {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "recognitions": list(selectors.recognitions_under(user, unit, date_from, date_to)[:SHOWN]),
        "may_hold": scope.can(user, Action.DECIDE, unit),
    }


def unit_recognitions(request, unit):
    """This year's recognitions of the unit and below, and the way to its conferences."""
    today = timezone.localdate()
    return {
        "title": _("Praise and criticism"),
        "template": "conferences/partials/recognitions.html",
        "context": _context(request.user, unit, dt.date(today.year, 1, 1), today),
    }


def dashboard_recognitions(request, unit, date_from, date_to):
    """The recognitions of the dashboard's period."""
    return {
        "title": _("Praise and criticism"),
        "template": "conferences/partials/recognitions.html",
        "context": _context(request.user, unit, date_from, date_to),
    }


def register():
    sections.register(unit_recognitions)
    panels.register(dashboard_recognitions)
