"""The tree over time: unit versions, restructuring events and split assignments.

A restructuring changes many records at once (`org.restructure`); what it leaves behind
for another installation is the structure over time (each unit's versions: where it stood
and what it was called, day by day), the events themselves (what ended and what succeeded
it, which restated reports follow) and, for a split, where each person went. These files
restore exactly that, in bulk, with the checks that keep it whole: a unit's versions cover
its validity without gap or overlap and stand under units that existed then; an event's
units ended or began on its date as the event says. What passed to a successor (people,
members, dossiers, sources) is carried by those files, which give where each stands today.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.org import timeline
from grassroots.org.models import (
    OPEN_END,
    SplitShare,
    Unit,
    UnitEvent,
    UnitEventPart,
    UnitVersion,
)

from .base import WRITE_BATCH, Applier, people_by_national_id

ONE_DAY = dt.timedelta(days=1)
Role = UnitEventPart.Role


def _units_by_code(codes):
    codes = sorted({c for c in codes if c})
    found = {}
    for start in range(0, len(codes), 900):
        for unit in Unit.objects.filter(code__in=codes[start : start + 900]):
            found[unit.code] = unit
    return found


def _codes(text):
    """The unit codes of a `units` cell: separated by commas, as on the command line."""
    return [code.strip() for code in (text or "").split(",") if code.strip()]


class UnitVersionApplier(Applier):
    """All the versions of each unit the file names, checked and written together.

    The file is read whole (a structure has thousands of versions, not millions); the
    versions of a unit replace the ones it has when they differ. A unit with restructuring
    events changes its versions only through events (`grassroots restructure`).
    """

    file = "unit_versions"
    model = UnitVersion
    reference_columns = ("unit_code", "parent_code")
    names = {"unit_code": "unit", "parent_code": "parent"}

    def __init__(self, ctx, present):
        super().__init__(ctx, present)
        self.pending = []

    def resolve(self, rows):
        self.pending.extend(rows)
        return []

    def load(self, rows):
        return {}

    def as_row(self, v):
        return {
            "unit_code": v.unit.code,
            "valid_from": v.valid_from,
            "valid_to": None if v.valid_to == OPEN_END else v.valid_to,
            "parent_code": v.parent.code if v.parent_id else None,
            "name": v.name,
        }

    def finish(self):
        rows = [r for r in self.pending if not r.broken]
        units = _units_by_code(
            [r.values["unit_code"] for r in self.pending]
            + [r.values.get("parent_code") for r in self.pending]
        )
        by_unit = {}
        for row in rows:
            ok = True
            unit = units.get(row.values["unit_code"])
            if unit is None:
                self.error(
                    row, "unit_code", _("unknown unit %(code)s") % {"code": row.values["unit_code"]}
                )
                ok = False
            elif not self.allowed(row, "unit_code", Action.EDIT_UNITS, unit):
                ok = False
            parent_code = row.values.get("parent_code")
            parent = units.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                self.error(row, "parent_code", _("unknown unit %(code)s") % {"code": parent_code})
                ok = False
            last = row.values.get("valid_to") or OPEN_END
            if last < row.values["valid_from"]:
                self.error(row, "valid_to", _("the version ends before it begins"))
                ok = False
            if parent is not None and ok:
                ok = self._check_parent(row, unit, parent, last)
            if ok:
                row.refs = {"unit": unit, "parent": parent, "valid_to": last}
                by_unit.setdefault(unit.pk, []).append(row)
            else:
                by_unit.setdefault(getattr(unit, "pk", None), []).append(None)
        changed = []
        for unit_id, unit_rows in by_unit.items():
            if unit_id is None or None in unit_rows:
                continue
            unit_rows.sort(key=lambda r: r.values["valid_from"])
            if self._check_cover(unit_rows) and self._apply_unit(unit_rows):
                changed.append(unit_rows[0].refs["unit"])
        if changed and not self.ctx.problems:
            affected = set()
            for unit in changed:
                affected |= timeline.affected_by(unit)
            try:
                timeline.refresh_ancestry(affected)
            except ValueError:
                self.ctx.problem(
                    self.file, 1, "parent_code", _("the versions put a unit below itself")
                )
            self.ctx.tree_changed = True
            self.ctx.units.clear()

    def _check_parent(self, row, unit, parent, last):
        if parent.pk == unit.pk:
            self.error(row, "parent_code", _("a unit cannot be its own parent"))
            return False
        if parent.kind == Unit.Kind.GROUP:
            self.error(row, "parent_code", _("a group cannot have units below it"))
            return False
        first = row.values["valid_from"]
        if first < parent.valid_from or last > (parent.valid_to or OPEN_END):
            self.error(
                row,
                "parent_code",
                _("%(code)s did not exist over the whole version (valid %(first)s to %(last)s)")
                % {
                    "code": parent.code,
                    "first": parent.valid_from.isoformat(),
                    "last": parent.valid_to.isoformat() if parent.valid_to else "…",
                },
            )
            return False
        return True

    def _check_cover(self, rows):
        """The versions cover the unit's validity, one after the other."""
        unit = rows[0].refs["unit"]
        ok = True
        if rows[0].values["valid_from"] != unit.valid_from:
            self.error(
                rows[0],
                "valid_from",
                _("the first version of %(code)s must begin when the unit does (%(day)s)")
                % {"code": unit.code, "day": unit.valid_from.isoformat()},
            )
            ok = False
        for previous, row in zip(rows, rows[1:], strict=False):
            if row.values["valid_from"] != previous.refs["valid_to"] + ONE_DAY:
                self.error(
                    row,
                    "valid_from",
                    _("must be the day after the previous version of %(code)s ends (%(day)s)")
                    % {"code": unit.code, "day": previous.refs["valid_to"].isoformat()},
                )
                ok = False
        if rows[-1].refs["valid_to"] != (unit.valid_to or OPEN_END):
            self.error(
                rows[-1],
                "valid_to",
                _("the last version of %(code)s must end when the unit does (%(day)s)")
                % {
                    "code": unit.code,
                    "day": unit.valid_to.isoformat() if unit.valid_to else _("never"),
                },
            )
            ok = False
        return ok

    def _apply_unit(self, rows):
        """Write the unit's versions if they differ; True when they did."""
        unit = rows[0].refs["unit"]
        existing = list(UnitVersion.objects.filter(unit=unit).select_related("unit", "parent"))
        before = sorted((self.as_row(v) for v in existing), key=lambda r: r["valid_from"])
        after = [{**self.defaults, **r.values} for r in rows]
        after = [
            {**a, "valid_to": r.refs["valid_to"] if r.refs["valid_to"] != OPEN_END else None}
            for a, r in zip(after, rows, strict=True)
        ]
        if [self._comparable(a) for a in after] == [self._comparable(b) for b in before]:
            self.counts["unchanged"] += len(rows)
            return False
        if timeline.has_events(unit):
            self.error(
                rows[0],
                "unit_code",
                _(
                    "%(code)s has restructuring events: its versions change only through "
                    "grassroots restructure"
                )
                % {"code": unit.code},
            )
            return False
        events = {v.valid_from: v.event_id for v in existing}
        UnitVersion.objects.filter(unit=unit).delete()
        created = UnitVersion.objects.bulk_create(
            [
                UnitVersion(
                    unit=unit,
                    parent=r.refs["parent"],
                    name=r.values["name"],
                    valid_from=r.values["valid_from"],
                    valid_to=r.refs["valid_to"],
                    event_id=events.get(r.values["valid_from"]),
                )
                for r in rows
            ]
        )
        Change.objects.bulk_create(
            [
                self.ctx.change(
                    unit.pk,
                    Unit,
                    action=Change.Action.UPDATE,
                    before={"versions": [self.snapshot(b) for b in before]},
                    after={"versions": [self.snapshot(self._comparable(a)) for a in after]},
                    repr_=f"{unit.name} ({unit.code})",
                )
            ]
        )
        old = {b["valid_from"] for b in before}
        new = {a["valid_from"] for a in after}
        self.counts["created"] += len(new - old)
        self.counts["updated"] += len(new & old)
        return bool(created)

    @staticmethod
    def _comparable(values):
        return {
            k: values.get(k) for k in ("unit_code", "valid_from", "valid_to", "parent_code", "name")
        }


