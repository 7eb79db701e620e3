"""The transfers section of a person's page: their letters and the units over time."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.people.models import Membership
from grassroots.pipeline.rules import get_rules

from . import selectors, services
from .models import Transfer


def person_transfers(user, person):
    """Shown for anyone who ever had a membership or a transfer; None otherwise."""
    transfers = list(selectors.transfers_of_person(user, person))
    spells = selectors.units_over_time(person, transfers)
    if not transfers and not spells:
        return None
    membership = services.active_membership(person)
    reasons = dict(get_rules().leave_reasons)
    spells_held = list(person.memberships.order_by("-admitted_on", "-pk"))
    latest = spells_held[0] if spells_held else None
    ended = sorted(
        (m for m in spells_held if m.status == Membership.Status.LEFT),
        key=lambda m: (m.ended_on is None, m.ended_on),
    )
    left = [
        {
            "on": m.ended_on,
            "reason": reasons.get(m.leave_reason, m.leave_reason),
            # Only the latest membership's leaving can be taken back (the service says why).
            "undo": m.pk
            if membership is None and m == latest and services.may_record_leaving(user, m)
            else None,
        }
        for m in ended
    ]
    return {
        "title": _("Transfers and units"),
        "template": "transfers/partials/_person_section.html",
        "context": {
            "person": person,
            "transfers": list(reversed(transfers)),
            "spells": spells,
            "left": left,
            "today": timezone.localdate(),
            "can_issue": membership is not None
            and not any(t.status == Transfer.Status.ISSUED for t in transfers)
            and scope.can(user, Action.RECORD_STEP, membership.unit),
            "leaving": membership
            if membership is not None
            and services.may_record_leaving(user, membership)
            and services.transfer_under_way(membership) is None
            else None,
        },
    }
