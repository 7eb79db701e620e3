"""Reading the unit tree. Every function takes the acting user and goes through the scope."""

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from grassroots.accounts import scope
from grassroots.history.selectors import changes_about

from . import timeline
from .models import Unit, UnitAncestry, UnitEvent, UnitEventPart, UnitTally, UnitVersion

# How many levels the tree page renders at once; deeper levels load on demand (htmx).
TREE_LEVELS = 3


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


def tree_for(user, day=None, levels=TREE_LEVELS):
    """The units the user may see as they stood on `day` (today by default): the outermost
    of them, each with `.children` nested `levels` deep. Counts of people and members (as
    they are now) are attached on today's tree only.

    A unit whose children are not loaded has `.children_loaded = False` and `.below > 0`:
    the page fetches them with `children_of`.
    """
    day = day or timezone.localdate()
    visible = scope.units_visible_to(user).values("pk")
    tops = list(
        Unit.objects.filter(
            pk__in=UnitVersion.objects.filter(timeline.on(day), unit__in=visible)
            .exclude(parent__in=visible)
            .values("unit_id")
        ).order_by("code")
    )
    return _levels(tops, day, levels)


def children_of(user, unit, day=None, levels=1):
    """The units below `unit` (already scope-checked) on `day`, `levels` deep."""
    day = day or timezone.localdate()
    nodes = _levels([unit], day, levels + 1)
    return nodes[0].children if nodes else []


def _levels(tops, day, levels):
    """Nest the units standing below `tops` on `day`, `levels` deep (the tops included)."""
    if not tops:
        return []
    rows = (
        UnitAncestry.objects.filter(
            timeline.on(day), ancestor__in=tops, distance__gt=0, distance__lt=levels
        )
        .values_list("unit_id", flat=True)
        .distinct()
    )
    units = {unit.pk: unit for unit in tops}
    units.update(Unit.objects.in_bulk(list(rows)))
    parents = dict(
        UnitVersion.objects.filter(timeline.on(day), unit_id__in=list(units)).values_list(
            "unit_id", "parent_id"
        )
    )
    below = dict(
        UnitVersion.objects.filter(timeline.on(day), parent_id__in=list(units))
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    if day == timezone.localdate():
        _attach(list(units.values()))
    for unit in units.values():
        unit.children = []
        unit.below = below.get(unit.pk, 0)
        unit.on_day = day
    for unit in sorted(units.values(), key=lambda u: u.code):
        parent = units.get(parents.get(unit.pk))
        if parent is not None and unit not in tops:
            parent.children.append(unit)
    for unit in units.values():
        unit.children_loaded = bool(unit.children) or not unit.below
    return tops


def events_of(unit):
    """The restructuring events that touched the unit, newest first, with its role."""
    return list(
        UnitEventPart.objects.filter(unit=unit)
        .select_related("event")
        .order_by("-event__effective_date", "-event_id")
    )


def successors_of(unit):
    """[(event, [successor units])] for the merges and splits the unit ended in."""
    found = []
    for part in UnitEventPart.objects.filter(
        unit=unit, role=UnitEventPart.Role.PREDECESSOR
    ).select_related("event"):
        units = [
            p.unit
            for p in part.event.parts.filter(role=UnitEventPart.Role.SUCCESSOR).select_related(
                "unit"
            )
        ]
        found.append((part.event, units))
    return found


def predecessors_of(unit):
    """[(event, [predecessor units])] for the merges and splits that made or grew the unit."""
    found = []
    for part in UnitEventPart.objects.filter(
        unit=unit, role=UnitEventPart.Role.SUCCESSOR, event__kind__in=["merge", "split"]
    ).select_related("event"):
        units = [
            p.unit
            for p in part.event.parts.filter(role=UnitEventPart.Role.PREDECESSOR).select_related(
                "unit"
            )
        ]
        found.append((part.event, units))
    return found


def events_for(user):
    """Restructuring events that touched a unit the user may see, newest first."""
    visible = scope.units_visible_to(user).values("pk")
    return (
        UnitEvent.objects.filter(parts__unit__in=visible)
        .distinct()
        .select_related("recorded_by")
        .order_by("-effective_date", "-id")
    )


def event_for(user, pk):
    """One event, if it touched a unit the user may see (404 otherwise)."""
    event = events_for(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def unit_history(unit):
    """Changes recorded on the unit record itself, newest first."""
    return changes_about("org.unit", unit.pk)
