"""Transfers over the REST API: reads through `transfers.selectors`, changes through
`transfers.services` (which check the sending or receiving unit's rights themselves).

A transfer has no natural key of its own and is addressed by id.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    ERRORS,
    READ_ERRORS,
    Input,
    Pagination,
    RecordId,
    clean_text,
    in_date_range,
    invalid,
    person_by_national_id,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.org.models import Unit

from . import selectors, services
from .models import Transfer

router = Router(tags=["transfers"])


class TransferOut(Schema):
    id: int
    person: str
    person_name: str
    kind: str
    status: str
    issued_on: dt.date
    from_unit: str | None
    to_unit: str | None
    destination: str
    destination_type: str
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


class TransferFilters(Input):
    unit: str | None = None
    status: Transfer.Status | None = None
    kind: Transfer.Kind | None = None
    direction: str | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None


class TransferIn(Input):
    person: str
    kind: Transfer.Kind
    issued_on: dt.date
    to_unit: str | None = None
    destination: str = ""
    destination_type: str = ""
    letter_no: str = ""
    dues_paid_until: str = ""
    note: str = ""


class ReceiveIn(Input):
    arrived_on: dt.date


class EndIn(Input):
    ended_on: dt.date
    outcome: str  # "returned" or "made_official"
    reason: str = ""


DIRECTIONS = (selectors.DIRECTION_WITHIN, selectors.DIRECTION_IN, selectors.DIRECTION_OUT)


@router.get("/transfers", response=list[TransferOut], url_name="transfer_list")
@paginate(Pagination)
def transfer_list(request, filters: Query[TransferFilters]):
    """Transfers sent from or to the caller's units, newest letter first.

    `unit=CODE` keeps those sent from or to that subtree; `direction` is within, in or
    out (of the system); `issued_from`/`issued_to` bound the letter's date.
    """
    user = user_of(request)
    if filters.direction and filters.direction not in DIRECTIONS:
        raise invalid(
            "query", "direction", _("Use one of %(values)s.") % {"values": ", ".join(DIRECTIONS)}
        )
    unit = unit_by_code(user, filters.unit) if filters.unit else None
    transfers = selectors.transfer_list(
        user,
        status=filters.status or "",
        kind=filters.kind or "",
        direction=filters.direction or "",
        unit=unit,
    )
    return in_date_range(
        transfers, "issued_on", filters.issued_from, filters.issued_to, ("issued_from", "issued_to")
    )


@router.get(
    "/transfers/{transfer_id}",
    response={200: TransferOut, **READ_ERRORS},
    url_name="transfer_detail",
)
def transfer_detail(request, transfer_id: RecordId):
    return selectors.transfer_for(user_of(request), transfer_id)


@router.post("/transfers", response={201: TransferOut, **ERRORS}, url_name="transfer_issue")
def transfer_issue(request, payload: TransferIn):
    """Issue an introduction letter for an active member (needs the right to record
    steps in the member's unit). `to_unit` may be any unit of the system; a place outside
    it is given as `destination` with its `destination_type`."""
    user = user_of(request)
    person = person_by_national_id(user, payload.person)
    to_unit = None
    if payload.to_unit:
        to_unit = Unit.objects.filter(code=clean_text(payload.to_unit, "to_unit", "body")).first()
        if to_unit is None:
            raise invalid(
                "body", "to_unit", _("No unit with code %(code)s.") % {"code": payload.to_unit}
            )
    fields = payload.model_dump(exclude={"person", "to_unit"})
    try:
        transfer = services.transfer_issue(
            trace=trace_for(request), person=person, to_unit=to_unit, **fields
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.transfer_for(user, transfer.pk))


@router.post(
    "/transfers/{transfer_id}/receive",
    response={200: TransferOut, **ERRORS},
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
    response={200: TransferOut, **ERRORS},
    url_name="transfer_end",
)
def transfer_end(request, transfer_id: RecordId, payload: EndIn):
    """End a temporary transfer: `outcome` "returned" (the sending unit takes the member
    back) or "made_official" (the receiving unit keeps them from `ended_on`)."""
    user = user_of(request)
    transfer = selectors.transfer_for(user, transfer_id)
    if not services.may_end(user, transfer, payload.outcome):
        raise PermissionDenied
    try:
        services.transfer_end(
            trace=trace_for(request),
            transfer=transfer,
            ended_on=payload.ended_on,
            outcome=payload.outcome,
            reason=payload.reason,
        )
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.transfer_for(user, transfer_id)
