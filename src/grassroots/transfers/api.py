"""Transfers over the REST API: reads through `transfers.selectors`, changes through
`transfers.services` (which check the sending or receiving unit's rights themselves).

A transfer has no natural key of its own and is addressed by id.
"""

import datetime as dt
import enum
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    LIST,
    READ_ONE,
    WRITE,
    Body,
    Filters,
    ReadsPagination,
    RecordId,
    in_date_range,
    links,
    log_read,
    not_found,
    responses,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.api_fields import Day, omittable, text, value_of, vocabulary
from grassroots.inputs import composed, text_pattern
from grassroots.org.models import Unit
from grassroots.people.api import person_by_national_id
from grassroots.people.models import Membership, Person
from grassroots.pipeline.rules import get_rules

from . import selectors, services
from .models import Transfer

router = Router(tags=["transfers"])

TransferKind = vocabulary(Transfer.Kind)
TransferStatus = vocabulary(Transfer.Status)
TransferDestinationType = vocabulary(Transfer.DestinationType)
UnitCode = text(Unit, "code")


class TransferDirection(enum.StrEnum):
    """Transfers within the system, into it from outside, or out of it."""

    WITHIN = selectors.DIRECTION_WITHIN
    IN = selectors.DIRECTION_IN
    OUT = selectors.DIRECTION_OUT


class TransferOut(Schema):
    id: int
    person: str
    person_name: str
    kind: TransferKind
    status: TransferStatus
    issued_on: dt.date
    from_unit: str | None
    to_unit: str | None
    destination: str
    destination_type: TransferDestinationType | None
    origin: str
    report_by: dt.date | None
    arrived_on: dt.date | None
    letter_no: str
    dues_paid_until: str
    note: str

    @staticmethod
    def resolve_person(transfer):
        return transfer.person.national_id

    @staticmethod
    def resolve_person_name(transfer):
        return transfer.person.full_name

    @staticmethod
    def resolve_from_unit(transfer):
        return transfer.from_unit.code if transfer.from_unit_id else None

    @staticmethod
    def resolve_to_unit(transfer):
        return transfer.to_unit.code if transfer.to_unit_id else None

    @staticmethod
    def resolve_destination_type(transfer):
        return transfer.destination_type or None


class TransferFilters(Filters):
    unit: UnitCode = omittable(description="Keep those sent from or to this subtree.")
    status: TransferStatus = omittable()
    kind: TransferKind = omittable()
    direction: TransferDirection = omittable()
    issued_from: Day = omittable(description="Letters dated on this day or later.")
    issued_to: Day = omittable(description="Letters dated on this day or earlier.")


class TransferIn(Body):
    """Give `to_unit` (a unit of the system) or `destination` (a place outside it, with
    its `destination_type`), not both."""

    person: text(Person, "national_id")
    kind: TransferKind
    issued_on: Day
    to_unit: UnitCode | None = None
    destination: text(Transfer, "destination") = ""
    destination_type: TransferDestinationType | None = None
    letter_no: text(Transfer, "letter_no") = ""
    dues_paid_until: text(Transfer, "dues_paid_until") = ""
    note: text(Transfer, "note") = ""


class ReceiveIn(Body):
    arrived_on: Day


class TransferEnding(enum.StrEnum):
    """How a temporary transfer ends: the member returns, or the transfer becomes official."""

    RETURNED = Transfer.Status.RETURNED.value
    MADE_OFFICIAL = Transfer.Status.MADE_OFFICIAL.value


class EndIn(Body):
    ended_on: Day
    outcome: TransferEnding
    reason: Annotated[
        str, StringConstraints(max_length=services.END_REASON_MAX_LENGTH, pattern=text_pattern())
    ] = ""


@router.get(
    "/transfers", response=responses({200: list[TransferOut]}, LIST), url_name="transfer_list"
)
@paginate(ReadsPagination, what="API transfers", shown=lambda transfer: [transfer.person])
def transfer_list(request, filters: Query[TransferFilters]):
    """Transfers sent from or to the caller's units, newest letter first.

    `unit=CODE` keeps those sent from or to that subtree; `direction` is within, in or
    out (of the system); `issued_from`/`issued_to` bound the letter's date.
    """
    user = user_of(request)
    unit = unit_by_code(user, filters.unit) if filters.unit is not None else None
    transfers = selectors.transfer_list(
        user,
        status=value_of(filters.status) or "",
        kind=value_of(filters.kind) or "",
        direction=value_of(filters.direction) or "",
        unit=unit,
    )
    return in_date_range(transfers, "issued_on", filters.issued_from, filters.issued_to)


@router.get(
    "/transfers/{transfer_id}",
    response=responses({200: TransferOut}, READ_ONE),
    url_name="transfer_detail",
)
def transfer_detail(request, transfer_id: RecordId):
    transfer = selectors.transfer_for(user_of(request), transfer_id)
    log_read(request, "API transfer", transfer.person)
    return transfer


