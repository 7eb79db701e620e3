"""The notification centre: the user's work list (selectors.work_list, in their scope),
with what they marked as seen set apart, and the settings of their daily digest.

What counts in the menu's badge is what is overdue or due today and not seen yet. The
work list is read up to `LIMIT` items (most urgent first), so a national officer's badge
costs one bounded read; the badge shows "LIMIT+" beyond.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from grassroots.history.models import Change
from grassroots.history.services import record_change

from . import selectors
from .models import Digest, SeenItem

LIMIT = 200
DUE = (selectors.OVERDUE, selectors.DUE_TODAY)


def item_key(item):
    """A stable name for a work-list item: its kind, record (page), person and due date."""
    person = getattr(item.get("person"), "national_id", "")
    text = "|".join([item["kind"], item.get("url", ""), person, item["due_on"].isoformat()])
    return hashlib.sha256(text.encode()).hexdigest()[:64]


def notifications_for(user, today=None):
    """(unseen, seen, capped): the user's work list split by what they marked as seen, each
    item with its `key`; `capped` when the list was cut at LIMIT."""
    today = today or timezone.localdate()
    items = selectors.work_list(user, today, limit=LIMIT + 1)
    capped = len(items) > LIMIT
    items = items[:LIMIT]
    for item in items:
        item["key"] = item_key(item)
    seen_keys = set(
        SeenItem.objects.filter(user=user, key__in=[i["key"] for i in items]).values_list(
            "key", flat=True
        )
    )
    unseen = [i for i in items if i["key"] not in seen_keys]
    seen = [i for i in items if i["key"] in seen_keys]
    return unseen, seen, capped


def badge_count(user, today=None):
    """(n, capped): items overdue or due today that the user has not marked as seen."""
    unseen, _seen, capped = notifications_for(user, today)
    return sum(1 for i in unseen if i["urgency"] in DUE), capped


def item_mark_seen(*, user, key, today=None):
    """Mark an item of the user's own work list as seen (a key not in it is refused with
    LookupError: nobody marks what they cannot see). Marking twice does nothing."""
    unseen, seen, _capped = notifications_for(user, today)
    item = next((i for i in unseen + seen if i["key"] == key), None)
    if item is None:
        raise LookupError(key)
    try:
        with transaction.atomic():
            SeenItem.objects.get_or_create(user=user, key=key, defaults={"due_on": item["due_on"]})
    except IntegrityError:
        pass
    return item


def digest_of(user):
    return Digest.objects.filter(user=user).first() or Digest(user=user)


@transaction.atomic
def digest_set(*, trace, user, daily):
    """Switch the user's daily e-mail on or off; recorded as a change of the account."""
    digest = Digest.objects.select_for_update().filter(user=user).first() or Digest(user=user)
    if digest.pk is not None and digest.daily == bool(daily):
        return digest
    before = digest.daily
    digest.daily = bool(daily)
    digest.save()
    record_change(
        trace,
        user,
        action=Change.Action.UPDATE,
        before={"daily_digest": before},
        after={"daily_digest": digest.daily},
    )
    return digest
