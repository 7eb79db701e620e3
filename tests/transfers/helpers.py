"""Members and transfers for the transfer and work-list tests."""

import datetime as dt

from grassroots.history.services import Trace
from grassroots.people.models import Membership
from grassroots.transfers import services

ADMITTED_ON = dt.date(2020, 5, 19)


def make_member(town, national_id, unit_code, status=Membership.Status.OFFICIAL):
    person = town.people[national_id]
    return Membership.objects.create(
        person=person,
        unit=town.unit(unit_code),
        status=status,
        admitted_on=ADMITTED_ON,
        official_since=ADMITTED_ON if status == Membership.Status.OFFICIAL else None,
    )


def issue(town, national_id, *, user=None, **fields):
    fields.setdefault("kind", "official")
    fields.setdefault("issued_on", dt.date(2026, 4, 1))
    return services.transfer_issue(
        trace=Trace(user=town.user(user) if user else None),
        person=town.people[national_id],
        **fields,
    )
