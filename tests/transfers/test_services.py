import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.people.models import Membership, Person
from grassroots.transfers import services
from grassroots.transfers.models import Transfer

from .helpers import issue, make_member

BICH = "001090000004"  # lives in W1C1
AN = "001090000005"  # lives in W2C1


def test_official_transfer_moves_the_membership_on_arrival(town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, user="w1_clerk", to_unit=town.unit("W2C1"), letter_no="12/GT")
    membership.refresh_from_db()
    assert membership.unit.code == "W1C1"  # not counted elsewhere before arrival
    assert transfer.status == Transfer.Status.ISSUED
    assert transfer.from_unit.code == "W1C1"

    services.transfer_receive(
        trace=Trace(user=town.user("outsider")), transfer=transfer, arrived_on=dt.date(2026, 4, 20)
    )
    membership.refresh_from_db()
    transfer.refresh_from_db()
    assert membership.unit.code == "W2C1"
    assert membership.status == Membership.Status.OFFICIAL
    assert Person.objects.get(national_id=BICH).unit.code == "W2C1"
    assert transfer.status == Transfer.Status.RECEIVED
    assert transfer.arrived_on == dt.date(2026, 4, 20)


def test_history_records_every_unit_the_member_belonged_to(town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    services.transfer_receive(trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 2))
    change = Change.objects.filter(
        model="people.membership", object_id=str(membership.pk), action="update"
    ).get()
    assert (change.before["unit"], change.after["unit"]) == ("W1C1", "W2C1")
    assert (
        Change.objects.filter(model="transfers.transfer", object_id=str(transfer.pk)).count() == 2
    )


def test_temporary_transfer_keeps_the_member_on_the_sending_roll(town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, kind="temporary", to_unit=town.unit("HS"))
    services.transfer_receive(trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 6))
    membership.refresh_from_db()
    assert membership.unit.code == "W1C1"
    assert Person.objects.get(national_id=BICH).unit.code == "W1C1"
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.RECEIVED


