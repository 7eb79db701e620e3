"""The daily e-mail of what is due, for the users who asked for it (deadlines.Digest).

`send_daily_digests` runs every morning as the recurring task `deadlines.digest`
(registered in apps.py, see docs/background-tasks.md). Each user gets one message, in
their own language (accounts.Profile.language, else the site's), listing their work list
in their scope. A day is sent once per user (`Digest.last_sent_on`); a message that fails
is logged and its day stays unsent, so the next run sends it: nothing is lost, and the
items stay in the notification centre in any case.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grassroots.accounts.models import Profile

from . import selectors
from .management.commands.remind import format_by_unit
from .models import Digest

logger = logging.getLogger(__name__)


def _language_of(user):
    profile = Profile.objects.filter(user=user).first()
    return (profile.language if profile else "") or settings.LANGUAGE_CODE


def digest_message(user, today):
    """The user's digest of `today` (in the active language), or None if nothing is due."""
    items = selectors.work_list(user, today)
    if not items:
        return None
    counts = selectors.count_by_urgency(items)
    subject = _("Grassroots work list of %(day)s: %(overdue)d overdue, %(total)d in all") % {
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
            _("You receive this because you asked for a daily e-mail on your reminders page."),
        ]
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_daily_digests(today=None):
    """Send today's digest to every active user who opted in and has an address; returns
    the number sent. Idempotent for the day; a failure is logged and retried next run."""
    today = today or timezone.localdate()
    digests = (
        Digest.objects.filter(daily=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(last_sent_on=today)
        .select_related("user")
        .order_by("user__username")
    )
    sent = 0
    for digest in digests:
        user = digest.user
        try:
            with translation.override(_language_of(user)):
                message = digest_message(user, today)
            if message is not None:
                message.send()
                sent += 1
        except Exception:
            logger.exception("daily digest for %s not sent; it is sent at the next run", user)
            continue
        Digest.objects.filter(pk=digest.pk).update(last_sent_on=today)
    return sent
