"""What the report-like commands (`grassroots report`, `grassroots conference paper`) read
from their options the same way: the acting user, the unit in that user's scope and the
checked period. Errors are `CommandError`s with the contract's wording."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from . import periods, selectors


def iso_date(text):
    try:
        return periods.report_date(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def acting_user(username):
    """The user named by `--user`, or the system (sees all) when none is named."""
    if not username:
        return selectors.SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("no active user %(name)s") % {"name": username})
    return user


def unit_and_period(user, options):
    """(unit in the user's scope, date_from, date_to, restate_on or None), checked."""
    date_from, date_to = iso_date(options["date_from"]), iso_date(options["date_to"])
    restate_on = iso_date(options["restate_on"]) if options.get("restate_on") else None
    try:
        periods.check_period(date_from, date_to, restate_on)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    try:
        unit = selectors.unit_for_report(user, options["unit"])
    except Http404 as exc:
        raise CommandError(_("unknown unit: %(code)s") % {"code": options["unit"]}) from exc
    return unit, date_from, date_to, restate_on
