"""Units over the REST API, keyed by code. Same scope and services as the web pages."""

import datetime as dt
import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

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
from grassroots.api_fields import (
    Day,
    Flag,
    SearchText,
    omittable,
    text,
    text_constraints,
    value_of,
    vocabulary,
)
from grassroots.inputs import composed
from grassroots.paths import under

from . import restructure, selectors, services
from .models import Cluster, Sector, Unit, UnitEvent, UnitEventPart

router = Router(tags=["units"])

UnitKind = vocabulary(Unit.Kind)
UnitCode = text(Unit, "code")
ClusterName = text(Cluster, "name")
SectorName = text(Sector, "name")


class UnitOut(Schema):
    code: str
    name: str
    kind: UnitKind
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


class UnitIn(Body):
    code: UnitCode
    name: text(Unit, "name")
    kind: UnitKind
    parent_code: UnitCode | None = None
    cluster: ClusterName | None = None
    sector: SectorName | None = None
    valid_from: Day = omittable()
    valid_to: Day | None = None


class UnitPatch(Body):
    """The fields to change; `parent_code` moves the unit, `null` clears the cluster,
    the sector (inherited from above again) or the end of validity. The code is not
    here: a unit's code never changes (codes are never reused)."""

    name: text(Unit, "name") = omittable()
    kind: UnitKind = omittable()
    parent_code: UnitCode = omittable()
    cluster: ClusterName | None = None
    sector: SectorName | None = None
    valid_from: Day = omittable()
    valid_to: Day | None = None


class UnitFilters(Filters):
    unit: UnitCode = omittable(description="Keep this unit's subtree.")
    kind: UnitKind = omittable()
    q: SearchText = omittable(description="Part of the code or the name.")


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
    return scope.get_scoped(
        user_of(request), _with_parent_code(Unit.objects.all()), "", action, code=composed(code)
    )


def _groupings(trace, fields):
    if "cluster" in fields:
        fields["cluster"] = services.cluster_get_or_create(trace=trace, name=fields["cluster"])
    if "sector" in fields:
        fields["sector"] = services.sector_get_or_create(trace=trace, name=fields["sector"])
    return fields


def _fields(payload_fields):
    if "kind" in payload_fields:
        payload_fields["kind"] = value_of(payload_fields["kind"])
    return payload_fields


@router.get("/units", response=responses({200: list[UnitOut]}, LIST), url_name="unit_list")
@paginate(Pagination)
def unit_list(request, filters: Query[UnitFilters]):
    """Units the caller can see, in tree order; `unit=CODE` keeps that unit's subtree."""
    user = user_of(request)
    units = scope.units_visible_to(user)
    units = in_subtree(units, user, filters.unit, unit_field="")
    if filters.kind:
        units = units.filter(kind=filters.kind.value)
    if filters.q:
        part = filters.q.strip()
        units = units.filter(Q(code__icontains=part) | Q(name__icontains=part))
    return _with_parent_code(units)


@router.get("/units/{code}", response=responses({200: UnitOut}, READ_ONE), url_name="unit_detail")
def unit_detail(request, code: UnitCode):
    return _unit(request, code)


@router.get(
    "/units/{code}/children",
    response=responses({200: list[UnitOut]}, LIST),
    url_name="unit_children",
)
@paginate(Pagination)
def unit_children(request, code: UnitCode):
    """The units directly below this one."""
    unit = _unit(request, code)
    children = Unit.objects.filter(under(unit.path), depth=unit.depth + 1)
    return _with_parent_code(children)


@router.post(
    "/units",
    response=responses({201: UnitOut}, WRITE),
    url_name="unit_create",
    openapi_extra=links(
        201, unit=("unit_detail", "code", "/code"), change=("unit_update", "code", "/code")
    ),
)
def unit_create(request, payload: UnitIn):
    """Create a unit below `parent_code` (needs the right to change units there). A unit
    without a parent (a root) is created only by a superuser or the operator."""
    user = user_of(request)
    scope.require_somewhere(user, Action.EDIT_UNITS)
    parent = None
    if payload.parent_code is not None:
        parent = unit_by_code(user, payload.parent_code, source="body", field="parent_code")
    services.require(services.can_create_unit(user, parent), user, parent)
    trace = trace_for(request)
    try:
        with transaction.atomic():
            fields = _fields(payload.model_dump(exclude={"parent_code"}, exclude_unset=True))
            fields = _groupings(trace, fields)
            unit = services.unit_create(trace=trace, parent=parent, **fields)
    except ValidationError as exc:
        raise service_errors(exc, {"parent": "parent_code"}) from exc
    return Status(201, _unit(request, unit.code))


@router.patch("/units/{code}", response=responses({200: UnitOut}, WRITE), url_name="unit_update")
def unit_update(request, code: UnitCode, payload: UnitPatch):
    """Correct a unit's fields. `parent_code` moves it from today, as a restructuring event
    (`POST /unit-events/move` takes a date and a resolution)."""
    user = user_of(request)
    unit = _unit(request, code, Action.EDIT_UNITS)
    changes = _fields(given(payload))
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

UnitEventKind = vocabulary(UnitEvent.Kind)
UnitEventRole = vocabulary(UnitEventPart.Role)


class EventUnitOut(Schema):
    code: str
    role: UnitEventRole


class EventOut(Schema):
    id: int
    kind: UnitEventKind
    effective_date: dt.date
    reference: str
    recorded_at: dt.datetime
    recorded_by: str | None
    units: list[EventUnitOut]
    summary: dict = Field(description="What passed where: units, people, members, dossiers.")

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
    kind: UnitEventKind
    effective_date: dt.date
    event_id: int | None
    summary: dict


