"""The unit tree over time: reading `UnitVersion` and `UnitAncestry`, and keeping the
ancestry derived from the versions.

A unit's versions say where it stood (its parent) and what it was called over each period
of its validity. `UnitAncestry` holds, for every unit and every day it existed, which units
stood above it and how far: it is derived from the versions by `refresh_ancestry` (called by
the org services in the same transaction as the versions change) and can be rebuilt and
checked as a whole (`grassroots rebuild_ancestry [--check]`).

Nothing here checks permissions or writes history: the services in `services.py` and
`restructure.py` do, and call these functions inside their transactions.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Max, Q

from grassroots.history import generation

from .models import OPEN_END, Unit, UnitAncestry, UnitEvent, UnitVersion

ONE_DAY = dt.timedelta(days=1)
CHUNK = 900  # below SQLite's limit of bound parameters


def on(day, prefix=""):
    """Q for rows whose [valid_from, valid_to] contains `day` (`prefix`: a relation path)."""
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_to__gte": day})


def overlapping(start, end, prefix=""):
    """Q for rows whose period meets [start, end]."""
    return Q(**{f"{prefix}valid_from__lte": end, f"{prefix}valid_to__gte": start})


# --- reading ------------------------------------------------------------------------------


def version_on(unit, day):
    """The unit's version valid on `day`, or None when the unit did not exist then."""
    unit_id = getattr(unit, "pk", unit)
    return UnitVersion.objects.filter(on(day), unit_id=unit_id).first()


def name_on(unit, day):
    """The unit's name on `day`; before it existed its first name, after it ended its last."""
    versions = list(UnitVersion.objects.filter(unit=unit).order_by("valid_from"))
    if not versions:
        return unit.name
    for version in versions:
        if version.valid_from <= day <= version.valid_to:
            return version.name
    if day < versions[0].valid_from:
        return versions[0].name
    return versions[-1].name


def names_on(unit_ids, day):
    """{unit id: name on `day`} for many units (as `name_on`), in a few queries."""
    found = {}
    for start in range(0, len(unit_ids), CHUNK):
        chunk = list(unit_ids)[start : start + CHUNK]
        best = {}
        for unit_id, name, first, last in UnitVersion.objects.filter(unit_id__in=chunk).values_list(
            "unit_id", "name", "valid_from", "valid_to"
        ):
            # Prefer the version containing the day, then the nearest one before it, then
            # the nearest after it.
            if first <= day <= last:
                rank = (0, 0)
            elif last < day:
                rank = (1, (day - last).days)
            else:
                rank = (2, (first - day).days)
            if unit_id not in best or rank < best[unit_id][0]:
                best[unit_id] = (rank, name)
        found.update({unit_id: name for unit_id, (_rank, name) in best.items()})
    return found


def parent_on(unit, day):
    version = version_on(unit, day)
    return version.parent if version else None


def ancestor_ids_on(unit_id, day, include_self=False):
    """The ids of the units above `unit_id` on `day`, nearest first."""
    rows = UnitAncestry.objects.filter(on(day), unit_id=unit_id)
    if not include_self:
        rows = rows.filter(distance__gt=0)
    return list(rows.order_by("distance").values_list("ancestor_id", flat=True))


def below_on(unit, day, include_self=True):
    """Ids (a values queryset, usable as a subquery) of the units at or below `unit` on
    `day`: the units that existed that day and stood below it."""
    rows = UnitAncestry.objects.filter(on(day), ancestor_id=getattr(unit, "pk", unit))
    if not include_self:
        rows = rows.filter(distance__gt=0)
    return rows.values("unit_id")


def children_on(unit, day):
    """The units standing directly below `unit` on `day`, in code order."""
    ids = UnitVersion.objects.filter(on(day), parent=unit).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("code"))


def roots_on(day):
    ids = UnitVersion.objects.filter(on(day), parent__isnull=True).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("code"))


