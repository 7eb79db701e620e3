"""Targets over the REST API: reads through the scope and `plans.selectors`, changes
through `plans.services` (a target is set by the unit's superior: DECIDE on the parent).
A target has no natural key of its own and is addressed by id."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    LIST,
    READ_ONE,
    WRITE,
    Body,
    Filters,
    Pagination,
    RecordId,
    given,
    in_subtree,
    links,
    responses,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.api_fields import Day, count, decimal_of, omittable, percentage, text
from grassroots.org.models import Unit

from . import forecasting, selectors, services
from .models import Target

router = Router(tags=["targets"])

SHARES = ("women_share", "university_share", "student_share", "non_state_worker_share")
Share = percentage(Target, "women_share")
ShareOut = str | None
Minimum = count(Target, "minimum")
Stretch = count(Target, "stretch")


class TargetOut(Schema):
    id: int
    unit: str
    period_start: dt.date
    period_end: dt.date
    minimum: int
    stretch: int | None
    women_share: ShareOut = Field(description='A percentage with one decimal, e.g. "45.5".')
    university_share: ShareOut
    student_share: ShareOut
    non_state_worker_share: ShareOut
    resolution_ref: str
    resolution_date: dt.date | None

    @staticmethod
    def resolve_unit(target):
        return target.unit.code

    @staticmethod
    def resolve_women_share(target):
        return _share(target.women_share)

    @staticmethod
    def resolve_university_share(target):
        return _share(target.university_share)

    @staticmethod
    def resolve_student_share(target):
        return _share(target.student_share)

    @staticmethod
    def resolve_non_state_worker_share(target):
        return _share(target.non_state_worker_share)


def _share(value):
    return None if value is None else str(value)


def _fields(fields):
    for share in SHARES:
        if share in fields:
            fields[share] = decimal_of(fields[share])
    return fields


class TargetIn(Body):
    """Shares are percentages between 0 and 100 with at most one decimal, written as
    strings ("45.5") so that they arrive exactly."""

    unit: text(Unit, "code")
    period_start: Day
    period_end: Day
    minimum: Minimum
    stretch: Stretch | None = None
    women_share: Share | None = None
    university_share: Share | None = None
    student_share: Share | None = None
    non_state_worker_share: Share | None = None
    resolution_ref: text(Target, "resolution_ref") = ""
    resolution_date: Day | None = None


class TargetPatch(Body):
    """The fields to change; `null` clears the stretch, a share or the resolution date."""

    period_start: Day = omittable()
    period_end: Day = omittable()
    minimum: Minimum = omittable()
    stretch: Stretch | None = None
    women_share: Share | None = None
    university_share: Share | None = None
    student_share: Share | None = None
    non_state_worker_share: Share | None = None
    resolution_ref: text(Target, "resolution_ref") = omittable()
    resolution_date: Day | None = None


class TargetFilters(Filters):
    unit: text(Unit, "code") = omittable(description="Keep the targets of this subtree.")
    period_from: Day = omittable(description="Keep targets whose period ends on or after it.")
    period_to: Day = omittable(description="Keep targets whose period starts on or before it.")


@router.get("/targets", response=responses({200: list[TargetOut]}, LIST), url_name="target_list")
@paginate(Pagination)
def target_list(request, filters: Query[TargetFilters]):
    """Targets of the caller's units in tree order; `unit=CODE` keeps a subtree;
    `period_from`/`period_to` keep targets whose period overlaps that range."""
    user = user_of(request)
    targets = scope.scoped(user, Target.objects.select_related("unit"), "unit")
    targets = in_subtree(targets, user, filters.unit)
    start, end = filters.period_from, filters.period_to
    if start and end and end < start:
        return targets.none()
    if start:
        targets = targets.filter(period_end__gte=start)
    if end:
        targets = targets.filter(period_start__lte=end)
    return targets.order_by("unit__path", "period_start", "-period_end", "id")


@router.get(
    "/targets/{target_id}",
    response=responses({200: TargetOut}, READ_ONE),
    url_name="target_detail",
)
def target_detail(request, target_id: RecordId):
    return selectors.target_for(user_of(request), target_id)


@router.post(
    "/targets",
    response=responses({201: TargetOut}, WRITE),
    url_name="target_create",
    openapi_extra=links(
        201,
        target=("target_detail", "target_id", "/id"),
        change=("target_update", "target_id", "/id"),
    ),
)
def target_create(request, payload: TargetIn):
    """Set a unit's target for a period (by its superior: the right to decide there)."""
    user = user_of(request)
    scope.require_somewhere(user, Action.DECIDE)
    unit = unit_by_code(user, payload.unit, source="body", field="unit")
    fields = _fields(payload.model_dump(exclude={"unit"}))
    try:
        target = services.target_set(trace=trace_for(request), unit=unit, **fields)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return Status(201, selectors.target_for(user, target.pk))