# The unit that names an event in the file (its key, with the date and kind), and the
# role of the units listed in the `units` cell.
MAIN_ROLE = {
    UnitEvent.Kind.MOVE: Role.SUBJECT,
    UnitEvent.Kind.RENAME: Role.SUBJECT,
    UnitEvent.Kind.CLOSE: Role.SUBJECT,
    UnitEvent.Kind.MERGE: Role.SUCCESSOR,
    UnitEvent.Kind.SPLIT: Role.PREDECESSOR,
}
OTHER_ROLE = {
    UnitEvent.Kind.MOVE: Role.SUCCESSOR,  # the new parent
    UnitEvent.Kind.MERGE: Role.PREDECESSOR,  # the merged units, in order
    UnitEvent.Kind.SPLIT: Role.SUCCESSOR,  # the new units, in order
}


def event_main_and_others(event):
    """(main unit code, [other unit codes in order]) of an event with prefetched parts."""
    main_role = MAIN_ROLE[event.kind]
    other_role = OTHER_ROLE.get(event.kind)
    parts = sorted(event.parts.all(), key=lambda p: p.position)
    main = next((p.unit.code for p in parts if p.role == main_role), "")
    others = [p.unit.code for p in parts if p.role == other_role]
    return main, others


class RestructuringApplier(Applier):
    """Restructuring events: a merge, split, move, rename or close on its effective date.

    Checked against the structure the units and unit_versions files gave: an ended unit
    ends the day before the event, a new one begins on it, a moved or renamed unit has a
    version that begins on it. The events are written in bulk; what they changed is
    carried by the other files.
    """

    file = "restructurings"
    model = UnitEvent
    reference_columns = ("unit_code",)
    names = {"unit_code": "unit"}
    fixed_fields = ("kind", "effective_date", "recorded_at", "recorded_by", "channel", "summary")

    def check(self, row):
        day = row.values["effective_date"]
        if day > timezone.localdate():
            self.error(row, "effective_date", _("an event cannot lie in the future"))
            return False
        others = _codes(row.values.get("units"))
        kind = row.values["kind"]
        wanted = {
            UnitEvent.Kind.MOVE: (1, 1),
            UnitEvent.Kind.RENAME: (0, 0),
            UnitEvent.Kind.CLOSE: (0, 0),
            UnitEvent.Kind.MERGE: (1, None),
            UnitEvent.Kind.SPLIT: (2, None),
        }[kind]
        low, high = wanted
        if len(others) < low or (high is not None and len(others) > high):
            message = {
                UnitEvent.Kind.MOVE: _("give the new parent's code"),
                UnitEvent.Kind.RENAME: _("leave empty for a rename"),
                UnitEvent.Kind.CLOSE: _("leave empty for a close"),
                UnitEvent.Kind.MERGE: _("give the codes of the merged units, separated by commas"),
                UnitEvent.Kind.SPLIT: _("give the codes of the new units, separated by commas"),
            }[kind]
            self.error(row, "units", message)
            return False
        row.values["units"] = ",".join(others)
        return True

    def resolve(self, rows):
        units = _units_by_code(
            [r.values["unit_code"] for r in rows]
            + [c for r in rows for c in _codes(r.values.get("units"))]
        )
        kept = []
        for row in rows:
            main = units.get(row.values["unit_code"])
            others = [units.get(c) for c in _codes(row.values.get("units"))]
            ok = True
            if main is None:
                self.error(
                    row, "unit_code", _("unknown unit %(code)s") % {"code": row.values["unit_code"]}
                )
                ok = False
            for code, unit in zip(_codes(row.values.get("units")), others, strict=True):
                if unit is None:
                    self.error(row, "units", _("unknown unit %(code)s") % {"code": code})
                    ok = False
            if not ok or not self.allowed(row, "unit_code", Action.EDIT_UNITS, main):
                continue
            if self._consistent(row, main, others):
                row.refs = {"main": main, "others": others}
                kept.append(row)
        return kept

    def _consistent(self, row, main, others):
        kind, day = row.values["kind"], row.values["effective_date"]
        last_day = day - ONE_DAY
        problems = []

        def ends(unit, column):
            if unit.valid_to != last_day:
                problems.append(
                    (
                        column,
                        _("%(code)s must end on %(day)s, the day before the event")
                        % {"code": unit.code, "day": last_day.isoformat()},
                    )
                )

        def valid_on(unit, column):
            if not unit.is_valid_on(day):
                problems.append(
                    (
                        column,
                        _("%(code)s does not exist on %(day)s")
                        % {"code": unit.code, "day": day.isoformat()},
                    )
                )

        def begins(unit, column):
            if unit.valid_from != day:
                problems.append(
                    (
                        column,
                        _("%(code)s must begin on %(day)s, the event's date")
                        % {"code": unit.code, "day": day.isoformat()},
                    )
                )

        def new_version(unit, column, parent=None):
            version = UnitVersion.objects.filter(unit=unit, valid_from=day).first()
            if version is None or (parent is not None and version.parent_id != parent.pk):
                problems.append(
                    (
                        column,
                        _("%(code)s has no version beginning on %(day)s that the event would make")
                        % {"code": unit.code, "day": day.isoformat()},
                    )
                )

        if kind == UnitEvent.Kind.MOVE:
            valid_on(others[0], "units")
            new_version(main, "unit_code", parent=others[0])
        elif kind == UnitEvent.Kind.RENAME:
            new_version(main, "unit_code")
        elif kind == UnitEvent.Kind.CLOSE:
            ends(main, "unit_code")
        elif kind == UnitEvent.Kind.MERGE:
            valid_on(main, "unit_code")
            for unit in others:
                ends(unit, "units")
        elif kind == UnitEvent.Kind.SPLIT:
            ends(main, "unit_code")
            for unit in others:
                begins(unit, "units")
        for column, message in problems:
            self.error(row, column, message)
        return not problems

    def load(self, rows):
        found = (
            UnitEvent.objects.filter(
                effective_date__in={r.values["effective_date"] for r in rows},
                parts__unit_id__in={r.refs["main"].pk for r in rows},
            )
            .distinct()
            .prefetch_related("parts__unit")
        )
        existing = {}
        for event in found:
            main, _others = event_main_and_others(event)
            existing[(event.effective_date, event.kind, main)] = event
        return existing

    def as_row(self, event):
        main, others = event_main_and_others(event)
        return {
            "effective_date": event.effective_date,
            "kind": event.kind,
            "unit_code": main,
            "units": ",".join(others),
            "reference": event.reference,
        }

    def assign(self, event, row, values):
        event.kind = values["kind"]
        event.effective_date = values["effective_date"]
        event.reference = values["reference"]
        if event.pk is None:
            event.recorded_by = self.ctx.trace.actor
            event.channel = self.ctx.trace.cause
            event.summary = {"imported": True}
        event._parts = [(row.refs["main"], MAIN_ROLE[values["kind"]], 0)] + [
            (unit, OTHER_ROLE[values["kind"]], position)
            for position, unit in enumerate(row.refs["others"])
        ]

    def describe(self, row, obj):
        v = row.values
        return f"{v['kind']} {v['unit_code']} {v['effective_date']}"

    def after_write(self, created, updated):
        events = [event for _row, event, _b, _a in created + updated]
        if not events:
            return
        UnitEventPart.objects.filter(event__in=[e for e in events if e.pk]).delete()
        UnitEventPart.objects.bulk_create(
            [
                UnitEventPart(event=event, unit=unit, role=role, position=position)
                for event in events
                for unit, role, position in event._parts
            ],
            batch_size=WRITE_BATCH,
        )
        # The versions an event began (of the units it names) point at it.
        for event in events:
            for unit, _role, _position in event._parts:
                UnitVersion.objects.filter(
                    unit=unit, valid_from=event.effective_date, event__isnull=True
                ).update(event=event)
        self.ctx.tree_changed = True


