"""Changing the unit tree. Each function is one transaction and writes history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.history.models import Change
from grassroots.history.services import record_change, snapshot

from .models import Cluster, Sector, Unit
from .paths import under

UNIT_FIELDS = ("code", "name", "kind", "cluster", "sector", "valid_from", "valid_to")


def cluster_get_or_create(*, trace, name):
    """The cluster of that name, created (with a history row) if it does not exist."""
    return _grouping_get_or_create(Cluster, trace, name)


def sector_get_or_create(*, trace, name):
    return _grouping_get_or_create(Sector, trace, name)


def _grouping_get_or_create(model, trace, name):
    name = (name or "").strip()
    if not name:
        return None
    obj = model.objects.filter(name=name).first()
    if obj is None:
        obj = model.objects.create(name=name)
        record_change(trace, obj, action=Change.Action.CREATE, unit_path="")
    return obj


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
    if parent is not None and parent.kind == Unit.Kind.GROUP:
        errors["parent"] = _("A group cannot have units below it.")
    if errors:
        raise ValidationError(errors)


def _refresh_effective_groupings(unit):
    """Recompute inherited cluster and sector for `unit` and everything below it."""
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
    """Create a unit under `parent` (a root when None)."""
    fields = {
        "code": (code or "").strip(),
        "name": (name or "").strip(),
        "kind": kind,
        "cluster": cluster,
        "sector": sector,
        "valid_to": valid_to,
    }
    if valid_from:
        fields["valid_from"] = valid_from
    _validate(Unit(**fields), parent)
    unit = Unit.objects.add_child(parent, fields) if parent else Unit.objects.add_root(fields)
    _refresh_effective_groupings(unit)
    unit.refresh_from_db()
    record_change(trace, unit, action=Change.Action.CREATE, after=_unit_snapshot(unit, parent))
    return unit


def _unit_snapshot(unit, parent=None):
    data = snapshot(unit, UNIT_FIELDS)
    if parent is None:
        parent = unit.get_parent()
    data["parent"] = parent.code if parent else None
    return data


@transaction.atomic
def unit_update(*, trace, unit, **changes):
    """Change a unit's own fields (not its place in the tree: see `unit_move`)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _unit_snapshot(unit)
    for field, value in changes.items():
        if field not in UNIT_FIELDS:
            raise ValueError(f"unit_update cannot change {field}")
        setattr(unit, field, value.strip() if isinstance(value, str) else value)
    _validate(unit, None)
    unit.save()
    if {"cluster", "sector"} & set(changes):
        _refresh_effective_groupings(unit)
        unit.refresh_from_db()
    record_change(
        trace, unit, action=Change.Action.UPDATE, before=before, after=_unit_snapshot(unit)
    )
    return unit


@transaction.atomic
def unit_move(*, trace, unit, new_parent):
    """Move a unit and its subtree under `new_parent`."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved below itself.")})
    if new_parent.kind == Unit.Kind.GROUP:
        raise ValidationError({"parent": _("A group cannot have units below it.")})
    before = _unit_snapshot(unit)
    if before["parent"] == new_parent.code:
        return unit
    from grassroots.reports import rollups

    # The report roll-ups count admissions per unit above them: move them in this transaction.
    with rollups.unit_moving(unit):
        Unit.objects.move(unit, new_parent, pos="sorted-child")
    unit = Unit.objects.get(pk=unit.pk)
    _refresh_effective_groupings(unit)
    unit.refresh_from_db()
    record_change(
        trace, unit, action=Change.Action.UPDATE, before=before, after=_unit_snapshot(unit)
    )
    return unit
