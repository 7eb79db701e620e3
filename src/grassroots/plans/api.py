"""Targets over the REST API: reads through the scope and `plans.selectors`, changes
through `plans.services` (a target is set by the unit's superior: DECIDE on the parent).
A target has no natural key of its own and is addressed by id."""

import datetime as dt
import decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.api_common import (
    ERRORS,
    READ_ERRORS,
    Input,
    Pagination,
    RecordId,
    in_subtree,
    invalid,
    only_given,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)

from . import selectors, services
from .models import Target

router = Router(tags=["targets"])

Share = decimal.Decimal | None


class TargetOut(Schema):
    id: int
    unit: str
    period_start: dt.date
    period_end: dt.date
    minimum: int
    stretch: int | None
    women_share: Share
    university_share: Share
    student_share: Share
    non_state_worker_share: Share
    resolution_ref: str
    resolution_date: dt.date | None

    @staticmethod
    def resolve_unit(target):
        return target.unit.code


class TargetIn(Input):
    unit: str
    period_start: dt.date
    period_end: dt.date
    minimum: int
    stretch: int | None = None
    women_share: Share = None
    university_share: Share = None
    student_share: Share = None
    non_state_worker_share: Share = None
    resolution_ref: str = ""
    resolution_date: dt.date | None = None


class TargetPatch(Input):
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    minimum: int | None = None
    stretch: int | None = None
    women_share: Share = None
    university_share: Share = None
    student_share: Share = None
    non_state_worker_share: Share = None
    resolution_ref: str | None = None
    resolution_date: dt.date | None = None


class TargetFilters(Input):
    unit: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None


# The database's bounds for a PositiveIntegerField; larger numbers are refused as input.
MAX_COUNT = 2**31 - 1


def _check_counts(fields):
    for field in ("minimum", "stretch"):
        value = fields.get(field)
        if value is not None and not 0 <= value <= MAX_COUNT:
            raise invalid("body", field, _("Give a whole number of at least 0."))


@router.get("/targets", response=list[TargetOut], url_name="target_list")
@paginate(Pagination)
def target_list(request, filters: Query[TargetFilters]):
    """Targets of the caller's units in tree order; `unit=CODE` keeps a subtree;
    `period_from`/`period_to` keep targets whose period overlaps that range."""
    user = user_of(request)
    targets = scope.scoped(user, Target.objects.select_related("unit"), "unit")
    targets = in_subtree(targets, user, filters.unit)
    start, end = filters.period_from, filters.period_to
    if start and end and end < start:
        raise invalid("query", "period_to", _("The end of the range lies before its start."))
    if start:
        targets = targets.filter(period_end__gte=start)
    if end:
        targets = targets.filter(period_start__lte=end)
    return targets.order_by("unit__path", "period_start", "-period_end", "id")


@router.get(
    "/targets/{target_id}", response={200: TargetOut, **READ_ERRORS}, url_name="target_detail"
)
def target_detail(request, target_id: RecordId):
    return selectors.target_for(user_of(request), target_id)


@router.post("/targets", response={201: TargetOut, **ERRORS}, url_name="target_create")
def target_create(request, payload: TargetIn):
    """Set a unit's target for a period (by its superior: the right to decide there)."""
    user = user_of(request)
    unit = unit_by_code(user, payload.unit, source="body", field="unit")
    fields = payload.model_dump(exclude={"unit"})
    _check_counts(fields)
    try:
        target = services.target_set(trace=trace_for(request), unit=unit, **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.target_for(user, target.pk))


@router.patch("/targets/{target_id}", response={200: TargetOut, **ERRORS}, url_name="target_update")
def target_update(request, target_id: RecordId, payload: TargetPatch):
    """Change a target's period, numbers or resolution; history keeps the old values."""
    user = user_of(request)
    target = selectors.target_for(user, target_id)
    changes = only_given(payload, ("period_start", "period_end", "minimum"))
    _check_counts(changes)
    services.require_superior(user, target.unit)
    try:
        services.target_update(trace=trace_for(request), target=target, **changes)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.target_for(user, target_id)
