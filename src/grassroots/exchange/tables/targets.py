"""Targets: of one unit they may nest but never partly overlap."""

from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.plans.models import Finding, Target
from grassroots.plans.services import period_outside_unit

from .base import Applier


class TargetApplier(Applier):
    """Targets of one unit may nest but never partly overlap (also against the database)."""

    file = "targets"
    reference_columns = ("unit_code", "period_start", "period_end")
    model = Target
    names = {"unit_code": "unit"}
    fixed_fields = ("unit",)
    DETAILS = (
        "women_share",
        "university_share",
        "student_share",
        "non_state_worker_share",
        "resolution_ref",
        "resolution_date",
    )

    def check(self, row):
        start, end = row.values["period_start"], row.values["period_end"]
        ok = True
        if end < start:
            self.error(row, "period_end", _("the period ends before it starts"))
            ok = False
        stretch = row.values.get("stretch")
        if stretch is not None and stretch < row.values["minimum"]:
            self.error(row, "stretch", _("the stretch target is below the minimum"))
            ok = False
        return ok

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        rows = [r for r in rows if self.resolve_unit(r, "unit_code", refs, Action.DECIDE)]
        periods = {}
        for unit_id, start, end in Target.objects.filter(
            unit_id__in={r.refs["unit_code"].id for r in rows}
        ).values_list("unit_id", "period_start", "period_end"):
            periods.setdefault(unit_id, set()).add((start, end))
        lives = self.unit_lives({r.refs["unit_code"].id for r in rows})
        kept = []
        for r in rows:
            mine = (r.values["period_start"], r.values["period_end"])
            if mine[1] < mine[0]:
                continue  # already reported as a reversed period
            life = lives.get(r.refs["unit_code"].id)
            outside = life and period_outside_unit(*life, *mine)
            if outside:
                self.error(r, outside[0], outside[1])
                continue
            unit_periods = periods.setdefault(r.refs["unit_code"].id, set())
            clash = next((p for p in sorted(unit_periods) if _partly_overlap(mine, p)), None)
            if clash:
                self.error(
                    r,
                    "period_start",
                    _("partly overlaps the target %(start)s–%(end)s of unit %(code)s")
                    % {"start": clash[0], "end": clash[1], "code": r.values["unit_code"]},
                )
                continue
            unit_periods.add(mine)
            kept.append(r)
        return kept

    def load(self, rows):
        found = Target.objects.filter(
            unit_id__in={r.refs["unit_code"].id for r in rows},
            period_start__in={r.values["period_start"] for r in rows},
        ).select_related("unit")
        return {(t.unit.code, t.period_start, t.period_end): t for t in found}

    def as_row(self, t):
        return {
            "unit_code": t.unit.code,
            "period_start": t.period_start,
            "period_end": t.period_end,
            "minimum": t.minimum,
            "stretch": t.stretch,
            **{column: getattr(t, column) for column in TargetApplier.DETAILS},
        }

    def assign(self, t, row, values):
        t.unit_id = row.refs["unit_code"].id
        t.period_start = values["period_start"]
        t.period_end = values["period_end"]
        t.minimum = values["minimum"]
        t.stretch = values["stretch"]
        for column in self.DETAILS:
            setattr(t, column, values[column])

    def describe(self, row, obj):
        v = row.values
        return f"{v['unit_code']} {v['period_start']}–{v['period_end']}: {v['minimum']}"


class FindingApplier(Applier):
    """Supervision findings: what an inspecting unit found in a unit below it."""

    file = "findings"
    reference_columns = ("unit_code", "by_unit_code")
    model = Finding
    names = {"unit_code": "unit", "by_unit_code": "by_unit"}

    def check(self, row):
        due, done = row.values.get("follow_up_due"), row.values.get("follow_up_done_on")
        if done is not None and done < row.values["date"]:
            self.error(row, "follow_up_done_on", _("lies before the finding"))
            return False
        if due is not None and due < row.values["date"]:
            self.error(row, "follow_up_due", _("lies before the finding"))
            return False
        return True

    def resolve(self, rows):
        refs = self.ctx.units.get_many(
            [r.values["unit_code"] for r in rows] + [r.values["by_unit_code"] for r in rows]
        )
        return [
            r
            for r in rows
            if all(
                [
                    self.resolve_unit(r, "unit_code", refs),
                    self.resolve_unit(r, "by_unit_code", refs),
                ]
            )
            and self.allowed(r, "by_unit_code", Action.DECIDE, r.refs["by_unit_code"])
        ]

    def load(self, rows):
        found = Finding.objects.filter(
            unit_id__in={r.refs["unit_code"].id for r in rows},
            date__in={r.values["date"] for r in rows},
        ).select_related("unit", "by_unit")
        return {(f.unit.code, f.by_unit.code, f.date, f.kind): f for f in found}

    def allow_existing(self, row, obj):
        return self.allowed(row, "by_unit_code", Action.DECIDE, obj.by_unit)

    def as_row(self, f):
        return {
            "unit_code": f.unit.code,
            "by_unit_code": f.by_unit.code,
            "date": f.date,
            "kind": f.kind,
            "findings": f.findings,
            "follow_up_due": f.follow_up_due,
            "follow_up_done_on": f.follow_up_done_on,
        }

    def assign(self, f, row, values):
        f.unit_id = row.refs["unit_code"].id
        f.by_unit_id = row.refs["by_unit_code"].id
        for column in ("date", "kind", "findings", "follow_up_due", "follow_up_done_on"):
            setattr(f, column, values[column])

    def describe(self, row, obj):
        v = row.values
        return f"{v['unit_code']} {v['date']} {v['kind']}"


def _partly_overlap(a, b):
    """Overlapping periods where neither contains the other (equal ones are the same key)."""
    (a1, a2), (b1, b2) = a, b
    if a1 > b2 or b1 > a2:
        return False
    a_in_b = b1 <= a1 and a2 <= b2
    b_in_a = a1 <= b1 and b2 <= a2
    return not (a_in_b or b_in_a)