def children_during(unit, start, end):
    """[(child, first day, last day)] for every unit that stood directly below `unit` on some
    day of [start, end], with the part of the period it stood there (consecutive versions
    under the same parent, e.g. before and after a rename, count as one stay; a child that
    left and came back has a stay for each). In code order, then by date."""
    stays = defaultdict(list)
    for unit_id, first, last in (
        UnitVersion.objects.filter(overlapping(start, end), parent=unit)
        .order_by("unit_id", "valid_from")
        .values_list("unit_id", "valid_from", "valid_to")
    ):
        first, last = max(first, start), min(last, end)
        runs = stays[unit_id]
        if runs and runs[-1][1] + ONE_DAY >= first:
            runs[-1] = (runs[-1][0], max(runs[-1][1], last))
        else:
            runs.append((first, last))
    units = Unit.objects.in_bulk(list(stays))
    result = [
        (units[unit_id], first, last) for unit_id, runs in stays.items() for first, last in runs
    ]
    return sorted(result, key=lambda stay: (stay[0].code, stay[1]))


def has_events(unit):
    """Whether restructurings shaped the unit: an event names it, or it has more than one
    version (it passed under a successor when an event ended the unit above it)."""
    return unit.event_parts.exists() or UnitVersion.objects.filter(unit=unit)[1:2].exists()


def latest_event_date(unit_ids):
    """The effective date of the latest event touching any of these units, or None."""
    return UnitEvent.objects.filter(parts__unit_id__in=list(unit_ids)).aggregate(
        latest=Max("effective_date")
    )["latest"]


# --- keeping the versions and the ancestry ----------------------------------------------------


def start_unit(unit, parent, day, event=None):
    """The first version of a new unit, and its ancestry."""
    UnitVersion.objects.create(
        unit=unit,
        parent=parent,
        name=unit.name,
        valid_from=day,
        valid_to=unit.valid_to or OPEN_END,
        event=event,
    )
    refresh_ancestry([unit.pk])


def change_from(unit, day, *, event=None, **changes):
    """From `day` on, the unit stands under `parent` and/or is called `name`: its version
    valid on `day` ends the day before (or is replaced when it began that day) and a new one
    starts. The ancestry of the unit and of everything that ever stood below it follows."""
    current = UnitVersion.objects.select_for_update().filter(on(day), unit=unit).get()
    parent = changes["parent"] if "parent" in changes else current.parent
    new = UnitVersion(
        unit=unit,
        parent=parent,
        name=changes.get("name", current.name),
        valid_from=day,
        valid_to=current.valid_to,
        event=event,
    )
    if current.valid_from == day:
        current.delete()
    else:
        current.valid_to = day - ONE_DAY
        current.save(update_fields=["valid_to"])
    new.save()
    if "parent" in changes:
        refresh_ancestry(affected_by(unit))


def end_unit(unit, last_day):
    """The unit exists no more after `last_day`: its version and ancestry rows end then."""
    UnitVersion.objects.filter(unit=unit, valid_from__gt=last_day).delete()
    UnitVersion.objects.filter(unit=unit, valid_to__gt=last_day).update(valid_to=last_day)
    refresh_ancestry(affected_by(unit))


def correct_parent(unit, parent):
    """The unit has always stood under `parent` (a correction, for units without events):
    its only version changes, and the ancestry of its subtree follows."""
    UnitVersion.objects.filter(unit=unit).update(parent=parent)
    refresh_ancestry(affected_by(unit))


def correct_validity(unit):
    """The unit's versions follow a corrected validity (units without events)."""
    versions = list(UnitVersion.objects.filter(unit=unit).order_by("valid_from"))
    end = unit.valid_to or OPEN_END
    if versions:
        first, last = versions[0], versions[-1]
        first.valid_from = unit.valid_from
        last.valid_to = end
        changed = {first.pk: first, last.pk: last}.values()
        UnitVersion.objects.bulk_update(changed, ["valid_from", "valid_to"])
    refresh_ancestry(affected_by(unit))


def set_current_name(unit):
    """A name corrected on the unit record is the name of its latest version."""
    latest = UnitVersion.objects.filter(unit=unit).order_by("-valid_from").first()
    if latest is not None and latest.name != unit.name:
        latest.name = unit.name
        latest.save(update_fields=["name"])


def affected_by(unit):
    """The unit and every unit that ever stood below it: whose ancestry depends on it."""
    below = set(UnitAncestry.objects.filter(ancestor=unit).values_list("unit_id", flat=True))
    below.add(unit.pk)
    return below


