"""Importing the unit tree in bulk.

New units get their treebeard paths here (parent path + next free step, steplen 4,
alphabet 0-9A-Z) and go in with one `bulk_create` per batch, instead of one insert and a
sibling renumbering per unit; parents' `numchild` is raised once at the end of the file.
Their versions and ancestry (the tree over time) come from `org.services.units_added`.
A changed parent is a correction, `org.services.unit_correct_parent` (rare, and treebeard
must shift the subtree), allowed only for units without restructuring events: once a unit
has events, a row that disagrees with its state today is an error (use `grassroots
restructure`). The inherited cluster and sector are recomputed for every subtree whose
grouping changed.
"""

from collections import Counter

from django.db.models import F, Max
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.org import services as org_services
from grassroots.org import timeline
from grassroots.org.models import Cluster, Sector, Unit
from grassroots.paths import under
from grassroots.pipeline.models import Admission
from grassroots.reports import rollups

from ..unitrefs import UnitRef
from .base import WRITE_BATCH, Applier, _plain_text

DEFAULT_VALID_FROM = Unit._meta.get_field("valid_from").default


class UnitApplier(Applier):
    file = "units"
    model = Unit
    names = {"parent_code": "parent"}

    def __init__(self, ctx, present):
        super().__init__(ctx, present)
        self.last_step = {}  # parent code (None: the roots) → last step used below it
        self.added = Counter()  # parent code → children added and not yet counted
        self.groupings = {Cluster: {}, Sector: {}}

    def check(self, row):
        if row.values.get("parent_code") and row.values["parent_code"] == row.values["code"]:
            self.error(row, "parent_code", _("a unit cannot be its own parent"))
            return False
        if "valid_from" in row.values and row.values["valid_from"] is None:
            # Empty: since the beginning of the records, as for a unit made on a page.
            row.values["valid_from"] = DEFAULT_VALID_FROM
        first, last = row.values.get("valid_from"), row.values.get("valid_to")
        if first and last and last < first:
            self.error(row, "valid_to", _("the unit ends before it begins"))
            return False
        return True

    def load(self, rows):
        found = list(
            Unit.objects.filter(code__in=[r.key[0] for r in rows]).select_related(
                "cluster", "sector"
            )
        )
        parent_paths = {u.path[: -Unit.steplen] for u in found if u.depth > 1}
        codes = dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "code"))
        for unit in found:
            unit.parent_code = codes.get(unit.path[: -Unit.steplen])
        return {(u.code,): u for u in found}

    def as_row(self, u):
        return {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent_code": u.parent_code,
            "cluster": u.cluster.name if u.cluster_id else "",
            "sector": u.sector.name if u.sector_id else "",
            "valid_from": u.valid_from,
            "valid_to": u.valid_to,
            "special_area": u.special_area,
        }

    def order(self, numbered_rows):
        """Parents before their children, whatever the order of the file's rows.

        The units file is read whole (a tree has thousands of units, not millions); rows
        keep their numbers for the problem report. A cycle is left in file order, so its
        rows report their unknown parents.
        """
        rows = list(numbered_rows)
        by_code = {}
        for index, (_number, cells) in enumerate(rows):
            by_code.setdefault((cells.get("code") or "").strip(), index)
        placed, ordered = set(), []

        def place(index, visiting):
            if index in placed or index in visiting:
                return
            visiting.add(index)
            parent = by_code.get((rows[index][1].get("parent_code") or "").strip())
            if parent is not None:
                place(parent, visiting)
            placed.add(index)
            ordered.append(rows[index])

        for index in range(len(rows)):
            place(index, set())
        return ordered

    def _grouping(self, model, name):
        if not name:
            return None
        cache = self.groupings[model]
        if name not in cache:
            getter = (
                org_services.cluster_get_or_create
                if model is Cluster
                else org_services.sector_get_or_create
            )
            cache[name] = getter(trace=self.ctx.trace, name=name).pk
        return cache[name]

    def apply(self, batch):
        # The same engine, but rows are resolved one by one: a parent may be created by an
        # earlier row of the same batch.
        self.batch_new = {}
        self.moves = []
        self.regroup = []
        self.revalidated = []
        super().apply(batch)

    def resolve(self, rows):
        codes = [r.values["code"] for r in rows] + [r.values.get("parent_code") for r in rows]
        self.refs = self.ctx.units.get_many(codes)
        return rows

    def _parent(self, row):
        code = row.values.get("parent_code")
        if not code:
            return None, True
        ref = self.batch_new.get(code) or self.refs.get(code)
        if ref is None:
            self.error(
                row,
                "parent_code",
                _("unknown unit %(code)s (a parent must exist or be in the file)") % {"code": code},
            )
            return None, False
        if ref.kind == Unit.Kind.GROUP:
            self.error(row, "parent_code", _("a group cannot have units below it"))
            return None, False
        return ref, True

    def _next_path(self, parent):
        key = parent.code if parent else None
        if key not in self.last_step:
            if parent is None:
                children = Unit.objects.filter(depth=1)
            else:
                children = Unit.objects.filter(
                    under(parent.path), depth=len(parent.path) // Unit.steplen + 1
                )
            last = children.aggregate(m=Max("path"))["m"]
            self.last_step[key] = Unit._str2int(last[-Unit.steplen :]) if last else 0
        self.last_step[key] += 1
        step = Unit._int2str(self.last_step[key])
        if len(step) > Unit.steplen:
            return None
        return (parent.path if parent else "") + step.rjust(Unit.steplen, "0")

    def apply_rows(self, rows, existing):
        created, updated = [], []
        for row in rows:
            obj = existing.get(row.key)
            parent, ok = self._parent(row)
            if not ok:
                continue
            if obj is None:
                if not org_services.can_create_unit(self.ctx.scope_user, parent):
                    if parent is None:
                        self.error(
                            row,
                            "parent_code",
                            _("empty: only the operator or a superuser creates a top unit"),
                        )
                        continue
                    if not self.allowed(row, "parent_code", Action.EDIT_UNITS, parent):
                        continue
                    self.error(row, "parent_code", _("no unit can be created below it"))
                    continue
                values = {**self.defaults, **row.values}
                unit = self._new(row, parent, values)
                if unit is not None:
                    created.append((row, unit, None, values))
                continue
            if not self.allowed(row, "code", Action.EDIT_UNITS, obj):
                continue
            before = self.as_row(obj)
            after = {**before, **row.values}
            if after == before:
                self.counts["unchanged"] += 1
                continue
            if not self._update(row, obj, parent, before, after):
                continue
            updated.append((row, obj, before, after))
        return created, updated

    def _new(self, row, parent, values):
        path = self._next_path(parent)
        if path is None:
            self.error(row, "parent_code", _("too many units below one parent"))
            return None
        cluster = self._grouping(Cluster, values["cluster"])
        sector = self._grouping(Sector, values["sector"])
        unit = Unit(
            code=values["code"],
            name=values["name"],
            kind=values["kind"],
            cluster_id=cluster,
            sector_id=sector,
            path=path,
            depth=len(path) // Unit.steplen,
            numchild=0,
            effective_cluster_id=cluster or (parent.effective_cluster_id if parent else None),
            effective_sector_id=sector or (parent.effective_sector_id if parent else None),
            valid_from=values.get("valid_from") or DEFAULT_VALID_FROM,
            valid_to=values.get("valid_to"),
            special_area=values.get("special_area") or "",
        )
        self.added[parent.code if parent else None] += 1
        self.batch_new[unit.code] = UnitRef(
            None, unit.code, path, unit.kind, 0, unit.effective_cluster_id, unit.effective_sector_id
        )
        return unit

    def _update(self, row, unit, parent, before, after):
        if timeline.has_events(unit):
            for column in ("parent_code", "name", "valid_from", "valid_to"):
                if after[column] != before[column]:
                    self.error(
                        row,
                        column,
                        _(
                            "%(code)s has restructuring events: its %(column)s today is "
                            "%(value)s; change it with grassroots restructure"
                        )
                        % {
                            "code": unit.code,
                            "column": column,
                            "value": _plain_text(before[column]) or "—",
                        },
                    )
                    return False
        if "parent_code" in row.values and after["parent_code"] != before["parent_code"]:
            if parent is None:
                self.error(
                    row,
                    "parent_code",
                    _("empty, but %(code)s lies below %(parent)s: give its parent")
                    % {"code": unit.code, "parent": before["parent_code"]},
                )
                return False
            if parent.path.startswith(unit.path):
                self.error(row, "parent_code", _("a unit cannot be moved below itself"))
                return False
            if not self.allowed(row, "parent_code", Action.EDIT_UNITS, parent):
                return False
            self.moves.append((unit, parent.code))
        if after["kind"] == Unit.Kind.GROUP and unit.numchild and before["kind"] != "group":
            self.error(row, "kind", _("a group cannot have units below it"))
            return False
        unit.name = after["name"]
        unit.kind = after["kind"]
        unit.special_area = after["special_area"] or ""
        if (after["valid_from"], after["valid_to"]) != (before["valid_from"], before["valid_to"]):
            unit.valid_from, unit.valid_to = after["valid_from"], after["valid_to"]
            self.revalidated.append(unit)
        cluster = self._grouping(Cluster, after["cluster"])
        sector = self._grouping(Sector, after["sector"])
        if (cluster, sector) != (unit.cluster_id, unit.sector_id):
            unit.cluster_id, unit.sector_id = cluster, sector
            self.regroup.append(unit.pk)
        return True

    def write(self, created, updated):
        new_units = Unit.objects.bulk_create([u for _, u, _, _ in created], batch_size=WRITE_BATCH)
        if updated:
            Unit.objects.bulk_update(
                [u for _, u, _, _ in updated],
                ["name", "kind", "cluster", "sector", "special_area", "valid_from", "valid_to"],
                WRITE_BATCH,
            )
            for _row, unit, _before, _after in updated:
                timeline.set_current_name(unit)
            for unit in self.revalidated:
                # A corrected validity (units without events): the versions follow.
                timeline.correct_validity(unit)
                self.ctx.tree_changed = True
        changes = []
        for _row, unit, before, after in created + updated:
            fields = dict(after)
            if before is not None and (unit, after["parent_code"]) in self.moves:
                # unit_move writes its own history row for the new parent.
                fields["parent_code"] = before["parent_code"]
                if fields == before:
                    continue
            changes.append(
                self.ctx.change(
                    unit.pk,
                    Unit,
                    action=Change.Action.CREATE if before is None else Change.Action.UPDATE,
                    before=None if before is None else self.snapshot(before),
                    after=self.snapshot(fields),
                    repr_=f"{unit.name} ({unit.code})",
                )
            )
        Change.objects.bulk_create(changes, batch_size=WRITE_BATCH)
        self.counts["created"] += len(created)
        self.counts["updated"] += len(updated)
        if self.moves:
            # treebeard reads numchild when it places a moved unit.
            self._flush_numchild()
        self._add_versions(new_units)
        for unit, parent_code in self.moves:
            org_services.unit_correct_parent(
                trace=self.ctx.trace, unit=unit, new_parent=Unit.objects.get(code=parent_code)
            )
        regrouped = set()
        for pk in self.regroup:
            unit = Unit.objects.get(pk=pk)
            org_services.refresh_effective_groupings(unit)
            regrouped |= timeline.affected_by(unit)
        if regrouped:
            # The cluster or sector in force changed at all times (a correction): recount
            # the roll-up rows of these units' admissions.
            rollups.refresh(
                Admission.objects.filter(unit_id__in=sorted(regrouped)).values_list(
                    "unit_id", "decision_date"
                )
            )
        if self.moves:
            self.last_step.clear()
        if self.moves or self.regroup:
            self.ctx.units.clear()

    def _add_versions(self, new_units):
        # bulk_create gives ids on PostgreSQL and SQLite alike (RETURNING).
        org_services.units_added(new_units)

    def _flush_numchild(self):
        by_count = {}
        for parent_code, count in self.added.items():
            if parent_code is not None:
                by_count.setdefault(count, []).append(parent_code)
        for count, codes in by_count.items():
            for start in range(0, len(codes), 1000):
                Unit.objects.filter(code__in=codes[start : start + 1000]).update(
                    numchild=F("numchild") + count
                )
        self.added.clear()

    def finish(self):
        self._flush_numchild()
