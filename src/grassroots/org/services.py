"""Changing the unit tree. Each function is one transaction and writes history.

Who may do what is decided by the `can_*` predicates below, the only home of these rules:
the pages, the API and the commands call them (to show or hide an action, or to answer
403/404 early), and the services call them again, so that no door can skip them. A `None`
user is the operator running a `grassroots` command on the server.

Structural changes with a date (move, rename, merge, split, close) are events:
`restructure.py`. Here are the undated ones: creating a unit, correcting its fields, and
correcting where a unit without events has always stood (the importer's units file).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots import announcements
from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.dates import shown_day
from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot
from grassroots.inputs import composed, field_errors, save_checked
from grassroots.paths import under

from . import timeline
from .models import Cluster, Sector, Unit

UNIT_FIELDS = ("code", "name", "kind", "cluster", "sector", "valid_from", "valid_to")


# --- who may -------------------------------------------------------------------------------


def is_operator(user):
    """The operator running a command on the server, or a superuser: may act on roots."""
    return user is None or scope.is_everywhere(user)


def can_create_unit(user, parent):
    """A root only by the operator or a superuser; below a parent, by those who may change
    units there. (That a group has no units below it, and an ended unit none after its end,
    are checked as validations, naming the field.)"""
    if parent is None:
        return is_operator(user)
    return is_operator(user) or scope.can(user, Action.EDIT_UNITS, parent)


def can_edit_unit(user, unit):
    return is_operator(user) or scope.can(user, Action.EDIT_UNITS, unit)


def can_restructure(user, units):
    """Restructuring is for an administrator of a unit above every unit involved (the units
    that move, end or receive, and the parents they stand or will stand under); at the top
    of the tree, for the operator or a superuser."""
    if is_operator(user):
        return True
    for unit in units:
        if unit is None or not scope.can(user, Action.RESTRUCTURE, unit):
            return False
    return True


def require(allowed, user, unit=None):
    """Raise 403 when not allowed (404 first if the unit is out of the user's sight)."""
    if allowed:
        return
    if user is not None and unit is not None and not scope.can_see(user, unit):
        raise Http404
    raise PermissionDenied


# --- clusters and sectors -------------------------------------------------------------------


def cluster_get_or_create(*, trace, name):
    """The cluster of that name, created (with a history row) if it does not exist."""
    return _grouping_get_or_create(Cluster, trace, name)


def sector_get_or_create(*, trace, name):
    return _grouping_get_or_create(Sector, trace, name)


def _grouping_get_or_create(model, trace, name):
    name = composed(name)
    if not name:
        return None
    errors = field_errors(model(name=name), ("name",))
    if errors:
        # The unit's field that names it: "cluster" or "sector".
        raise ValidationError({model._meta.model_name: errors["name"]})
    obj = model.objects.filter(name=name).first()
    if obj is None:
        try:
            with transaction.atomic():
                obj = model.objects.create(name=name)
        except IntegrityError:
            # Another request made it a moment ago: it is the one of that name.
            return model.objects.get(name=name)
        record_change(trace, obj, action=Change.Action.CREATE)
    return obj


# --- units ----------------------------------------------------------------------------------


def _validate(unit, parent):
    errors = {}
    if not unit.code or not unit.code.strip():
        errors["code"] = _("A code is required.")
    elif Unit.objects.filter(code=unit.code).exclude(pk=unit.pk).exists():
        errors["code"] = _("A unit with code %(code)s already exists.") % {"code": unit.code}
    if not unit.name or not unit.name.strip():
        errors["name"] = _("A name is required.")
    if unit.kind not in Unit.Kind.values:
        errors["kind"] = _("Unknown kind %(kind)s: use committee, cell or group.") % {
            "kind": unit.kind
        }
    if unit.valid_to and unit.valid_from and unit.valid_to < unit.valid_from:
        errors["valid_to"] = _("The end of validity lies before its start.")
    if parent is not None:
        if parent.kind == Unit.Kind.GROUP:
            errors["parent"] = _("A group cannot have units below it.")
        elif parent.valid_to is not None and (
            unit.valid_to is None or unit.valid_to > parent.valid_to
        ):
            errors["parent"] = _("%(parent)s ended on %(day)s: nothing can be added below it.") % {
                "parent": parent,
                "day": shown_day(parent.valid_to),
            }
        elif unit.valid_from and not parent.is_valid_on(unit.valid_from):
            errors["parent"] = _("%(parent)s did not exist on %(day)s.") % {
                "parent": parent,
                "day": shown_day(unit.valid_from),
            }
    errors = {**field_errors(unit, ("code", "name")), **errors}
    if errors:
        raise ValidationError(errors)


def refresh_effective_groupings(unit):
    """Recompute the cluster and sector in force for `unit` and everything below it in the
    latest structure (`Unit.effective_*`, shown on the pages)."""
    parent = unit.get_parent()
    inherited_cluster = parent.effective_cluster_id if parent else None
    inherited_sector = parent.effective_sector_id if parent else None
    subtree = list(
        Unit.objects.filter(under(unit.path))
        .order_by("path")
        .only(
            "id", "path", "cluster_id", "sector_id", "effective_cluster_id", "effective_sector_id"
        )
    )
    by_path = {}
    changed = []
    for node in subtree:
        parent_path = node.path[: -Unit.steplen]
        if node.path == unit.path:
            up_cluster, up_sector = inherited_cluster, inherited_sector
        else:
            up_cluster, up_sector = by_path[parent_path]
        cluster = node.cluster_id or up_cluster
        sector = node.sector_id or up_sector
        by_path[node.path] = (cluster, sector)
        if (node.effective_cluster_id, node.effective_sector_id) != (cluster, sector):
            node.effective_cluster_id, node.effective_sector_id = cluster, sector
            changed.append(node)
    Unit.objects.bulk_update(changed, ["effective_cluster", "effective_sector"], batch_size=1000)


def snapshot_unit(unit, parent=None):
    data = snapshot(unit, UNIT_FIELDS)
    if parent is None:
        parent = unit.get_parent()
    data["parent"] = parent.code if parent else None
    return data


@transaction.atomic
def unit_create(
    *,
    trace,
    parent=None,
    code,
    name,
    kind,
    cluster=None,
    sector=None,
    valid_from=None,
    valid_to=None,
):
    """Create a unit under `parent` (a root when None: operator or superuser only)."""
    require(can_create_unit(trace.user, parent), trace.user, parent)
    fields = {
        "code": composed(code),
        "name": (name or "").strip(),
        "kind": kind,
        "cluster": cluster,
        "sector": sector,
        "valid_to": valid_to,
    }
    if valid_from:
        fields["valid_from"] = valid_from
    elif parent is not None:
        # Without a start, a unit exists as long as its parent does.
        fields["valid_from"] = max(
            Unit._meta.get_field("valid_from").get_default(), parent.valid_from
        )
    _validate(Unit(**fields), parent)
    unit = save_checked(lambda: add_unit(parent, fields), lambda: _validate(Unit(**fields), parent))
    timeline.start_unit(unit, parent, unit.valid_from)
    refresh_effective_groupings(unit)
    unit.refresh_from_db()
    record_change(trace, unit, action=Change.Action.CREATE, after=snapshot_unit(unit, parent))
    return unit


@transaction.atomic
def unit_update(*, trace, unit, **changes):
    """Correct a unit's own fields. Its place and its validity change only through events
    (`restructure.py`) once it has any; its code never changes (codes are never reused)."""
    require(can_edit_unit(trace.user, unit), trace.user, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot_unit(unit)
    for field, value in changes.items():
        if field not in UNIT_FIELDS:
            raise ValueError(f"unit_update cannot change {field}")
        setattr(unit, field, value.strip() if isinstance(value, str) else value)
    errors = {}
    if unit.code != before["code"]:
        errors["code"] = _("A unit's code never changes: codes are never reused.")
    validity_changed = (unit.valid_from.isoformat(), _iso(unit.valid_to)) != (
        before["valid_from"],
        before["valid_to"],
    )
    if validity_changed and timeline.has_events(unit):
        errors["valid_to"] = _(
            "This unit has restructuring events: its validity changes only through them."
        )
    if unit.kind == Unit.Kind.GROUP and before["kind"] != Unit.Kind.GROUP and unit.numchild:
        errors["kind"] = _("A unit with units below it cannot become a group.")
    if errors:
        raise ValidationError(errors)
    _validate(unit, None)
    regrouped = (unit.cluster_id, unit.sector_id) != (
        _pk(before["cluster"], Cluster),
        _pk(before["sector"], Sector),
    )
    affected = timeline.affected_by(unit)
    if validity_changed or regrouped:
        announcements.announce(announcements.UNITS_CHANGING, unit_ids=affected, since=None)
    unit.save()
    timeline.set_current_name(unit)
    if validity_changed:
        timeline.correct_validity(unit)
    if regrouped:
        refresh_effective_groupings(unit)
        unit.refresh_from_db()
    if validity_changed or regrouped:
        announcements.announce(announcements.UNITS_CHANGED, unit_ids=affected, since=None)
    record_change(
        trace, unit, action=Change.Action.UPDATE, before=before, after=snapshot_unit(unit)
    )
    return unit


def units_added(units):
    """The bulk variant of `unit_create`'s bookkeeping, for writers that insert many units at
    once with their paths (the importer, the generator): each unit's first version (under
    the unit its path places it below, over its validity) and their ancestry. The writer
    has checked `can_create_unit` and `_validate`'s rules for each row and writes their
    history rows."""
    units = list(units)
    if not units:
        return
    paths = {unit.path for unit in units}
    parent_paths = {unit.path[: -Unit.steplen] for unit in units if unit.depth > 1}
    parents = dict(Unit.objects.filter(path__in=parent_paths - paths).values_list("path", "pk"))
    parents.update({unit.path: unit.pk for unit in units})
    timeline.UnitVersion.objects.bulk_create(
        [
            timeline.UnitVersion(
                unit_id=unit.pk,
                parent_id=parents.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None,
                name=unit.name,
                valid_from=unit.valid_from,
                valid_to=unit.valid_to or timeline.OPEN_END,
            )
            for unit in units
        ],
        batch_size=2000,
    )
    timeline.refresh_ancestry({unit.pk for unit in units})


def _pk(name, model):
    """The id of the cluster or sector a snapshot names (snapshots keep names)."""
    if not name:
        return None
    return model.objects.filter(name=name).values_list("pk", flat=True).first()


def _iso(day):
    return day.isoformat() if isinstance(day, dt.date) else day


@transaction.atomic
def unit_correct_parent(*, trace, unit, new_parent):
    """Correct where a unit without events has always stood (e.g. a units file row with
    another parent). A move from a date on is an event: `restructure.unit_move`."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old_parent = unit.get_parent()
    require(can_edit_unit(trace.user, unit), trace.user, unit)
    if new_parent is None:
        require(is_operator(trace.user), trace.user)
    else:
        require(can_edit_unit(trace.user, new_parent), trace.user, new_parent)
    if timeline.has_events(unit):
        raise ValidationError(
            {
                "parent": _(
                    "%(unit)s has restructuring events: it moves only through an event "
                    "(grassroots restructure move)."
                )
                % {"unit": unit.code}
            }
        )
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ValidationError({"parent": _("A unit cannot be moved below itself.")})
        if new_parent.kind == Unit.Kind.GROUP:
            raise ValidationError({"parent": _("A group cannot have units below it.")})
    before = snapshot_unit(unit, old_parent)
    if (old_parent and old_parent.pk) == (new_parent and new_parent.pk):
        return unit
    affected = timeline.affected_by(unit)
    announcements.announce(announcements.UNITS_CHANGING, unit_ids=affected, since=None)
    move_in_latest_tree(unit, new_parent)
    unit = Unit.objects.get(pk=unit.pk)
    timeline.correct_parent(unit, new_parent)
    refresh_effective_groupings(unit)
    announcements.announce(announcements.UNITS_CHANGED, unit_ids=affected, since=None)
    unit.refresh_from_db()
    record_change(
        trace, unit, action=Change.Action.UPDATE, before=before, after=snapshot_unit(unit)
    )
    return unit


def add_unit(parent, fields):
    """A new unit under `parent` (a root when None), in code order among its siblings when
    their paths are in code order, else as the last of them.

    treebeard's sorted insert shifts the paths of the siblings after the new one, which
    assumes they stand in code order. The importer appends units at the next free path
    (a units file may list them in any order), so imported siblings need not: shifting
    them ran paths into one another (a duplicate path)."""
    if parent is None:
        return Unit.objects.add_root(fields)
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    codes = list(
        Unit.objects.filter(under(parent.path), depth=parent.depth + 1).values_list(
            "code", flat=True
        )
    )
    if codes == sorted(codes):
        return Unit.objects.add_child(parent, fields)
    last = Unit.objects.filter(under(parent.path), depth=parent.depth + 1).order_by("-path")[0]
    unit = Unit(**fields, path=last._inc_path(), depth=parent.depth + 1, numchild=0)
    unit.save()
    Unit.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    return unit


def move_in_latest_tree(unit, new_parent):
    """Move the unit's materialized path (the structure as it stands, which scope reads)."""
    if new_parent is None:
        last_root = Unit.get_last_root_node()
        Unit.objects.move(unit, last_root, pos="sorted-sibling")
    else:
        Unit.objects.move(unit, new_parent, pos="sorted-child")


def today():
    return timezone.localdate()
