"""Temporary transfers that end: the member returns, or the transfer becomes official."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grassroots.deadlines.selectors import work_list
from grassroots.history.models import Change
from grassroots.history.selectors import visible_changes
from grassroots.history.services import Trace
from grassroots.people.models import Membership
from grassroots.transfers import services
from grassroots.transfers.models import Transfer

from .helpers import issue, make_member

pytestmark = pytest.mark.django_db
BICH = "001090000004"


def temporary(town, **fields):
    make_member(town, BICH, "W1C1")
    return issue(
        town,
        BICH,
        kind="temporary",
        to_unit=town.unit("W2C1"),
        ends_on=dt.date(2026, 9, 30),
        **fields,
    )


def test_the_member_returns_and_both_units_see_it(town):
    transfer = temporary(town)
    services.transfer_receive(
        trace=Trace(user=town.user("outsider")), transfer=transfer, arrived_on=dt.date(2026, 4, 8)
    )
    services.transfer_end(
        trace=Trace(user=town.user("w1_clerk")),
        transfer=transfer,
        ended_on=dt.date(2026, 9, 28),
        outcome="returned",
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.ended_on) == ("returned", dt.date(2026, 9, 28))
    membership = Membership.objects.get(person__national_id=BICH)
    assert membership.unit.code == "W1C1"
    # One history row, read by the sending and the receiving unit alike.
    ended = Change.objects.filter(
        model="transfers.transfer", object_id=str(transfer.pk), after__status="returned"
    )
    assert ended.count() == 1
    for name in ("w1_clerk", "outsider"):
        assert visible_changes(town.user(name), ended).count() == 1
    assert not visible_changes(town.user("secretary"), ended).exists()


def test_made_official_moves_the_member_on_that_day(town):
    transfer = temporary(town)
    services.transfer_end(
        trace=Trace(user=town.user("outsider")),
        transfer=transfer,
        ended_on=dt.date(2026, 6, 1),
        outcome="made_official",
    )
    membership = Membership.objects.get(person__national_id=BICH)
    assert (membership.unit.code, membership.unit_since) == ("W2C1", dt.date(2026, 6, 1))


def test_only_the_sending_unit_takes_the_member_back(town):
    transfer = temporary(town)
    with pytest.raises(PermissionDenied):
        services.transfer_end(
            trace=Trace(user=town.user("w1_viewer")),
            transfer=transfer,
            ended_on=dt.date(2026, 6, 1),
            outcome="returned",
        )


def test_an_official_transfer_cannot_be_ended_and_dates_are_checked(town):
    make_member(town, BICH, "W1C1")
    official = issue(town, BICH, to_unit=town.unit("W2C1"))
    with pytest.raises(ValidationError):
        services.transfer_end(
            trace=Trace.system(),
            transfer=official,
            ended_on=dt.date(2026, 6, 1),
            outcome="returned",
        )
    with pytest.raises(ValidationError, match="within 24 months"):
        issue(
            town,
            BICH,
            kind="temporary",
            to_unit=town.unit("HS"),
            issued_on=dt.date(2026, 4, 2),
            ends_on=dt.date(2029, 1, 1),
        )


def test_unreceived_and_ending_transfers_are_on_both_units_work_lists(town):
    transfer = temporary(town)
    today = dt.date(2026, 9, 20)
    for user in ("w1_clerk", "outsider"):
        kinds = {(i["kind"], i["person"].national_id) for i in work_list(town.user(user), today)}
        assert ("transfer", BICH) in kinds
        assert ("temporary_transfer_ends", BICH) in kinds
    assert transfer.report_by < today


def test_ending_through_the_page(client_for, town):
    transfer = temporary(town)
    response = client_for("admin").post(
        reverse("transfers:end", kwargs={"pk": transfer.pk}),
        {"ended_on": "2026-06-01", "outcome": "returned"},
    )
    assert response.status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).status == "returned"
