"""The notification centre: a badge and a page of what is due in the user's units, items
marked as seen, and a daily e-mail (opt-in, in the user's language) that loses nothing when
mail fails."""

import datetime as dt
import logging
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from grassroots.accounts.models import Profile
from grassroots.deadlines import notifications
from grassroots.deadlines.digest import send_daily_digests
from grassroots.deadlines.models import Digest, SeenItem
from grassroots.history.models import Change
from grassroots.tasks import schedule
from tests.transfers.helpers import issue, make_member

pytestmark = pytest.mark.django_db
BICH = "001090000004"  # W1C1


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPException("the mail server is down")


@pytest.fixture
def overdue_transfer(town):
    """A member of W1C1 sent to HS two months ago who has not reported: overdue for HS."""
    make_member(town, BICH, "W1C1")
    today = timezone.localdate()
    return issue(town, BICH, to_unit=town.unit("HS"), issued_on=today - dt.timedelta(days=60))


def _badge(client):
    return client.get(reverse("deadlines:notification_badge")).content.decode()


def test_the_badge_counts_what_is_overdue_in_the_users_units(client_for, overdue_transfer):
    assert 'id="reminder-count">1<' in _badge(client_for("secretary"))
    assert "reminder-count" not in _badge(client_for("outsider"))


def test_the_menu_loads_the_badge(client_for):
    page = client_for("secretary").get(reverse("people:list")).content.decode()
    assert reverse("deadlines:notification_badge") in page
    assert reverse("deadlines:notifications") in page


def test_the_page_lists_the_item_and_marking_it_seen_clears_the_badge(
    client_for, town, overdue_transfer
):
    client = client_for("secretary")
    page = client.get(reverse("deadlines:notifications")).content.decode()
    assert "Mark as seen" in page and "HS" in page
    unseen, _seen, _capped = notifications.notifications_for(town.user("secretary"))
    key = unseen[0]["key"]
    response = client.post(reverse("deadlines:notification_seen"), {"key": key})
    assert response.status_code == 302
    assert "reminder-count" not in _badge(client)
    page = client.get(reverse("deadlines:notifications")).content.decode()
    assert "1 item marked as seen" in page
    # Marking twice changes nothing.
    client.post(reverse("deadlines:notification_seen"), {"key": key})
    assert SeenItem.objects.filter(user=town.user("secretary")).count() == 1


def test_nobody_marks_an_item_outside_their_units(client_for, town, overdue_transfer):
    unseen, _seen, _capped = notifications.notifications_for(town.user("secretary"))
    response = client_for("outsider").post(
        reverse("deadlines:notification_seen"), {"key": unseen[0]["key"]}
    )
    assert response.status_code == 404
    assert not SeenItem.objects.exists()


def test_the_daily_email_is_opt_in_and_recorded(client_for, town):
    client = client_for("secretary")
    client.post(reverse("deadlines:digest"), {"daily": "1"})
    assert Digest.objects.get(user=town.user("secretary")).daily
    change = Change.objects.filter(
        model="auth.user", object_id=str(town.user("secretary").pk)
    ).latest("at")
    assert change.after == {"daily_digest": True}
    client.post(reverse("deadlines:digest"), {"daily": "0"})
    assert not Digest.objects.get(user=town.user("secretary")).daily


def _opt_in(town, username, email="sec@example.org", language=""):
    user = town.user(username)
    user.email = email
    user.save(update_fields=["email"])
    Digest.objects.create(user=user, daily=True)
    if language:
        Profile.objects.create(user=user, language=language)
    return user


def test_the_digest_goes_to_those_who_asked_in_their_language_once_a_day(
    settings, town, overdue_transfer
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _opt_in(town, "secretary", language="vi")
    org = town.user("org")
    org.email = "org@example.org"
    org.save(update_fields=["email"])  # has the item too, but did not ask
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0  # once a day
    (message,) = mail.outbox
    assert message.to == ["sec@example.org"]
    with translation.override("vi"):
        hello = _("Hello %(name)s,") % {"name": "secretary"}
    assert message.body.startswith(hello)
    assert "HS" in message.body


def test_a_mail_failure_is_logged_and_the_day_is_sent_at_the_next_run(
    settings, town, overdue_transfer, caplog
):
    user = _opt_in(town, "secretary")
    settings.EMAIL_BACKEND = "tests.deadlines.test_notifications.BrokenBackend"
    with caplog.at_level(logging.ERROR, logger="grassroots.deadlines.digest"):
        assert send_daily_digests() == 0
    assert "secretary" in caplog.text
    assert Digest.objects.get(user=user).last_sent_on is None
    assert notifications.badge_count(user)[0] == 1  # still in the app
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_daily_digests() == 1
    assert Digest.objects.get(user=user).last_sent_on == timezone.localdate()


def test_the_digest_is_a_daily_task():
    assert "deadlines.digest" in schedule.jobs()
    assert import_string(schedule.jobs()["deadlines.digest"].run) is send_daily_digests
