"""Units over the REST API, keyed by code. Same scope and services as the web pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.api_common import (
    ERRORS,
    READ_ERRORS,
    Input,
    Pagination,
    clean_text,
    in_subtree,
    only_given,
    service_errors,
    trace_for,
    unit_by_code,
    user_of,
)
from grassroots.paths import under

from . import restructure, selectors, services
from .models import Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    depth: int
    cluster: str | None
    sector: str | None
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_cluster(unit):
        return unit.cluster.name if unit.cluster_id else None

    @staticmethod
    def resolve_sector(unit):
        return unit.sector.name if unit.sector_id else None


class UnitIn(Input):
    code: str
    name: str
    kind: Unit.Kind
    parent_code: str | None = None
    cluster: str | None = None
    sector: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitPatch(Input):
    code: str | None = None
    name: str | None = None
    kind: Unit.Kind | None = None
    parent_code: str | None = None
    cluster: str | None = None
    sector: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitFilters(Input):
    unit: str | None = None
    kind: Unit.Kind | None = None
    q: str | None = None


def _with_parent_code(queryset):
    """Units annotated with their parent's code in the same query (no N+1)."""
    parent = Unit.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    ).values("code")[:1]
    return (
        queryset.select_related("cluster", "sector")
        .annotate(parent_code=Subquery(parent))
        .order_by("path")
    )


def _unit(request, code, action=Action.VIEW):
    clean_text(code, "code", "path")
    return scope.get_scoped(
        user_of(request), _with_parent_code(Unit.objects.all()), "", action, code=code
    )


def _groupings(trace, fields):
    if "cluster" in fields:
        fields["cluster"] = services.cluster_get_or_create(trace=trace, name=fields["cluster"])
    if "sector" in fields:
        fields["sector"] = services.sector_get_or_create(trace=trace, name=fields["sector"])
    return fields


@router.get("/units", response=list[UnitOut], url_name="unit_list")
@paginate(Pagination)
def unit_list(request, filters: Query[UnitFilters]):
    """Units the caller can see, in tree order; `unit=CODE` keeps that unit's subtree."""
    user = user_of(request)
    units = scope.units_visible_to(user)
    units = in_subtree(units, user, filters.unit, unit_field="")
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.q:
        text = clean_text(filters.q, "q").strip()
        units = units.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return _with_parent_code(units)


@router.get("/units/{code}", response={200: UnitOut, **READ_ERRORS}, url_name="unit_detail")
def unit_detail(request, code: str):
    return _unit(request, code)


@router.get(
    "/units/{code}/children",
    response={200: list[UnitOut], **READ_ERRORS},
    url_name="unit_children",
)
@paginate(Pagination)
def unit_children(request, code: str):
    """The units directly below this one."""
    unit = _unit(request, code)
    children = Unit.objects.filter(under(unit.path), depth=unit.depth + 1)
    return _with_parent_code(children)


@router.post("/units", response={201: UnitOut, **ERRORS}, url_name="unit_create")
def unit_create(request, payload: UnitIn):
    """Create a unit below `parent_code` (needs the right to change units there). A unit
    without a parent (a root) is created only by a superuser or the operator."""
    user = user_of(request)
    parent = None
    if payload.parent_code:
        parent = unit_by_code(user, payload.parent_code, source="body", field="parent_code")
    services.require(services.can_create_unit(user, parent), user, parent)
    trace = trace_for(request)
    try:
        with transaction.atomic():
            fields = _groupings(trace, payload.model_dump(exclude={"parent_code"}))
            unit = services.unit_create(trace=trace, parent=parent, **fields)
    except ValidationError as exc:
        raise service_errors(exc, {"parent": "parent_code"}) from exc
    return Status(201, _unit(request, unit.code))


@router.patch("/units/{code}", response={200: UnitOut, **ERRORS}, url_name="unit_update")
def unit_update(request, code: str, payload: UnitPatch):
    """Correct a unit's fields. `parent_code` moves it from today, as a restructuring event
    (`POST /unit-events/move` takes a date and a resolution)."""
    user = user_of(request)
    unit = _unit(request, code, Action.EDIT_UNITS)
    changes = only_given(payload, ("code", "name", "kind", "valid_from"))
    new_parent_code = changes.pop("parent_code", None)
    trace = trace_for(request)
    new_parent = None
    if new_parent_code is not None:
        new_parent = unit_by_code(user, new_parent_code, source="body", field="parent_code")
        services.require(
            services.can_restructure(user, [unit.get_parent(), new_parent]), user, new_parent
        )
    try:
        unit = _change(trace, unit, new_parent, changes)
    except ValidationError as exc:
        raise service_errors(exc, {"parent": "parent_code"}) from exc
    return _unit(request, unit.code)


@transaction.atomic
def _change(trace, unit, new_parent, changes):
    """Move and edit in one transaction: a refused edit does not leave the move behind."""
    if new_parent is not None and new_parent.pk != getattr(unit.get_parent(), "pk", None):
        restructure.unit_move(trace=trace, unit=unit, new_parent=new_parent, day=services.today())
        unit = Unit.objects.get(pk=unit.pk)
    if changes:
        unit = services.unit_update(trace=trace, unit=unit, **_groupings(trace, changes))
    return unit


# --- restructuring events -------------------------------------------------------------------


class EventOut(Schema):
    id: int
    kind: str
    effective_date: dt.date
    reference: str
    recorded_at: dt.datetime
    recorded_by: str | None
    units: list[dict]
    summary: dict

    @staticmethod
    def resolve_recorded_by(event):
        return event.recorded_by.get_username() if event.recorded_by else None

    @staticmethod
    def resolve_units(event):
        return [
            {"code": part.unit.code, "role": part.role}
            for part in event.parts.select_related("unit").order_by("role", "position")
        ]


