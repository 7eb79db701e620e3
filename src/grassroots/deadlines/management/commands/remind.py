"""`grassroots remind`: print the work list per unit, and mail each responsible user a digest."""

import argparse
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.accounts.models import RoleAssignment
from grassroots.deadlines import selectors
from grassroots.org.models import Unit


def _date(value):
    # argparse turns this error into its usage line and exit status 2; a CommandError
    # raised while parsing escaped as a traceback from the console script.
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("Write the date as YYYY-MM-DD: %(value)s") % {"value": value}
        ) from exc


def format_item(item):
    if item["days_late"]:
        when = ngettext("%(n)d day late", "%(n)d days late", item["days_late"]) % {
            "n": item["days_late"]
        }
    else:
        when = str(item["urgency_label"])
    person = getattr(item["person"], "full_name", "") or "—"
    return f"  {item['due_on'].isoformat()}  {when:<14}  {person}  {item['label']}"


def format_by_unit(items):
    """Lines of the work list grouped under each item's unit, in tree order."""
    groups = {}
    for item in items:
        groups.setdefault(item["unit"], []).append(item)
    lines = []
    for unit in sorted(groups, key=lambda u: getattr(u, "path", "")):
        unit_items = groups[unit]
        heading = f"{unit.code} · {unit.name}" if unit is not None else _("Without a unit")
        count = ngettext("%(n)d item", "%(n)d items", len(unit_items)) % {"n": len(unit_items)}
        lines.append(f"{heading}: {count}")
        lines.extend(format_item(item) for item in unit_items)
    return lines


def responsible_users(unit=None):
    """Active users with an e-mail address holding a role on `unit` or above it (any
    role when no unit is given)."""
    assignments = RoleAssignment.objects.all()
    if unit is not None:
        ancestor_paths = [
            unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)
        ]
        assignments = assignments.filter(unit__path__in=ancestor_paths)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=assignments.values("user"))
        .exclude(email="")
        .order_by("username")
    )


class Command(BaseCommand):
    @property
    def help(self):
        # Translated when the parser is built (argparse needs a plain string).
        return _(
            "Print the work list (overdue, due today, due within 30 days) per unit; with "
            "--mail, send each responsible user one digest by e-mail."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_date,
            help=_("Count deadlines as of this day (YYYY-MM-DD); default today."),
        )
        parser.add_argument("--unit", help=_("Only this unit (code) and the units below it."))
        parser.add_argument(
            "--mail",
            action="store_true",
            help=_(
                "Mail each user with a role on the unit or above it (and an e-mail "
                "address) a digest of their work list."
            ),
        )

    def handle(self, *args, today=None, unit=None, mail=False, **options):
        today = today or timezone.localdate()
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(_("No unit with code %(code)s.") % {"code": unit})
        items = selectors.work_list(selectors.SYSTEM, today, unit=unit_obj)
        self.stdout.write(_("Work list on %(day)s") % {"day": today.isoformat()})
        if not items:
            self.stdout.write(_("Nothing is due."))
        for line in format_by_unit(items):
            self.stdout.write(line)
        if mail:
            sent = self.send_digests(today, unit_obj)
            self.stdout.write(
                ngettext("%(n)d digest sent.", "%(n)d digests sent.", sent) % {"n": sent}
            )

    def send_digests(self, today, unit):
        messages = []
        for user in responsible_users(unit):
            items = selectors.work_list(user, today, unit=unit)
            if not items:
                continue
            counts = selectors.count_by_urgency(items)
            subject = _(
                "Grassroots work list of %(day)s: %(overdue)d overdue, %(total)d in all"
            ) % {
                "day": today.isoformat(),
                "overdue": counts[selectors.OVERDUE],
                "total": len(items),
            }
            body = "\n".join(
                [
                    _("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                    "",
                    _("These deadlines in your units are overdue, due today or due soon:"),
                    "",
                    *format_by_unit(items),
                    "",
                ]
            )
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
        if not messages:
            return 0
        with get_connection() as connection:
            return connection.send_messages(messages) or 0