class EventIn(Body):
    date: Day
    reference: text(UnitEvent, "reference") = ""
    dry_run: Flag = False


class MoveIn(EventIn):
    unit: UnitCode
    to: UnitCode


class RenameIn(EventIn):
    unit: UnitCode
    name: text(Unit, "name")


class MergeIn(EventIn):
    """Merge `units` into `into`: an existing unit, or a new one made with `name` under
    `parent`."""

    units: list[UnitCode] = Field(..., min_length=1)
    into: UnitCode
    name: text(Unit, "name") = omittable()
    parent: UnitCode | None = None


class NewUnitIn(Body):
    code: UnitCode
    name: text(Unit, "name")


KEY_LENGTH, KEY_PATTERN = text_constraints(Unit, "code")


def _assignment_keys(assign):
    """Each key is a national ID or a unit code: the limits of a unit code cover both."""
    for key in assign:
        if len(key) > KEY_LENGTH or not re.fullmatch(KEY_PATTERN, key):
            raise ValueError(
                _("Use a national ID or a unit code as the key: %(key)r.") % {"key": key}
            )
    return assign


class SplitIn(EventIn):
    """`assign` maps national IDs and subunit codes to the new unit they go to."""

    unit: UnitCode
    into: list[NewUnitIn] = Field(..., min_length=2)
    assign: Annotated[dict[str, UnitCode], AfterValidator(_assignment_keys)] = Field(
        default={},
        json_schema_extra={"propertyNames": {"maxLength": KEY_LENGTH, "pattern": KEY_PATTERN}},
    )


class CloseIn(EventIn):
    unit: UnitCode


EVENT_ANSWERS = responses({200: OutcomeOut, 201: OutcomeOut}, WRITE)
# A recorded event (201; a dry run has no event) is read back by its id.
EVENT_LINKS = links(201, event=("unit_event", "event_id", "/event_id"))


def _outcome(outcome):
    return {
        "dry_run": outcome.dry_run,
        "kind": outcome.kind,
        "effective_date": outcome.effective_date,
        "event_id": outcome.event.pk if outcome.event else None,
        "summary": outcome.summary,
    }


def _event_unit(user, code, field="unit"):
    """The unit an event is about, checked first as on the page: 404 out of sight, 403
    unless the caller may restructure where it stands (before the other units named)."""
    unit = unit_by_code(user, code, source="body", field=field)
    restructure.require_restructurable(user, unit)
    return unit


def _run_event(request, perform, rename=None):
    trace = trace_for(request)
    try:
        outcome = perform(trace)
    except ValidationError as exc:
        raise service_errors(exc, {"day": "date", **(rename or {})}) from exc
    return Status(200 if outcome.dry_run else 201, _outcome(outcome))


@router.get(
    "/unit-events", response=responses({200: list[EventOut]}, LIST), url_name="unit_event_list"
)
@paginate(Pagination)
def unit_event_list(request):
    """Restructuring events that touched a unit the caller can see, newest first."""
    return selectors.events_for(user_of(request)).prefetch_related("parts__unit")


@router.post(
    "/unit-events/move",
    response=EVENT_ANSWERS,
    openapi_extra=EVENT_LINKS,
    url_name="unit_event_move",
)
def unit_event_move(request, payload: MoveIn):
    """From `date`, `unit` and everything below it stand under `to` (dry_run: preview)."""
    user = user_of(request)
    unit = _event_unit(user, payload.unit)
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
    response=EVENT_ANSWERS,
    openapi_extra=EVENT_LINKS,
    url_name="unit_event_rename",
)
def unit_event_rename(request, payload: RenameIn):
    """From `date`, `unit` is called `name`."""
    unit = _event_unit(user_of(request), payload.unit)
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
    response=EVENT_ANSWERS,
    openapi_extra=EVENT_LINKS,
    url_name="unit_event_merge",
)
def unit_event_merge(request, payload: MergeIn):
    """From `date`, `units` are merged into `into` (an existing unit, or a new one with
    `name` under `parent`)."""
    user = user_of(request)
    units = [_event_unit(user, payload.units[0], field="units")]
    units += [unit_by_code(user, code, source="body", field="units") for code in payload.units[1:]]
    parent = None
    if payload.parent is not None:
        parent = unit_by_code(user, payload.parent, source="body", field="parent")
    return _run_event(
        request,
        lambda trace: restructure.unit_merge(
            trace=trace,
            units=units,
            into=payload.into,
            name=payload.name or "",
            parent=parent,
            day=payload.date,
            reference=payload.reference,
            dry_run=payload.dry_run,
        ),
    )


@router.post(
    "/unit-events/split",
    response=EVENT_ANSWERS,
    openapi_extra=EVENT_LINKS,
    url_name="unit_event_split",
)
def unit_event_split(request, payload: SplitIn):
    """From `date`, `unit` is split into new units; `assign` maps national IDs and subunit
    codes to the new unit they go to (default: the first)."""
    unit = _event_unit(user_of(request), payload.unit)
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
    response=EVENT_ANSWERS,
    openapi_extra=EVENT_LINKS,
    url_name="unit_event_close",
)
def unit_event_close(request, payload: CloseIn):
    """`unit` ends the day before `date`."""
    unit = _event_unit(user_of(request), payload.unit)
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


# After the events' own paths, so that /unit-events/move is not read as an id.
@router.get(
    "/unit-events/{event_id}",
    response=responses({200: EventOut}, READ_ONE),
    url_name="unit_event",
)
def unit_event(request, event_id: RecordId):
    return selectors.event_for(user_of(request), event_id)
