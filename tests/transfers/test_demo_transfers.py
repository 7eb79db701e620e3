import datetime as dt

import pytest

from grassroots.demo.transfers import load_transfers
from grassroots.people.models import Membership
from grassroots.transfers.models import Transfer

from .helpers import make_member

TODAY = dt.date(2026, 11, 27)

pytestmark = pytest.mark.django_db


def test_demo_transfers_cover_every_case_once(town):
    for national_id, unit in [
        ("001090000004", "W1C1"),
        ("001090000005", "W2C1"),
        ("001090000002", "HS"),
    ]:
        make_member(town, national_id, unit)
    assert load_transfers(town.trace, TODAY) == 4
    statuses = sorted(Transfer.objects.values_list("kind", "status"))
    assert statuses == [
        ("official", "issued"),
        ("official", "received"),
        ("official", "received"),
        ("temporary", "left_scope"),
    ]
    # Lê Văn Dũng (HS, no membership) arrives from outside and becomes a member of HS.
    incoming = Transfer.objects.get(from_unit__isnull=True)
    assert incoming.person.national_id == "001090000003"
    assert Membership.objects.get(person=incoming.person).unit.code == "HS"
    assert load_transfers(town.trace, TODAY) == 0
