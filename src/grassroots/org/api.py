"""Units over the REST API, keyed by code. Same scope and services as the web pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from ninja import Query, Router, Schema, Status
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

from . import services
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
    """Create a unit below `parent_code` (needs the right to change units there)."""
    user = user_of(request)
    parent = None
    if payload.parent_code:
        parent = unit_by_code(user, payload.parent_code, source="body", field="parent_code")
    scope.require(user, Action.EDIT_UNITS, parent)
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
    """Change a unit's fields; `parent_code` moves it, which needs change rights on both
    the old and the new parent."""
    user = user_of(request)
    unit = _unit(request, code, Action.EDIT_UNITS)
    changes = only_given(payload, ("code", "name", "kind", "valid_from"))
    new_parent_code = changes.pop("parent_code", None)
    trace = trace_for(request)
    new_parent = None
    if new_parent_code is not None:
        new_parent = unit_by_code(user, new_parent_code, source="body", field="parent_code")
        scope.require(user, Action.EDIT_UNITS, unit.get_parent())
        scope.require(user, Action.EDIT_UNITS, new_parent)
    try:
        unit = _change(trace, unit, new_parent, changes)
    except ValidationError as exc:
        raise service_errors(exc, {"parent": "parent_code"}) from exc
    return _unit(request, unit.code)


@transaction.atomic
def _change(trace, unit, new_parent, changes):
    """Move and edit in one transaction: a refused edit does not leave the move behind."""
    if new_parent is not None:
        unit = services.unit_move(trace=trace, unit=unit, new_parent=new_parent)
    if changes:
        unit = services.unit_update(trace=trace, unit=unit, **_groupings(trace, changes))
    return unit