@router.post(
    "/transfers",
    response=responses({201: TransferOut}, WRITE),
    url_name="transfer_issue",
    openapi_extra=links(
        201,
        transfer=("transfer_detail", "transfer_id", "/id"),
        receive=("transfer_receive", "transfer_id", "/id"),
        end=("transfer_end", "transfer_id", "/id"),
    ),
)
def transfer_issue(request, payload: TransferIn):
    """Issue an introduction letter for an active member (needs the right to record
    steps in the member's unit). `to_unit` may be any unit of the system; a place outside
    it is given as `destination` with its `destination_type`."""
    user = user_of(request)
    person = person_by_national_id(user, payload.person)
    to_unit = None
    if payload.to_unit is not None:
        to_unit = Unit.objects.filter(code=composed(payload.to_unit)).first()
        if to_unit is None:
            message = _("No unit with code %(code)s.") % {"code": payload.to_unit}
            raise not_found("body", "to_unit", message)
    fields = payload.model_dump(exclude={"person", "to_unit"})
    fields["kind"] = value_of(fields["kind"])
    fields["destination_type"] = value_of(fields["destination_type"]) or ""
    try:
        transfer = services.transfer_issue(
            trace=trace_for(request), person=person, to_unit=to_unit, **fields
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.transfer_for(user, transfer.pk))


@router.post(
    "/transfers/{transfer_id}/receive",
    response=responses({200: TransferOut}, WRITE),
    url_name="transfer_receive",
)
def transfer_receive(request, transfer_id: RecordId, payload: ReceiveIn):
    """Record that the member reported to the receiving unit."""
    user = user_of(request)
    transfer = selectors.transfer_for(user, transfer_id)
    # The transfer is visible to the sender too: receiving it there is refused, not hidden.
    if transfer.to_unit is not None and not scope.can(user, Action.RECORD_STEP, transfer.to_unit):
        raise PermissionDenied
    try:
        services.transfer_receive(
            trace=trace_for(request), transfer=transfer, arrived_on=payload.arrived_on
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.transfer_for(user, transfer_id)


@router.post(
    "/transfers/{transfer_id}/end",
    response=responses({200: TransferOut}, WRITE),
    url_name="transfer_end",
)
def transfer_end(request, transfer_id: RecordId, payload: EndIn):
    """End a temporary transfer: `outcome` "returned" (the sending unit takes the member
    back) or "made_official" (the receiving unit keeps them from `ended_on`)."""
    user = user_of(request)
    transfer = selectors.transfer_for(user, transfer_id)
    outcome = value_of(payload.outcome)
    if not services.may_end(user, transfer, outcome):
        raise PermissionDenied
    try:
        services.transfer_end(
            trace=trace_for(request),
            transfer=transfer,
            ended_on=payload.ended_on,
            outcome=outcome,
            reason=payload.reason,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.transfer_for(user, transfer_id)


# The reasons of the rule set in force (pipeline/rules.py): the schema lists exactly the
# codes the service takes.
LeaveReason = enum.Enum(
    "LeaveReason",
    [(code.upper(), code) for code, _label in get_rules().leave_reasons],
    type=str,
    module=__name__,
    qualname="LeaveReason",
)
MembershipStatus = vocabulary(Membership.Status)


class LeaveIn(Body):
    ended_on: Day
    reason: LeaveReason
    note: Annotated[
        str, StringConstraints(max_length=services.LEAVE_NOTE_MAX_LENGTH, pattern=text_pattern())
    ] = ""


class MembershipOut(Schema):
    person: str
    unit: str
    status: MembershipStatus
    admitted_on: dt.date
    official_since: dt.date | None
    ended_on: dt.date | None
    leave_reason: LeaveReason | None

    @staticmethod
    def resolve_person(membership):
        return membership.person.national_id

    @staticmethod
    def resolve_unit(membership):
        return membership.unit.code

    @staticmethod
    def resolve_leave_reason(membership):
        return membership.leave_reason or None


@router.post(
    "/people/{national_id}/leave",
    response=responses({200: MembershipOut}, WRITE),
    url_name="membership_leave",
)
def membership_leave(request, national_id: text(Person, "national_id"), payload: LeaveIn):
    """Record that the person, a member, left the organisation on `ended_on` for `reason`:
    their membership in force ends (the committee's decision: needs the right to take
    decisions on the member's unit). A later readmission is checked against the reason."""
    user = user_of(request)
    person = scope.get_scoped(
        user, Person.objects.select_related("unit"), "unit", national_id=national_id.upper()
    )
    membership = services.active_membership(person)
    if membership is None:
        raise not_found(
            "path",
            "national_id",
            _("%(person)s holds no membership in force.") % {"person": person.full_name},
        )
    if not services.may_record_leaving(user, membership):
        raise PermissionDenied
    try:
        membership = services.membership_leave(
            trace=trace_for(request),
            membership=membership,
            ended_on=payload.ended_on,
            reason=value_of(payload.reason),
            note=payload.note,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return membership