def refresh_ancestry(unit_ids):
    """Derive the ancestry rows of these units afresh from the versions."""
    unit_ids = set(unit_ids)
    rows = derive_ancestry(unit_ids)
    ids = sorted(unit_ids)
    for start in range(0, len(ids), CHUNK):
        UnitAncestry.objects.filter(unit_id__in=ids[start : start + CHUNK]).delete()
    UnitAncestry.objects.bulk_create(rows, batch_size=2000)


def derive_ancestry(unit_ids):
    """[UnitAncestry] for these units, from their versions and, for the units above them
    that are not among them, from those units' stored ancestry."""
    versions = defaultdict(list)
    ids = sorted(unit_ids)
    for start in range(0, len(ids), CHUNK):
        for unit_id, parent_id, first, last in UnitVersion.objects.filter(
            unit_id__in=ids[start : start + CHUNK]
        ).values_list("unit_id", "parent_id", "valid_from", "valid_to"):
            versions[unit_id].append((parent_id, first, last))
    outside = defaultdict(list)  # stored rows of parents not being derived here
    parents = {p for spans in versions.values() for p, _f, _l in spans if p} - set(unit_ids)
    parents = sorted(parents)
    for start in range(0, len(parents), CHUNK):
        for unit_id, ancestor_id, distance, first, last in UnitAncestry.objects.filter(
            unit_id__in=parents[start : start + CHUNK]
        ).values_list("unit_id", "ancestor_id", "distance", "valid_from", "valid_to"):
            outside[unit_id].append((ancestor_id, distance, first, last))

    derived = {}

    def spans_of(unit_id, trail=()):
        """[(ancestor, distance, first, last)] of one unit, self included."""
        if unit_id in derived:
            return derived[unit_id]
        if unit_id not in unit_ids:
            return outside.get(unit_id, [])
        if unit_id in trail:
            raise ValueError(f"unit {unit_id} stands below itself")
        found = []
        for parent_id, first, last in versions.get(unit_id, []):
            found.append((unit_id, 0, first, last))
            if parent_id is None:
                continue
            for ancestor_id, distance, a_first, a_last in spans_of(parent_id, (*trail, unit_id)):
                lo, hi = max(first, a_first), min(last, a_last)
                if lo <= hi:
                    found.append((ancestor_id, distance + 1, lo, hi))
        derived[unit_id] = _merged(found)
        return derived[unit_id]

    rows = []
    for unit_id in ids:
        for ancestor_id, distance, first, last in spans_of(unit_id):
            rows.append(
                UnitAncestry(
                    unit_id=unit_id,
                    ancestor_id=ancestor_id,
                    distance=distance,
                    valid_from=first,
                    valid_to=last,
                )
            )
    return rows


def _merged(spans):
    """Join consecutive or overlapping periods of the same (ancestor, distance)."""
    by_key = defaultdict(list)
    for ancestor_id, distance, first, last in spans:
        by_key[(ancestor_id, distance)].append((first, last))
    merged = []
    for (ancestor_id, distance), periods in by_key.items():
        periods.sort()
        current = list(periods[0])
        for first, last in periods[1:]:
            if first <= current[1] + ONE_DAY:
                current[1] = max(current[1], last)
            else:
                merged.append((ancestor_id, distance, current[0], current[1]))
                current = [first, last]
        merged.append((ancestor_id, distance, current[0], current[1]))
    return merged


def rebuild_ancestry(check=False):
    """Derive the whole ancestry table from the versions. With `check`, write nothing and
    return the differences as (missing rows, surplus rows)."""
    all_ids = set(Unit.objects.values_list("pk", flat=True))
    rows = derive_ancestry(all_ids)
    if check:
        fresh = {(r.unit_id, r.ancestor_id, r.distance, r.valid_from, r.valid_to) for r in rows}
        stored = set(
            UnitAncestry.objects.values_list(
                "unit_id", "ancestor_id", "distance", "valid_from", "valid_to"
            )
        )
        return fresh - stored, stored - fresh
    UnitAncestry.objects.all().delete()
    UnitAncestry.objects.bulk_create(rows, batch_size=5000)
    generation.data_changed()
    return len(rows)
