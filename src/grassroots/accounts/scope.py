"""The one scoping function: what a user may see and change.

A user holds roles on units and acts on each such unit and everything below it. Every
view, export, report and API route reads records through `scoped` or `get_scoped`:

- a record outside the user's units, and a record that does not exist, both give 404,
  so nobody can probe for IDs;
- a record in scope that the user's role may not change gives 403.

Superusers see everything. People registered without a unit are visible only to users
who hold a role on a root unit. Only assignments in force count: one that was revoked, or
that ended with its unit in a restructuring, gives nothing (fail closed).

Scope is read off the structure as it stands (the units' materialized paths), so a unit
that moves takes its records with it at once, and history and access records, scoped when
read, follow.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from grassroots.paths import under, under_any

from .models import RoleAssignment
from .roles import Action, role_allows


def _unit_model():
    """org.Unit, through the role assignment's relation: accounts sits below org in the
    layers and does not import it."""
    return RoleAssignment._meta.get_field("unit").related_model


def in_force(today=None):
    """Q for the role assignments that hold today."""
    today = today or timezone.localdate()
    return Q(ended_on__isnull=True) | Q(ended_on__gte=today)


def _assignments(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_grassroots_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(in_force(), user=user)
            .select_related("unit")
            .values_list("role", "unit__path")
        )
        user._grassroots_assignments = cached
    return cached


def forget(user):
    """Drop the cached assignments (after roles change in the same request)."""
    for name in ("_grassroots_assignments", "_grassroots_roots"):
        if hasattr(user, name):
            delattr(user, name)


def is_everywhere(user):
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def paths_for(user, action=Action.VIEW):
    """Unit paths under which the user may perform `action`."""
    return sorted({path for role, path in _assignments(user) if role_allows(role, action)})


def holds_root(user, action=Action.VIEW):
    return is_everywhere(user) or any(len(p) == 4 for p in paths_for(user, action))


def holds_every_root(user, action=Action.VIEW):
    """Does the user's scope cover the whole tree (a role on every root unit)?"""
    if is_everywhere(user):
        return True
    held = {path for path in paths_for(user, action) if len(path) == 4}
    if not held:
        return False
    roots = getattr(user, "_grassroots_roots", None)
    if roots is None:
        roots = set(_unit_model().objects.filter(depth=1).values_list("path", flat=True))
        user._grassroots_roots = roots
    return held.issuperset(roots)


def unit_q(user, action=Action.VIEW, field="path"):
    """Q selecting unit rows (`field` is the path, e.g. 'unit__path') in the user's scope."""
    if is_everywhere(user):
        return Q()
    return under_any(paths_for(user, action), field)


def scoped(user, queryset, unit_field="unit", action=Action.VIEW, allow_unitless=True):
    """`queryset` narrowed to rows whose `unit_field` lies in the user's scope.

    `unit_field` is the path to the unit FK ('unit', 'person__unit', ''), '' meaning the
    queryset is of units itself.
    """
    if is_everywhere(user):
        return queryset
    path_field = f"{unit_field}__path" if unit_field else "path"
    query = unit_q(user, action, path_field)
    if unit_field and allow_unitless and holds_root(user, action):
        query |= Q(**{f"{unit_field}__isnull": True})
    return queryset.filter(query)


def get_scoped(user, queryset, unit_field="unit", action=Action.VIEW, **lookup):
    """One record in the user's scope, or 404; 403 if in view scope but `action` is denied."""
    obj = scoped(user, queryset, unit_field).filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != Action.VIEW:
        require(user, action, _unit_of(obj, unit_field))
    return obj


def _unit_of(obj, unit_field):
    if not unit_field:
        return obj
    for part in unit_field.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj


def can(user, action, unit):
    """May the user perform `action` on `unit` (None: a record without a unit)?"""
    if is_everywhere(user):
        return True
    if unit is None:
        return holds_root(user, action)
    return any(unit.path.startswith(p) for p in paths_for(user, action))


def can_see(user, unit):
    return can(user, Action.VIEW, unit)


def require(user, action, unit):
    """404 if the unit is out of sight, 403 if it is visible but the role may not act."""
    if not can_see(user, unit):
        raise Http404
    if not can(user, action, unit):
        raise PermissionDenied


def can_somewhere(user, action):
    """Does any of the user's roles allow `action` on some unit? A page and an API route
    that write ask this first, before they look up the records a request names: a role
    that allows the action nowhere is a 403 on both doors, whatever the request names."""
    return is_everywhere(user) or bool(paths_for(user, action))


def require_somewhere(user, action):
    if not can_somewhere(user, action):
        raise PermissionDenied


def units_visible_to(user, action=Action.VIEW):
    return scoped(user, _unit_model().objects.all(), unit_field="", action=action)


def top_units(user):
    """The outermost units the user holds a role on (where their tree starts)."""
    Unit = _unit_model()
    if is_everywhere(user):
        return list(Unit.get_root_nodes())
    kept = []
    for path in paths_for(user):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return list(Unit.objects.filter(path__in=kept).order_by("path"))


__all__ = [
    "Action",
    "can",
    "can_see",
    "get_scoped",
    "paths_for",
    "require",
    "scoped",
    "top_units",
    "under",
    "unit_q",
    "units_visible_to",
]