@router.patch(
    "/targets/{target_id}", response=responses({200: TargetOut}, WRITE), url_name="target_update"
)
def target_update(request, target_id: RecordId, payload: TargetPatch):
    """Change a target's period, numbers or resolution; history keeps the old values."""
    user = user_of(request)
    target = selectors.target_for(user, target_id)
    services.require_superior(user, target.unit)
    try:
        changes = _fields(given(payload))
        services.target_update(trace=trace_for(request), target=target, **changes)
    except ValidationError as exc:
        raise service_errors(exc) from exc
    return selectors.target_for(user, target_id)


class ForecastOut(Schema):
    """One unit's forecast for one running target, on the day of the request."""

    unit: str
    unit_name: str
    target_id: int
    period_start: dt.date
    period_end: dt.date
    minimum: int
    admitted: int = Field(description="Admissions so far in the period.")
    expected: float = Field(description="Expected admissions at the period's end.")
    low: int = Field(description="10th percentile of the admissions at the period's end.")
    high: int = Field(description="90th percentile of the admissions at the period's end.")
    probability: float = Field(description="Chance of reaching the minimum, from 0 to 1.")
    pipeline: int = Field(description="Candidates in the pipeline counted in the forecast.")
    behind_plan: bool
    at_risk: bool
    made_on: dt.date = Field(
        description="The day the forecast was made: today, or for a committee too large to "
        "forecast on each request the night of the background worker's last run."
    )


class ForecastFilters(Filters):
    unit: text(Unit, "code") = omittable(
        description="The committee whose direct children are forecast (default: the "
        "caller's first unit)."
    )
    at_risk: bool = Field(False, description="Keep only the units at risk.")


def _forecast_out(row):
    return {
        "unit": row.unit.code,
        "unit_name": row.name or row.unit.name,
        "target_id": row.target.pk,
        "period_start": row.start,
        "period_end": row.end,
        "minimum": row.minimum,
        "admitted": row.outcome.admitted,
        "expected": round(row.outcome.expected, 3),
        "low": row.outcome.low,
        "high": row.outcome.high,
        "probability": round(row.outcome.probability, 4),
        "pipeline": row.pipeline,
        "behind_plan": row.behind,
        "at_risk": row.at_risk,
        "made_on": row.made_on or timezone.localdate(),
    }


@router.get(
    "/forecasts", response=responses({200: list[ForecastOut]}, LIST), url_name="forecast_list"
)
def forecast_list(request, filters: Query[ForecastFilters]):
    """Forecasts of the running targets of the units directly below `unit`, least likely to
    reach their minimum first (the committee's list of units at risk; `docs/planning.md`)."""
    user = user_of(request)
    if filters.unit:
        unit = unit_by_code(user, filters.unit)
    else:
        unit = selectors.start_unit(user)
        if unit is None:
            return []
    rows = forecasting.units_at_risk(user, unit, timezone.localdate(), everyone=not filters.at_risk)
    return [_forecast_out(row) for row in rows]
