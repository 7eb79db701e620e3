"""Reading the unit tree. Every function takes the acting user and goes through the scope."""

from grassroots.accounts import scope
from grassroots.history.models import Change
from grassroots.people.models import Membership, Person

from .models import Unit, UnitTally
from .paths import under, under_any

# How many levels the tree page renders at once; deeper levels load on demand (htmx).
TREE_LEVELS = 3
ACTIVE_STATUSES = (Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL)


def unit_for(user, code, action=scope.Action.VIEW):
    """The unit with `code` in the user's scope (404 otherwise; 403 if `action` is denied)."""
    return scope.get_scoped(
        user,
        Unit.objects.select_related("effective_cluster", "effective_sector", "cluster", "sector"),
        unit_field="",
        action=action,
        code=code,
    )


def subtree_counts(units):
    """({path: people}, {path: active members}) for `units`, each over its whole subtree.

    One primary-key lookup per unit in org.UnitTally, which database triggers keep
    (grassroots.org.tally): no page counts people or memberships.
    """
    ids = {unit.pk: unit.path for unit in units}
    people, members = {}, {}
    for unit_id, n_people, n_members in UnitTally.objects.filter(unit_id__in=ids).values_list(
        "unit_id", "people", "active_members"
    ):
        people[ids[unit_id]] = n_people
        members[ids[unit_id]] = n_members
    return people, members


def _attach(units):
    people, members = subtree_counts(units)
    for unit in units:
        unit.people_count = people.get(unit.path, 0)
        unit.member_count = members.get(unit.path, 0)
    return units


def unit_totals(unit):
    """(people, active members) in `unit` and below."""
    people, members = subtree_counts([unit])
    return people.get(unit.path, 0), members.get(unit.path, 0)


def tree_for(user, levels=TREE_LEVELS):
    """The user's top units, each with `.children` nested `levels` deep and counts attached.

    A unit whose children are not loaded has `.children_loaded = False` and `numchild > 0`:
    the page fetches them with `children_of`.
    """
    tops = scope.top_units(user)
    if not tops:
        return []
    query = under_any([t.path for t in tops])
    depth_limits = {t.path: t.depth + levels - 1 for t in tops}
    candidates = Unit.objects.filter(query).filter(depth__lte=max(depth_limits.values()))
    units = []
    for unit in candidates.order_by("path"):
        top = next(t for t in tops if unit.path.startswith(t.path))
        if unit.depth <= depth_limits[top.path]:
            units.append(unit)
    _attach(units)
    return _nest(units, depth_limits)


def children_of(user, unit, levels=1):
    """The units below `unit` (already scope-checked), `levels` deep, with counts."""
    limit = unit.depth + levels
    units = list(
        Unit.objects.filter(under(unit.path), depth__gt=unit.depth, depth__lte=limit).order_by(
            "path"
        )
    )
    _attach(units)
    return _nest(units, {unit.path: limit})


def _nest(units, depth_limits):
    by_path = {}
    roots = []
    for unit in units:
        unit.children = []
        limit = next(v for k, v in depth_limits.items() if unit.path.startswith(k))
        unit.children_loaded = unit.depth < limit
        by_path[unit.path] = unit
        parent = by_path.get(unit.path[: -Unit.steplen])
        if parent is not None:
            parent.children.append(unit)
        else:
            roots.append(unit)
    return roots


def unit_people(user, unit):
    """People registered in `unit` or below, in roster order."""
    return scope.scoped(
        user, Person.objects.filter(under(unit.path, "unit__path")).select_related("unit")
    ).order_by("sort_key", "national_id")


def unit_members(user, unit):
    """Active members (probationary or official) in `unit` or below."""
    return scope.scoped(
        user,
        Membership.objects.filter(under(unit.path, "unit__path"), status__in=ACTIVE_STATUSES)
        .select_related("person", "unit")
        .order_by("person__sort_key", "person__national_id"),
    )


def unit_history(unit):
    """Changes recorded on the unit record itself, newest first."""
    return Change.objects.filter(model="org.unit", object_id=str(unit.pk)).select_related("actor")