def test_official_transfer_out_of_the_system_marks_transferred_out(town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(
        town, BICH, destination="Hanoi University of Law", destination_type="university"
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.TRANSFERRED_OUT
    assert membership.ended_on == dt.date(2026, 4, 1)
    assert transfer.status == Transfer.Status.LEFT_SCOPE


def test_temporary_transfer_out_of_the_system_keeps_the_membership(town):
    membership = make_member(town, BICH, "W1C1")
    issue(
        town, BICH, kind="temporary", destination="Army unit 123", destination_type="armed_forces"
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.OFFICIAL


def test_report_by_is_thirty_working_days_after_the_letter(town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"), issued_on=dt.date(2026, 4, 1))
    # 27 April, 30 April and 1 May are holidays.
    assert transfer.report_by == dt.date(2026, 5, 18)


def test_it_takes_a_unit_or_a_destination_not_both(town):
    make_member(town, BICH, "W1C1")
    with pytest.raises(ValidationError) as both:
        issue(
            town, BICH, to_unit=town.unit("W2C1"), destination="Abroad", destination_type="abroad"
        )
    assert "destination" in both.value.message_dict
    with pytest.raises(ValidationError) as neither:
        issue(town, BICH)
    assert "to_unit" in neither.value.message_dict
    assert not Transfer.objects.exists()


def test_a_destination_outside_needs_its_type(town):
    make_member(town, BICH, "W1C1")
    with pytest.raises(ValidationError) as exc:
        issue(town, BICH, destination="Somewhere")
    assert "destination_type" in exc.value.message_dict


def test_only_an_active_member_can_be_transferred(town):
    with pytest.raises(ValidationError) as exc:
        issue(town, BICH, to_unit=town.unit("W2C1"))
    assert "person" in exc.value.message_dict


def test_a_second_open_transfer_is_refused(town):
    make_member(town, BICH, "W1C1")
    issue(town, BICH, to_unit=town.unit("W2C1"))
    with pytest.raises(ValidationError) as exc:
        issue(town, BICH, to_unit=town.unit("HS"), issued_on=dt.date(2026, 4, 2))
    assert "person" in exc.value.message_dict


def test_a_letter_in_the_future_or_before_admission_is_refused(town):
    make_member(town, BICH, "W1C1")
    with pytest.raises(ValidationError) as future:
        issue(town, BICH, to_unit=town.unit("W2C1"), issued_on=dt.date(2099, 1, 1))
    assert "issued_on" in future.value.message_dict
    with pytest.raises(ValidationError) as early:
        issue(town, BICH, to_unit=town.unit("W2C1"), issued_on=dt.date(2019, 1, 1))
    assert "issued_on" in early.value.message_dict


def test_outsider_cannot_transfer_a_member_of_ward_1(town):
    make_member(town, BICH, "W1C1")
    with pytest.raises(Http404):
        issue(town, BICH, user="outsider", to_unit=town.unit("W2C1"))


def test_viewer_cannot_transfer(town):
    make_member(town, BICH, "W1C1")
    with pytest.raises(PermissionDenied):
        issue(town, BICH, user="w1_viewer", to_unit=town.unit("W2C1"))


def test_only_the_receiving_unit_records_the_arrival(town):
    make_member(town, AN, "W2C1")
    transfer = issue(town, AN, to_unit=town.unit("W1C2"))
    with pytest.raises(PermissionDenied):
        services.transfer_receive(
            trace=Trace(user=town.user("w1_viewer")),
            transfer=transfer,
            arrived_on=dt.date(2026, 4, 2),
        )
    with pytest.raises(Http404):
        services.transfer_receive(
            trace=Trace(user=town.user("secretary")),
            transfer=transfer,
            arrived_on=dt.date(2026, 4, 2),
        )
    services.transfer_receive(
        trace=Trace(user=town.user("w1_clerk")), transfer=transfer, arrived_on=dt.date(2026, 4, 2)
    )


def test_arrival_before_the_letter_is_refused(town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    with pytest.raises(ValidationError) as exc:
        services.transfer_receive(
            trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 3, 1)
        )
    assert "arrived_on" in exc.value.message_dict


def test_a_member_from_outside_gets_a_membership_in_the_receiving_unit(town):
    person = town.people[AN]
    transfer = services.transfer_incoming(
        trace=Trace(user=town.user("outsider")),
        person=person,
        kind="official",
        issued_on=dt.date(2026, 3, 2),
        origin="Hội An town committee",
        to_unit=town.unit("W2C1"),
        arrived_on=dt.date(2026, 3, 10),
        membership_status=Membership.Status.PROBATIONARY,
        admitted_on=dt.date(2025, 9, 2),
    )
    assert transfer.status == Transfer.Status.RECEIVED
    assert transfer.from_unit is None
    membership = transfer.membership
    assert (membership.unit.code, membership.status) == ("W2C1", "probationary")
    assert membership.admitted_on == dt.date(2025, 9, 2)


def test_a_temporary_member_from_outside_gets_no_membership(town):
    transfer = services.transfer_incoming(
        trace=town.trace,
        person=town.people[AN],
        kind="temporary",
        issued_on=dt.date(2026, 3, 2),
        origin="Đà Nẵng University cell",
        to_unit=town.unit("W2C1"),
        arrived_on=dt.date(2026, 3, 3),
    )
    assert transfer.membership is None
    assert not Membership.objects.filter(person=town.people[AN]).exists()


def test_an_active_member_cannot_arrive_from_outside(town):
    make_member(town, AN, "W2C1")
    with pytest.raises(ValidationError) as exc:
        services.transfer_incoming(
            trace=town.trace,
            person=town.people[AN],
            kind="official",
            issued_on=dt.date(2026, 3, 2),
            origin="Elsewhere",
            to_unit=town.unit("W2C1"),
            arrived_on=dt.date(2026, 3, 3),
            admitted_on=dt.date(2020, 1, 1),
        )
    assert "person" in exc.value.message_dict


def test_cancelling_a_departure_out_of_the_system_restores_the_membership(town):
    membership = make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, destination="Abroad", destination_type="abroad")
    services.transfer_cancel(
        trace=Trace(user=town.user("w1_clerk")), transfer=transfer, reason="letter not used"
    )
    membership.refresh_from_db()
    transfer.refresh_from_db()
    assert membership.status == Membership.Status.OFFICIAL
    assert membership.ended_on is None
    assert transfer.status == Transfer.Status.CANCELLED


def test_a_received_transfer_cannot_be_cancelled(town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    services.transfer_receive(trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 2))
    with pytest.raises(ValidationError):
        services.transfer_cancel(trace=town.trace, transfer=transfer, reason="oops")


def test_cancelling_needs_a_reason(town):
    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    with pytest.raises(ValidationError) as exc:
        services.transfer_cancel(trace=town.trace, transfer=transfer, reason=" ")
    assert "reason" in exc.value.message_dict


def test_units_over_time_follow_the_official_moves(town):
    from grassroots.transfers.selectors import transfers_of_person, units_over_time

    make_member(town, BICH, "W1C1")
    transfer = issue(town, BICH, to_unit=town.unit("W2C1"))
    services.transfer_receive(trace=town.trace, transfer=transfer, arrived_on=dt.date(2026, 4, 8))
    person = town.people[BICH]
    spells = units_over_time(person, list(transfers_of_person(town.user("admin"), person)))
    assert [(s["unit"].code, s["since"], s["until"]) for s in spells] == [
        ("W1C1", dt.date(2020, 5, 19), dt.date(2026, 4, 8)),
        ("W2C1", dt.date(2026, 4, 8), None),
    ]