class SplitAssignmentApplier(Applier):
    """Where a person went when their unit was split (the split's --assign file)."""

    file = "split_assignments"
    model = SplitShare
    reference_columns = ("unit_code", "national_id", "to_unit_code")
    names = {"unit_code": "unit"}

    def resolve(self, rows):
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        events = {}
        for event in UnitEvent.objects.filter(
            kind=UnitEvent.Kind.SPLIT,
            effective_date__in={r.values["effective_date"] for r in rows},
        ).prefetch_related("parts__unit"):
            main, others = event_main_and_others(event)
            events[(event.effective_date, main)] = (event, others)
        kept = []
        for row in rows:
            found = events.get((row.values["effective_date"], row.values["unit_code"]))
            ok = self.resolve_person(row, people)
            if found is None:
                self.error(
                    row,
                    "unit_code",
                    _("no split of %(code)s on %(day)s in restructurings")
                    % {"code": row.values["unit_code"], "day": row.values["effective_date"]},
                )
                continue
            event, others = found
            if row.values["to_unit_code"] not in others:
                self.error(
                    row,
                    "to_unit_code",
                    _("%(code)s is not one of the units the split made (%(codes)s)")
                    % {"code": row.values["to_unit_code"], "codes": ", ".join(others)},
                )
                continue
            if ok:
                row.refs["event"] = event
                row.refs["to_unit"] = next(
                    p.unit for p in event.parts.all() if p.unit.code == row.values["to_unit_code"]
                )
                kept.append(row)
        return kept

    def load(self, rows):
        found = SplitShare.objects.filter(
            event_id__in={r.refs["event"].pk for r in rows},
            person_id__in={r.refs["person"].id for r in rows},
        ).select_related("event", "unit")
        people = {r.refs["person"].id: r.refs["person"].national_id for r in rows}
        result = {}
        for share in found:
            share._national_id = people[share.person_id]
            share._split_code = next(
                r.values["unit_code"] for r in rows if r.refs["event"].pk == share.event_id
            )
            result[(share.event.effective_date, share._split_code, share._national_id)] = share
        return result

    def as_row(self, share):
        return {
            "effective_date": share.event.effective_date,
            "unit_code": share._split_code,
            "national_id": share._national_id,
            "to_unit_code": share.unit.code,
        }

    def assign(self, share, row, values):
        share.event_id = row.refs["event"].pk
        share.person_id = row.refs["person"].id
        share.unit_id = row.refs["to_unit"].pk
        share._split_code = values["unit_code"]
        share._national_id = values["national_id"]

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} → {row.values['to_unit_code']}"

    def after_write(self, created, updated):
        if created or updated:
            self.ctx.tree_changed = True
