"""Transfers for the demo town, made through the transfer services (with history).

The bulk loader already writes departures of pupils to universities and a few transfers
waiting to be received. This adds the cases those lack, so every transfer page and the
work list have something to show:

- an official transfer between two wards, received: the member's page shows two units;
- a transfer not received within 30 working days: an overdue item on the work list;
- a temporary transfer out of the system for study;
- a member arriving from outside the system.
"""

from django.db.models import Exists, OuterRef

from grassroots.org.models import Unit
from grassroots.people.models import Membership, Person
from grassroots.transfers import services
from grassroots.transfers.models import Transfer
from grassroots.workdays import add_working_days

LETTER_PREFIX = "DEMO-"


def _free_members(count):
    """Official members in cells with no transfer yet, one per ward, oldest first."""
    has_transfer = Transfer.objects.filter(person=OuterRef("person"))
    memberships = (
        Membership.objects.filter(status=Membership.Status.OFFICIAL, unit__kind=Unit.Kind.CELL)
        .filter(~Exists(has_transfer))
        .select_related("person", "unit")
        .order_by("id")
    )
    picked, wards = [], set()
    for membership in memberships.iterator():
        ward = membership.unit.path[: 2 * Unit.steplen]
        if ward in wards:
            continue
        wards.add(ward)
        picked.append(membership)
        if len(picked) == count:
            break
    return picked


def _cell_elsewhere(membership):
    ward = membership.unit.path[: 2 * Unit.steplen]
    return (
        Unit.objects.filter(kind=Unit.Kind.CELL, valid_to__isnull=True)
        .exclude(path__startswith=ward)
        .order_by("path")
        .first()
    )


def load_transfers(trace, today):
    """Add the demo's service-made transfers; returns how many were made (0 if done)."""
    if Transfer.objects.filter(letter_no__startswith=LETTER_PREFIX).exists():
        return 0
    members = _free_members(3)
    made = 0
    if len(members) >= 1:
        moved = members[0]
        issued = add_working_days(today, -60)
        transfer = services.transfer_issue(
            trace=trace,
            person=moved.person,
            kind=Transfer.Kind.OFFICIAL,
            issued_on=issued,
            to_unit=_cell_elsewhere(moved),
            letter_no=f"{LETTER_PREFIX}01-GGT/TU",
            dues_paid_until=f"{issued:%Y-%m}",
            note="Chuyển công tác",
        )
        services.transfer_receive(
            trace=trace, transfer=transfer, arrived_on=add_working_days(issued, 9)
        )
        made += 1
    if len(members) >= 2:
        late = members[1]
        issued = add_working_days(today, -34)
        services.transfer_issue(
            trace=trace,
            person=late.person,
            kind=Transfer.Kind.OFFICIAL,
            issued_on=issued,
            to_unit=_cell_elsewhere(late),
            letter_no=f"{LETTER_PREFIX}02-GGT/TU",
            dues_paid_until=f"{issued:%Y-%m}",
            note="Chuyển nơi cư trú",
        )
        made += 1
    if len(members) >= 3:
        student = members[2]
        issued = add_working_days(today, -15)
        services.transfer_issue(
            trace=trace,
            person=student.person,
            kind=Transfer.Kind.TEMPORARY,
            issued_on=issued,
            destination="Trường Đại học Kinh tế – Đại học Đà Nẵng",
            destination_type=Transfer.DestinationType.UNIVERSITY,
            letter_no=f"{LETTER_PREFIX}03-GGT/TU",
            dues_paid_until=f"{issued:%Y-%m}",
            note="Học thạc sĩ tập trung 2 năm",
        )
        made += 1
    newcomer = (
        Person.objects.filter(
            unit__kind=Unit.Kind.CELL,
            memberships__isnull=True,
            dossiers__isnull=True,
            admissions__isnull=True,
            transfers__isnull=True,
        )
        .filter(birth_date__lte=add_working_days(today, -260 * 25))
        .order_by("id")
        .first()
    )
    if newcomer is not None:
        issued = add_working_days(today, -25)
        services.transfer_incoming(
            trace=trace,
            person=newcomer,
            kind=Transfer.Kind.OFFICIAL,
            issued_on=issued,
            origin="Đảng bộ thành phố Tam Kỳ",
            to_unit=newcomer.unit,
            arrived_on=add_working_days(issued, 6),
            membership_status=Membership.Status.OFFICIAL,
            admitted_on=add_working_days(issued, -260 * 4),
            letter_no=f"{LETTER_PREFIX}04-GGT/TU",
            dues_paid_until=f"{issued:%Y-%m}",
        )
        made += 1
    return made