class OutcomeOut(Schema):
    dry_run: bool
    kind: str
    effective_date: dt.date
    event_id: int | None
    summary: dict


class EventIn(Input):
    date: dt.date
    reference: str = Field("", max_length=200)
    dry_run: bool = False


class MoveIn(EventIn):
    unit: str = Field(..., max_length=40)
    to: str = Field(..., max_length=40)


class RenameIn(EventIn):
    unit: str = Field(..., max_length=40)
    name: str = Field(..., max_length=200)


class MergeIn(EventIn):
    units: list[str] = Field(..., min_length=1)
    into: str = Field(..., max_length=40)
    name: str = Field("", max_length=200)
    parent: str | None = Field(None, max_length=40)


class NewUnitIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=200)


class SplitIn(EventIn):
    unit: str = Field(..., max_length=40)
    into: list[NewUnitIn] = Field(..., min_length=2)
    assign: dict[str, str] = {}


class CloseIn(EventIn):
    unit: str = Field(..., max_length=40)


def _outcome(outcome):
    return {
        "dry_run": outcome.dry_run,
        "kind": outcome.kind,
        "effective_date": outcome.effective_date,
        "event_id": outcome.event.pk if outcome.event else None,
        "summary": outcome.summary,
    }


def _run_event(request, perform, rename=None):
    trace = trace_for(request)
    try:
        outcome = perform(trace)
    except ValidationError as exc:
        raise service_errors(exc, {"day": "date", **(rename or {})}) from exc
    return Status(200 if outcome.dry_run else 201, _outcome(outcome))


@router.get("/unit-events", response=list[EventOut], url_name="unit_event_list")
@paginate(Pagination)
def unit_event_list(request):
    """Restructuring events that touched a unit the caller can see, newest first."""
    return selectors.events_for(user_of(request)).prefetch_related("parts__unit")


@router.get(
    "/unit-events/{int:event_id}", response={200: EventOut, **READ_ERRORS}, url_name="unit_event"
)
def unit_event(request, event_id: int):
    return selectors.event_for(user_of(request), event_id)


@router.post(
    "/unit-events/move",
    response={200: OutcomeOut, 201: OutcomeOut, **ERRORS},
    url_name="unit_event_move",
)
def unit_event_move(request, payload: MoveIn):
    """From `date`, `unit` and everything below it stand under `to` (dry_run: preview)."""
    user = user_of(request)
    unit = unit_by_code(user, payload.unit, source="body", field="unit")
    to = unit_by_code(user, payload.to, source="body", field="to")
    return _run_event(
        request,
        lambda trace: restructure.unit_move(
            trace=trace,
            unit=unit,
            new_parent=to,
            day=payload.date,
            reference=payload.reference,
            dry_run=payload.dry_run,
        ),
        {"parent": "to"},
    )


@router.post(
    "/unit-events/rename",
    response={200: OutcomeOut, 201: OutcomeOut, **ERRORS},
    url_name="unit_event_rename",
)
def unit_event_rename(request, payload: RenameIn):
    """From `date`, `unit` is called `name`."""
    unit = unit_by_code(user_of(request), payload.unit, source="body", field="unit")
    return _run_event(
        request,
        lambda trace: restructure.unit_rename(
            trace=trace,
            unit=unit,
            name=payload.name,
            day=payload.date,
            reference=payload.reference,
            dry_run=payload.dry_run,
        ),
    )


@router.post(
    "/unit-events/merge",
    response={200: OutcomeOut, 201: OutcomeOut, **ERRORS},
    url_name="unit_event_merge",
)
def unit_event_merge(request, payload: MergeIn):
    """From `date`, `units` are merged into `into` (an existing unit, or a new one with
    `name` under `parent`)."""
    user = user_of(request)
    units = [unit_by_code(user, code, source="body", field="units") for code in payload.units]
    parent = None
    if payload.parent:
        parent = unit_by_code(user, payload.parent, source="body", field="parent")
    return _run_event(
        request,
        lambda trace: restructure.unit_merge(
            trace=trace,
            units=units,
            into=payload.into,
            name=payload.name,
            parent=parent,
            day=payload.date,
            reference=payload.reference,
            dry_run=payload.dry_run,
        ),
    )


@router.post(
    "/unit-events/split",
    response={200: OutcomeOut, 201: OutcomeOut, **ERRORS},
    url_name="unit_event_split",
)
def unit_event_split(request, payload: SplitIn):
    """From `date`, `unit` is split into new units; `assign` maps national IDs and subunit
    codes to the new unit they go to (default: the first)."""
    unit = unit_by_code(user_of(request), payload.unit, source="body", field="unit")
    return _run_event(
        request,
        lambda trace: restructure.unit_split(
            trace=trace,
            unit=unit,
            into=[(new.code, new.name) for new in payload.into],
            assign=payload.assign,
            day=payload.date,
            reference=payload.reference,
            dry_run=payload.dry_run,
        ),
    )


@router.post(
    "/unit-events/close",
    response={200: OutcomeOut, 201: OutcomeOut, **ERRORS},
    url_name="unit_event_close",
)
def unit_event_close(request, payload: CloseIn):
    """`unit` ends the day before `date`."""
    unit = unit_by_code(user_of(request), payload.unit, source="body", field="unit")
    return _run_event(
        request,
        lambda trace: restructure.unit_close(
            trace=trace,
            unit=unit,
            day=payload.date,
            reference=payload.reference,
            dry_run=payload.dry_run,
        ),
    )
