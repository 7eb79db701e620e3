"""The transfers section of a person's page: their letters and the units over time."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action

from . import selectors, services
from .models import Transfer


def person_transfers(user, person):
    """Shown for anyone who ever had a membership or a transfer; None otherwise."""
    transfers = list(selectors.transfers_of_person(user, person))
    spells = selectors.units_over_time(person, transfers)
    if not transfers and not spells:
        return None
    membership = services.active_membership(person)
    return {
        "title": _("Transfers and units"),
        "template": "transfers/partials/_person_section.html",
        "context": {
            "person": person,
            "transfers": list(reversed(transfers)),
            "spells": spells,
            "today": timezone.localdate(),
            "can_issue": membership is not None
            and not any(t.status == Transfer.Status.ISSUED for t in transfers)
            and scope.can(user, Action.RECORD_STEP, membership.unit),
        },
    }
